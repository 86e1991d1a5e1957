// Where special tokens go: a tokenizer's special-token ids and its single / pair templates, as Hugging Face's
// post-processors define them (BertProcessing, RobertaProcessing, TemplateProcessing), and the assembly of pieces
// into model inputs by template.

/** Ids of the special tokens a model and its heads rely on. */
export interface Specials { pad: number; unk: number; cls: number; sep: number; mask: number }

/** One step of a template: fixed special-token ids, or a segment (0 = a, 1 = b); each with its token type. */
export type TemplatePiece = { ids: number[]; typeId: number } | { seq: 0 | 1; typeId: number };

export interface TokenLayout {
  specials: Specials;
  /** `[CLS] $A [SEP]` for BERT, `<s> $A </s>` for RoBERTa. */
  single: TemplatePiece[];
  /** `[CLS] $A [SEP] $B:1 [SEP]:1` for BERT, `<s> $A </s> </s> $B </s>` (every type 0) for RoBERTa. */
  pair: TemplatePiece[];
}

/** BERT: [CLS] a [SEP] (b [SEP]), token type 1 on b and its closing [SEP]. */
export function bertLayout(specials: Specials): TokenLayout {
  const cls = { ids: [specials.cls], typeId: 0 }, sep = { ids: [specials.sep], typeId: 0 };
  return {
    specials,
    single: [cls, { seq: 0, typeId: 0 }, sep],
    pair: [cls, { seq: 0, typeId: 0 }, sep, { seq: 1, typeId: 1 }, { ids: [specials.sep], typeId: 1 }],
  };
}

/** RoBERTa: <s> a </s> (</s> b </s>), every token type 0. */
export function robertaLayout(specials: Specials): TokenLayout {
  const cls = { ids: [specials.cls], typeId: 0 }, sep = { ids: [specials.sep], typeId: 0 };
  return { specials, single: [cls, { seq: 0, typeId: 0 }, sep], pair: [cls, { seq: 0, typeId: 0 }, sep, sep, { seq: 1, typeId: 0 }, sep] };
}

/** Special tokens a template adds around the segments. */
export function specialCount(template: TemplatePiece[]): number {
  return template.reduce((n, p) => n + ('ids' in p ? p.ids.length : 0), 0);
}

/** Tokens of one text without special tokens. */
export interface Pieces {
  ids: number[];
  /** [start, end) UTF-16 offsets into the text, per token. */
  offsets: [number, number][];
}

export interface Encoding {
  ids: number[];
  /** Per the template: BERT 0 on [CLS], segment a and its [SEP], 1 on segment b and its closing [SEP]; RoBERTa all 0. */
  typeIds: number[];
  attentionMask: number[];
  /** Per token [start, end) into the text of its own segment; [0, 0] on special tokens. */
  offsets: [number, number][];
  /** null on special tokens, 0 for segment a, 1 for segment b. */
  sequenceIds: (0 | 1 | null)[];
}

/** Builds the layout's single (no `b`) or pair template from already truncated pieces. */
export function assembleWith(layout: TokenLayout, a: Pieces, b?: Pieces): Encoding {
  const enc: Encoding = { ids: [], typeIds: [], attentionMask: [], offsets: [], sequenceIds: [] };
  for (const piece of b ? layout.pair : layout.single) {
    if ('ids' in piece) {
      for (const id of piece.ids) {
        enc.ids.push(id);
        enc.typeIds.push(piece.typeId);
        enc.offsets.push([0, 0]);
        enc.sequenceIds.push(null);
      }
      continue;
    }
    const p = piece.seq === 0 ? a : b!;
    p.ids.forEach((id, i) => {
      enc.ids.push(id);
      enc.typeIds.push(piece.typeId);
      enc.offsets.push([p.offsets[i]![0], p.offsets[i]![1]]);
      enc.sequenceIds.push(piece.seq);
    });
  }
  enc.attentionMask = enc.ids.map(() => 1);
  return enc;
}

type Json = Record<string, unknown>;

/**
 * The single / pair templates of a tokenizer.json `post_processor` (BertProcessing, RobertaProcessing,
 * TemplateProcessing, or a Sequence holding one of them); null when it has none of these.
 */
