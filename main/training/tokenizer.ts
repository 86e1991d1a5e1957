// Tokenizers for Chorus, built on the Hugging Face `tokenizers` native binding: the WordPiece vocabulary Chorus
// trains, or the tokenizer of an imported checkpoint (WordPiece, byte-level BPE, …; see fromCheckpoint).
//
// Vocabulary layout of a Chorus-trained tokenizer:
//   [PAD]=0  [UNK]=1  [CLS]=2  [SEP]=3  [MASK]=4, then the trained WordPiece vocabulary.
// A checkpoint's tokenizer keeps its own ids; every tokenizer exposes them as `specials`, and its `layout` says
// where special tokens go (BERT: [CLS] a [SEP] b [SEP]; RoBERTa: <s> a </s></s> b </s>).
// Normalisation is BERT's: clean text, lowercase, strip accents, CJK characters split off as their own words;
// pre-tokenisation is BertPreTokenizer (whitespace + punctuation).
//
// Training: the binding's own trainer takes no options and returns a different vocabulary on every call (ties are
// broken in hash-map order), so words are counted with the binding's normaliser and pre-tokenizer and the merges
// are learnt by wordpiece-trainer.ts (the same algorithm, deterministic ties); the five special tokens go in front.
//
// Special tokens and truncation are applied here in TypeScript rather than by the binding's post-processor, so the
// layout (the post-processor's template, longest-first truncation, sliding windows) is fully under our control.
// All character offsets returned by this module are JS string (UTF-16 code unit) indices into the ORIGINAL text;
// the binding reports Unicode code point offsets, which we convert.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as hf from 'tokenizers';
import { checkpointFolder } from '../engine/io';
import { assembleWith, bertLayout, layoutFromTokenizerJson, specialCount, type Encoding, type Pieces, type Specials, type TokenLayout } from './token-layout';
import { checkVocabFits, readCheckpointTokenizer } from './tokenizer-files';
import { trainWordPieces } from './wordpiece-trainer';

export { bertLayout, robertaLayout, specialCount, type Encoding, type Pieces, type Specials, type TemplatePiece, type TokenLayout } from './token-layout';

export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;
export const PAD_ID = 0;
export const UNK_ID = 1;
export const CLS_ID = 2;
export const SEP_ID = 3;
export const MASK_ID = 4;
export const DEFAULT_VOCAB_SIZE = 8000;
/** The layout of Chorus-trained vocabularies. */
export const CHORUS_LAYOUT: TokenLayout = bertLayout({ pad: PAD_ID, unk: UNK_ID, cls: CLS_ID, sep: SEP_ID, mask: MASK_ID });

/** Offsets of a special or padding token. */
export const NO_OFFSET: readonly [number, number] = [0, 0];

export interface WordsEncoding extends Encoding {
  /** Index of the word each token belongs to; null on special tokens. */
  wordIds: (number | null)[];
  /** Number of leading words that kept at least one token after truncation. */
  wordsKept: number;
}

function makeNormalizer(): hf.Normalizer {
  return hf.bertNormalizer({ cleanText: true, lowercase: true, stripAccents: true, handleChineseChars: true });
}