export function templatesFromPostProcessor(pp: unknown): { single: TemplatePiece[]; pair: TemplatePiece[]; kind: 'bert' | 'roberta' | 'template' } | null {
  if (!pp || typeof pp !== 'object') return null;
  const p = pp as Json;
  const id = (x: unknown): number => (x as [string, number])[1];
  switch (p.type) {
    case 'BertProcessing': {
      const { single, pair } = bertLayout({ pad: -1, unk: -1, mask: -1, cls: id(p.cls), sep: id(p.sep) });
      return { single, pair, kind: 'bert' };
    }
    case 'RobertaProcessing': {
      const { single, pair } = robertaLayout({ pad: -1, unk: -1, mask: -1, cls: id(p.cls), sep: id(p.sep) });
      return { single, pair, kind: 'roberta' };
    }
    case 'TemplateProcessing': {
      const specials = (p.special_tokens ?? {}) as Record<string, { ids: number[] }>;
      const parse = (items: unknown): TemplatePiece[] => (items as Json[]).map((it): TemplatePiece => {
        if (it.SpecialToken) {
          const s = it.SpecialToken as { id: string; type_id: number };
          const ids = specials[s.id]?.ids;
          if (!ids) throw new Error(`tokenizer.json: post_processor template names special token '${s.id}' without ids`);
          return { ids: [...ids], typeId: s.type_id };
        }
        const s = it.Sequence as { id: 'A' | 'B'; type_id: number };
        return { seq: s.id === 'A' ? 0 : 1, typeId: s.type_id };
      });
      return { single: parse(p.single), pair: parse(p.pair), kind: 'template' };
    }
    case 'Sequence':
      for (const q of (p.processors ?? []) as unknown[]) {
        const t = templatesFromPostProcessor(q);
        if (t) return t;
      }
      return null;
    default:
      return null;
  }
}

/** Token names tried for each special, BERT's first, then RoBERTa's. */
export const SPECIAL_NAMES: Record<keyof Specials, string[]> = {
  pad: ['[PAD]', '<pad>'], unk: ['[UNK]', '<unk>'], cls: ['[CLS]', '<s>'], sep: ['[SEP]', '</s>'], mask: ['[MASK]', '<mask>'],
};

/**
 * The layout of a tokenizer from its tokenizer.json and a token → id lookup. Specials come from `names` (e.g.
 * tokenizer_config.json's cls_token), else the post-processor (cls, sep) and the model's unk_token, else the
 * usual names. Templates come from the post-processor, else BERT's or RoBERTa's by the names found.
 */
export function layoutFromTokenizerJson(json: Json, toId: (token: string) => number | null, names: Partial<Record<keyof Specials, string>> = {}, what = 'tokenizer.json'): TokenLayout {
  const t = templatesFromPostProcessor(json.post_processor);
  const specialsOf = (tpl: TemplatePiece[]) => tpl.filter((p): p is { ids: number[]; typeId: number } => 'ids' in p).flatMap((p) => p.ids);
  const fromTemplate: Partial<Specials> = {};
  if (t) {
    const s = specialsOf(t.single);
    if (s.length >= 2) [fromTemplate.cls, fromTemplate.sep] = [s[0], s[s.length - 1]];
  }
  const model = (json.model ?? {}) as Json;
  const find = (k: keyof Specials): number => {
    const named = names[k];
    if (named !== undefined) {
      const id = toId(named);
      if (id === null) throw new Error(`${what}: special token ${k} '${named}' is not in the vocabulary`);
      return id;
    }
    if (fromTemplate[k] !== undefined) return fromTemplate[k]!;
    const candidates = k === 'unk' && typeof model.unk_token === 'string' ? [model.unk_token, ...SPECIAL_NAMES.unk] : SPECIAL_NAMES[k];
    if (k === 'unk' && typeof model.unk_id === 'number') return model.unk_id; // Unigram
    for (const c of candidates) {
      const id = toId(c);
      if (id !== null) return id;
    }
    throw new Error(`${what}: no ${k} token (looked for ${candidates.join(', ')})`);
  };
  const specials: Specials = { pad: find('pad'), unk: find('unk'), cls: find('cls'), sep: find('sep'), mask: find('mask') };
  if (t) return { specials, single: t.single, pair: t.pair };
  const roberta = names.cls ? names.cls.startsWith('<') : toId('[CLS]') === null;
  return roberta ? robertaLayout(specials) : bertLayout(specials);
}