/** Maps code point index → UTF-16 index for `text` (length = code points + 1). */
function codePointToUtf16(text: string): number[] {
  const map: number[] = [];
  let u = 0;
  for (const ch of text) {
    map.push(u);
    u += ch.length;
  }
  map.push(u);
  return map;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Removes tokens from the longer of the two lists (ties: from b) until their total length is <= budget. */
export function truncateLongestFirst(aLen: number, bLen: number, budget: number): [number, number] {
  let a = aLen;
  let b = bLen;
  while (a + b > budget && a + b > 0) {
    if (a > b) a--;
    else b--;
  }
  return [a, b];
}

/** Builds the single or pair template (Chorus's layout unless given) from already truncated pieces. */
export function assemble(a: Pieces, b?: Pieces, layout: TokenLayout = CHORUS_LAYOUT): Encoding {
  return assembleWith(layout, a, b);
}

function slicePieces(p: Pieces, start: number, end: number): Pieces {
  return { ids: p.ids.slice(start, end), offsets: p.offsets.slice(start, end) };
}

export class WordPieceTokenizer {
  private constructor(
    private readonly tk: hf.Tokenizer,
    /** Special-token ids and templates: Chorus's for trained vocabularies, the checkpoint's own otherwise. */
    readonly layout: TokenLayout = CHORUS_LAYOUT,
  ) {}

  /** Ids of [PAD] [UNK] [CLS] [SEP] [MASK] (or <pad> <unk> <s> </s> <mask>) in this vocabulary. */
  get specials(): Specials {
    return this.layout.specials;
  }

  /**
   * Trains a vocabulary of `vocabSize` (including the 5 special tokens) on `texts`.
   * Throws when the corpus is too small to reach that size unless `allowSmaller` is set.
   */
  static train(
    texts: Iterable<string>,
    options: { vocabSize?: number; allowSmaller?: boolean } = {},
  ): WordPieceTokenizer {
    const vocabSize = options.vocabSize ?? DEFAULT_VOCAB_SIZE;
    if (vocabSize <= SPECIAL_TOKENS.length) throw new Error(`vocabSize must exceed ${SPECIAL_TOKENS.length}`);
    const normalizer = makeNormalizer();
    const pre = hf.bertPreTokenizer();
    const counts = new Map<string, number>();
    for (const t of texts) {
      for (const [word] of pre.preTokenizeString(normalizer.normalizeString(t))) counts.set(word, (counts.get(word) ?? 0) + 1);
    }
    const want = vocabSize - SPECIAL_TOKENS.length;
    const learned = trainWordPieces(counts, want + SPECIAL_TOKENS.length).filter((t) => !(SPECIAL_TOKENS as readonly string[]).includes(t)).slice(0, want);
    if (learned.length < want && !options.allowSmaller) throw new Error(`trained vocabulary too small: ${learned.length} < ${want}`);
    const vocab: Record<string, number> = {};
    [...SPECIAL_TOKENS, ...learned].forEach((tok, i) => (vocab[tok] = i));
    return WordPieceTokenizer.fromVocab(vocab);
  }

  /** Builds a tokenizer from a token → id map that already holds the special tokens at ids 0..4. */
  static fromVocab(vocab: Record<string, number>): WordPieceTokenizer {
    SPECIAL_TOKENS.forEach((s, i) => {
      if (vocab[s] !== i) throw new Error(`vocabulary must map ${s} to ${i}`);
    });
    const tk = new hf.Tokenizer(hf.WordPiece.init(vocab, { unkToken: '[UNK]', continuingSubwordPrefix: '##' }));
    tk.setNormalizer(makeNormalizer());
    tk.setPreTokenizer(hf.bertPreTokenizer());
    tk.setPostProcessor(hf.bertProcessing(['[SEP]', SEP_ID], ['[CLS]', CLS_ID]));
    tk.setDecoder(hf.wordPieceDecoder('##', true));
    tk.addSpecialTokens([...SPECIAL_TOKENS]); // typed "[MASK]" is one token (fill-mask), never split or lowercased
    return new WordPieceTokenizer(tk);
  }

  /**
   * The tokenizer of a Hugging Face checkpoint folder: `tokenizer.json` when present (any model the library reads:
   * WordPiece, byte-level BPE, Unigram), else WordPiece from `vocab.txt` with `tokenizer_config.json`'s
   * do_lower_case / strip_accents / tokenize_chinese_chars. Special tokens are found by tokenizer_config.json's
   * names, the post-processor, or their usual names; pairs follow the post-processor's template. A
   * sentence-transformers folder resolves to its transformer's sub-folder. Throws when the tokenizer's ids do not
   * fit config.json's vocab_size.
   */
  static fromCheckpoint(dir: string): WordPieceTokenizer {
    const direct = ['tokenizer.json', 'vocab.txt'].some((f) => existsSync(join(dir, f)));
    const folder = direct || !existsSync(join(dir, 'modules.json')) ? dir : checkpointFolder(dir);
    const { tk, layout } = readCheckpointTokenizer(folder);
    checkVocabFits(tk, folder);
    return new WordPieceTokenizer(tk, layout);
  }

  /** Reads a tokenizer.json written by `save` (or any tokenizer.json; see fromJSON). */
  static load(path: string): WordPieceTokenizer {
    return WordPieceTokenizer.fromJSON(readFileSync(path, 'utf8'), path);
  }

  /**
   * A tokenizer.json: Chorus's own (specials at 0..4) or a checkpoint's, whose specials and templates are read
   * from its post-processor and token names as in fromCheckpoint.
   */
  static fromJSON(json: string, what = 'tokenizer.json'): WordPieceTokenizer {
    const tk = hf.Tokenizer.fromString(json);
    return new WordPieceTokenizer(tk, layoutFromTokenizerJson(JSON.parse(json) as Record<string, unknown>, (t) => tk.tokenToId(t), {}, what));
  }

  /** Writes a standard Hugging Face tokenizer.json. */
  save(path: string): void {
    this.tk.save(path, true);
  }

  get vocabSize(): number {
    return this.tk.getVocabSize(true);
  }

  tokenToId(token: string): number | null {
    return this.tk.tokenToId(token);
  }

  idToToken(id: number): string | null {
    return this.tk.idToToken(id);
  }

  vocab(): Record<string, number> {
    return this.tk.getVocab(true);
  }

  /** Tokenizes one text without special tokens or truncation. */
  async tokenize(text: string): Promise<Pieces> {
    const e = await this.tk.encode(text, null, { addSpecialTokens: false });
    return this.toPieces(text, e);
  }

  /** Tokenizes many texts (one native batch call). */
  async tokenizeBatch(texts: string[]): Promise<Pieces[]> {
    if (texts.length === 0) return [];
    const es = await this.tk.encodeBatch(texts, { addSpecialTokens: false });
    return es.map((e, i) => this.toPieces(texts[i], e));
  }

  private toPieces(text: string, e: hf.Encoding): Pieces {
    const ids = e.getIds();
    const raw = e.getOffsets();
    if (isAscii(text)) return { ids, offsets: raw.map((o): [number, number] => [o[0], o[1]]) };
    const map = codePointToUtf16(text);
    return { ids, offsets: raw.map((o): [number, number] => [map[o[0]], map[o[1]]]) };
  }

  /** [CLS] text [SEP] (this tokenizer's single template), truncated to maxLength tokens in total. */
  async encode(text: string, maxLength: number): Promise<Encoding> {
    return this.encodeFromPieces(await this.tokenize(text), undefined, maxLength);
  }

  /** [CLS] a [SEP] b [SEP] (this tokenizer's pair template), longest-first truncation to maxLength tokens in total. */
  async encodePair(a: string, b: string, maxLength: number): Promise<Encoding> {
    const [pa, pb] = await this.tokenizeBatch([a, b]);
    return this.encodeFromPieces(pa, pb, maxLength);
  }

  /** This tokenizer's template around already truncated pieces. */
  assemble(a: Pieces, b?: Pieces): Encoding {
    return assembleWith(this.layout, a, b);
  }

  /** encodeFromPieces with this tokenizer's layout. */
  encodeFromPieces(a: Pieces, b: Pieces | undefined, maxLength: number): Encoding {
    return encodeFromPieces(a, b, maxLength, this.layout);
  }

  /** wordsFromPieces with this tokenizer's layout. */
  wordsFromPieces(words: string[], p: Pieces, maxLength: number): WordsEncoding {
    return wordsFromPieces(words, p, maxLength, this.layout);
  }

  /**
   * Encodes pre-split words (CoNLL). The words are joined with single spaces and each token is assigned to the word
   * whose character span holds its start. A word that yields no token (e.g. only control characters) gets one
   * [UNK] token so every word keeps exactly one first sub-token. Offsets are relative to the joined text.
   */
  async encodeWords(words: string[], maxLength: number): Promise<WordsEncoding> {
    return (await this.encodeWordsBatch([words], maxLength))[0];
  }

  async encodeWordsBatch(sentences: string[][], maxLength: number): Promise<WordsEncoding[]> {
    const texts = sentences.map((w) => w.join(' '));
    const pieces = await this.tokenizeBatch(texts);
    return sentences.map((words, si) => wordsFromPieces(words, pieces[si], maxLength, this.layout));
  }

  async decode(ids: number[], skipSpecialTokens = true): Promise<string> {
    return this.tk.decode(ids, skipSpecialTokens);
  }
}

export function encodeFromPieces(a: Pieces, b: Pieces | undefined, maxLength: number, layout: TokenLayout = CHORUS_LAYOUT): Encoding {
  const budget = maxLength - specialCount(b ? layout.pair : layout.single);
  if (budget < 0) throw new Error(`maxLength ${maxLength} too small`);
  if (!b) return assembleWith(layout, slicePieces(a, 0, Math.min(a.ids.length, budget)));
  const [na, nb] = truncateLongestFirst(a.ids.length, b.ids.length, budget);
  return assembleWith(layout, slicePieces(a, 0, na), slicePieces(b, 0, nb));
}

export function wordsFromPieces(words: string[], p: Pieces, maxLength: number, layout: TokenLayout = CHORUS_LAYOUT): WordsEncoding {
  const starts: number[] = [];
  let c = 0;
  for (const w of words) {
    starts.push(c);
    c += w.length + 1;
  }
  const ids: number[] = [];
  const offsets: [number, number][] = [];
  const wordIds: number[] = [];
  let t = 0;
  for (let w = 0; w < words.length; w++) {
    const end = starts[w] + words[w].length;
    const before = ids.length;
    // a token belongs to word w when it starts before the next word does (tokens never span the joining space)
    while (t < p.ids.length && (w + 1 >= words.length || p.offsets[t][0] < starts[w + 1])) {
      ids.push(p.ids[t]);
      offsets.push(p.offsets[t]);
      wordIds.push(w);
      t++;
    }
    if (ids.length === before) {
      ids.push(layout.specials.unk);
      offsets.push([starts[w], end]);
      wordIds.push(w);
    }
  }
  const keep = Math.min(ids.length, Math.max(0, maxLength - specialCount(layout.single)));
  const enc = assembleWith(layout, { ids: ids.slice(0, keep), offsets: offsets.slice(0, keep) });
  const kept = wordIds.slice(0, keep);
  // words are contiguous in token order, so the words that kept a (first) token are 0..last kept word
  const wordsKept = kept.length ? kept[kept.length - 1] + 1 : 0;
  let k = 0;
  return { ...enc, wordIds: enc.sequenceIds.map((sid) => (sid === null ? null : kept[k++])), wordsKept };
}
