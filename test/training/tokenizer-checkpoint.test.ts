// Tokenizers of imported checkpoints: the ids Chorus produces equal those the checkpoint's own tokenizer defines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as hf from 'tokenizers';
import * as ort from 'onnxruntime-node';
import { fillParams, importCheckpoint } from '../../main/engine/io';
import { ForwardSession, layoutFor } from '../../main/engine/train';
import { collateClassification } from '../../main/training/batching';
import { WordPieceTokenizer } from '../../main/training/tokenizer';

const REF = '../shared/reference';
const corpus = [
  'The quick brown fox jumps over the lazy dog.',
  'Café au lait, naïve résumé! Crème brûlée?',
  '北京是中国的首都 and Tokyo is big',
  'unaffable playing players played plays (really) — yes: 42%.',
];
const TEXTS = [
  'The quick brown fox.',
  'CAFÉ Résumé naïve, crème!',
  '北京 is the 首都 of 中国.',
  'Hello, world!!! (unaffable) 3.14 — "quoted" [MASK] text',
  '😀 emoji, then ünïcödé',
  '',
];
const PAIRS: [string, string][] = [['the fox', 'jumps over the lazy dog'], ['Café?', '北京!'], ['', 'only b']];

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'chorus-tokckpt-'));
}

/** A BERT-base-like vocabulary: [PAD] at 0, [unusedN] filler, then [UNK] [CLS] [SEP] [MASK] at 100..103, then words. */
function bertBaseLikeVocab(): Record<string, number> {
  const trained = Object.entries(WordPieceTokenizer.train(corpus, { vocabSize: 220, allowSmaller: true }).vocab()).sort((a, b) => a[1] - b[1]).map(([t]) => t).filter((t) => !t.startsWith('['));
  const tokens = ['[PAD]', ...Array.from({ length: 99 }, (_, i) => `[unused${i}]`), '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...trained];
  return Object.fromEntries(tokens.map((t, i) => [t, i]));
}

/** A WordPiece tokenizer.json as Hugging Face writes BERT's (BertNormalizer, TemplateProcessing, special added tokens). */
function referenceWordPiece(vocab: Record<string, number>, lowercase: boolean): hf.Tokenizer {
  const tk = new hf.Tokenizer(hf.WordPiece.init(vocab, { unkToken: '[UNK]', continuingSubwordPrefix: '##', maxInputCharsPerWord: 100 }));
  tk.setNormalizer(hf.bertNormalizer({ cleanText: true, handleChineseChars: true, stripAccents: lowercase, lowercase }));
  tk.setPreTokenizer(hf.bertPreTokenizer());
  tk.setPostProcessor(hf.templateProcessing('[CLS]:0 $A:0 [SEP]:0', '[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1', [['[CLS]', vocab['[CLS]']!], ['[SEP]', vocab['[SEP]']!]]));
  tk.setDecoder(hf.wordPieceDecoder('##', true));
  tk.addSpecialTokens(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
  return tk;
}

/** A RoBERTa-style byte-level BPE tokenizer.json: <s>=0 <pad>=1 </s>=2 <unk>=3, <mask> last, RobertaProcessing. */
function robertaTokenizerJson(): string {
  const vocab: Record<string, number> = { '<s>': 0, '<pad>': 1, '</s>': 2, '<unk>': 3 };
  for (const c of hf.byteLevelAlphabet().sort()) vocab[c] ??= Object.keys(vocab).length;
  const merges = [['Ġ', 't'], ['h', 'e'], ['Ġt', 'he'], ['Ġ', 'f'], ['o', 'x'], ['Ġf', 'ox'], ['Ã', '©'], ['e', 'r'], ['Ġ', 'o'], ['Ġo', 'v'], ['Ġov', 'er'], ['T', 'he'], ['ä', '¸']];
  for (const [a, b] of merges) vocab[a + b] ??= Object.keys(vocab).length;
  vocab['<mask>'] = Object.keys(vocab).length;
  const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: content === '<mask>', rstrip: false, normalized: false, special: true });
  return JSON.stringify({
    version: '1.0', truncation: null, padding: null,
    added_tokens: [special(0, '<s>'), special(1, '<pad>'), special(2, '</s>'), special(3, '<unk>'), special(vocab['<mask>']!, '<mask>')],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'RobertaProcessing', sep: ['</s>', 2], cls: ['<s>', 0], trim_offsets: true, add_prefix_space: false },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges: merges.map(([a, b]) => `${a} ${b}`) },
  });
}

/** Chorus's ids, token types and offsets equal the reference tokenizer's for every text and pair. */
async function assertSameAsReference(tok: WordPieceTokenizer, ref: hf.Tokenizer, label: string): Promise<void> {
  for (const t of TEXTS) {
    const want = await ref.encode(t);
    const got = await tok.encode(t, 512);
    assert.deepEqual(got.ids, want.getIds(), `${label}: ids of ${JSON.stringify(t)}`);
    assert.deepEqual(got.typeIds, want.getTypeIds(), `${label}: types of ${JSON.stringify(t)}`);
  }
  for (const [a, b] of PAIRS) {
    const want = await ref.encode(a, b);
    const got = await tok.encodePair(a, b, 512);
    assert.deepEqual(got.ids, want.getIds(), `${label}: ids of pair ${JSON.stringify([a, b])}`);
    assert.deepEqual(got.typeIds, want.getTypeIds(), `${label}: types of pair ${JSON.stringify([a, b])}`);
  }
}

/** Every non-special token's offsets point into the original text (UTF-16), at text that normalises to it. */
async function assertOffsetsInText(tok: WordPieceTokenizer): Promise<void> {
  for (const t of TEXTS) {
    const e = await tok.encode(t, 512);
    e.sequenceIds.forEach((s, i) => {
      if (s === null) return;
      const [a, b] = e.offsets[i]!;
      assert.ok(a <= b && b <= t.length, `offsets [${a}, ${b}) inside ${JSON.stringify(t)}`);
      assert.ok(!/^\s/.test(t.slice(a, b)) || a === b, `no leading space in ${JSON.stringify(t.slice(a, b))}`);
    });
  }
}

test('WordPiece tokenizer.json (BERT-base-like ids): Chorus ids equal the file\'s own, specials from the file', async () => {
  const dir = tmp();
  try {
    const vocab = bertBaseLikeVocab();
    referenceWordPiece(vocab, true).save(join(dir, 'tokenizer.json'));
    const tok = WordPieceTokenizer.fromCheckpoint(dir);
    assert.deepEqual(tok.specials, { pad: 0, unk: 100, cls: 101, sep: 102, mask: 103 });
    await assertSameAsReference(tok, hf.Tokenizer.fromFile(join(dir, 'tokenizer.json')), 'tokenizer.json');
    await assertOffsetsInText(tok);
    assert.equal((await tok.encode('北京', 8)).ids.length, 4, 'CJK characters split one per token');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('vocab.txt + tokenizer_config.json: do_lower_case true and false match BertTokenizerFast\'s pipeline', async () => {
  const dir = tmp();
  try {
    const vocab = bertBaseLikeVocab();
    const tokens = Object.entries(vocab).sort((a, b) => a[1] - b[1]).map(([t]) => t);
    // cased words too, so that do_lower_case false has something to find
    writeFileSync(join(dir, 'vocab.txt'), [...tokens, 'The', 'Caf', '##é', 'CA', '##F', '##É'].join('\n') + '\n');
    const full = Object.fromEntries([...tokens, 'The', 'Caf', '##é', 'CA', '##F', '##É'].map((t, i) => [t, i]));
    const lower = WordPieceTokenizer.fromCheckpoint(dir); // no tokenizer_config.json: lower-cased, accents stripped
    assert.deepEqual(lower.specials, { pad: 0, unk: 100, cls: 101, sep: 102, mask: 103 });
    await assertSameAsReference(lower, referenceWordPiece(full, true), 'vocab.txt uncased');
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ do_lower_case: false, tokenizer_class: 'BertTokenizer' }));
    const cased = WordPieceTokenizer.fromCheckpoint(dir);
    await assertSameAsReference(cased, referenceWordPiece(full, false), 'vocab.txt cased');
    assert.notDeepEqual((await cased.encode('The Café', 16)).ids, (await lower.encode('The Café', 16)).ids);
    // strip_accents given explicitly wins over do_lower_case
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ do_lower_case: true, strip_accents: false }));
    const keep = WordPieceTokenizer.fromCheckpoint(dir);
    const ref = new hf.Tokenizer(hf.WordPiece.init(full, { unkToken: '[UNK]' }));
    ref.setNormalizer(hf.bertNormalizer({ lowercase: true, stripAccents: false }));
    ref.setPreTokenizer(hf.bertPreTokenizer());
    assert.deepEqual((await keep.tokenize('café')).ids, (await ref.encode('café', null, { addSpecialTokens: false })).getIds());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('RoBERTa byte-level BPE tokenizer.json: ids equal the file\'s own; pairs are <s> a </s></s> b </s>, all type 0', async () => {
  const dir = tmp();
  try {
    writeFileSync(join(dir, 'tokenizer.json'), robertaTokenizerJson());
    const tok = WordPieceTokenizer.fromCheckpoint(dir);
    const mask = tok.tokenToId('<mask>')!;
    assert.deepEqual(tok.specials, { pad: 1, unk: 3, cls: 0, sep: 2, mask });
    const ref = hf.Tokenizer.fromFile(join(dir, 'tokenizer.json'));
    await assertSameAsReference(tok, ref, 'roberta');
    await assertOffsetsInText(tok);
    const p = await tok.encodePair('the fox', 'over', 64);
    const na = (await tok.tokenize('the fox')).ids.length, nb = (await tok.tokenize('over')).ids.length;
    assert.deepEqual(p.ids.slice(na + 1, na + 3), [2, 2]);
    assert.equal(p.ids.length, na + nb + 4);
    assert.deepEqual(p.sequenceIds, [null, ...Array(na).fill(0), null, null, ...Array(nb).fill(1), null]);
    // truncation budgets the four special tokens of a pair
    assert.equal((await tok.encodePair('the fox jumps over the lazy dog', 'the fox jumps over', 12)).ids.length, 12);
    assert.equal(await tok.decode((await tok.encode('the fox', 16)).ids), 'the fox');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('save / load keeps a checkpoint tokenizer\'s ids, specials and pair layout', async () => {
  const dir = tmp();
  try {
    const vocab = bertBaseLikeVocab();
    writeFileSync(join(dir, 'vocab.txt'), Object.keys(vocab).join('\n'));
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ do_lower_case: true }));
    writeFileSync(join(dir, 'roberta.json'), robertaTokenizerJson());
    const roberta = WordPieceTokenizer.load(join(dir, 'roberta.json'));
    for (const tok of [WordPieceTokenizer.fromCheckpoint(dir), roberta]) {
      tok.save(join(dir, 'saved.json'));
      const back = WordPieceTokenizer.load(join(dir, 'saved.json'));
      assert.deepEqual(back.specials, tok.specials);
      assert.deepEqual(back.layout, tok.layout);
      for (const t of TEXTS) assert.deepEqual(await back.encode(t, 64), await tok.encode(t, 64));
      for (const [a, b] of PAIRS) assert.deepEqual(await back.encodePair(a, b, 64), await tok.encodePair(a, b, 64));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the tiny-mtl fixture with a vocabulary laid out as FORMAT.md says: ids match, and the imported model runs on them', async () => {
  // tiny-mtl ships no vocabulary: FORMAT.md fixes only [PAD]=0, [CLS]=2, [SEP]=3 of its 512 ids (Chorus's layout).
  // So the test writes 512 tokens in that layout (a WordPiece vocabulary trained on the sentences above, padded with
  // [unusedN]) next to a copy of the fixture's config.json and model.safetensors.
  const dir = tmp();
  try {
    copyFileSync(`${REF}/tiny-mtl/config.json`, join(dir, 'config.json'));
    copyFileSync(`${REF}/tiny-mtl/model.safetensors`, join(dir, 'model.safetensors'));
    const V = (JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { vocab_size: number }).vocab_size;
    const trained = Object.entries(WordPieceTokenizer.train(corpus, { vocabSize: V, allowSmaller: true }).vocab()).sort((a, b) => a[1] - b[1]).map(([t]) => t);
    const tokens = [...trained, ...Array.from({ length: V - trained.length }, (_, i) => `[unused${i}]`)];
    assert.equal(tokens.length, V);
    writeFileSync(join(dir, 'vocab.txt'), tokens.join('\n') + '\n');
    const tok = WordPieceTokenizer.fromCheckpoint(dir);
    assert.deepEqual(tok.specials, { pad: 0, unk: 1, cls: 2, sep: 3, mask: 4 });
    await assertSameAsReference(tok, referenceWordPiece(Object.fromEntries(tokens.map((t, i) => [t, i])), true), 'tiny-mtl vocab');

    const ck = importCheckpoint(dir);
    const spec = { config: ck.config, heads: [{ name: 'a', kind: 'sequence_classification' as const, numLabels: 3 }] };
    const layout = layoutFor(spec);
    const params = new Float32Array(layout.size);
    fillParams(layout, params, ck.encoder);
    const rows = await Promise.all([tok.encode(TEXTS[1]!, 32), tok.encodePair(...PAIRS[0]!, 32)]);
    const b = collateClassification(rows.map((r) => ({ ...r, label: 0 })), { padId: tok.specials.pad, maxLength: ck.source.maxLength });
    const t = (x: BigInt64Array) => new ort.Tensor('int64', x, [b.batchSize, b.seqLen]);
    const s = await ForwardSession.create(spec, { threads: 1 });
    try {
      const out = await s.run(params, [{ input_ids: t(b.inputIds), attention_mask: t(b.attentionMask), token_type_ids: t(b.tokenTypeIds), labels: new ort.Tensor('int64', b.labels, [b.batchSize]) }]);
      assert.ok((out['a.last_hidden_state']!.data as Float32Array).every(Number.isFinite));
    } finally {
      await s.release();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('checkpoint tokenizer errors: no files, slow-only files, ids past the model\'s vocab_size', () => {
  const dir = tmp();
  try {
    assert.throws(() => WordPieceTokenizer.fromCheckpoint(join(dir, 'nope')), /nope: no such folder/);
    assert.throws(() => WordPieceTokenizer.fromCheckpoint(dir), /no tokenizer\.json or vocab\.txt/);
    writeFileSync(join(dir, 'vocab.json'), '{}');
    assert.throws(() => WordPieceTokenizer.fromCheckpoint(dir), /has vocab\.json but no tokenizer\.json; .*AutoTokenizer\.from_pretrained\(.*\)\.save_pretrained/);
    writeFileSync(join(dir, 'vocab.txt'), ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'a'].join('\n'));
    assert.throws(() => WordPieceTokenizer.fromCheckpoint(dir), /vocab\.txt: no mask token '\[MASK\]'/);
    writeFileSync(join(dir, 'vocab.txt'), ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'a', 'b'].join('\n'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'bert', vocab_size: 6 }));
    assert.throws(() => WordPieceTokenizer.fromCheckpoint(dir), /the tokenizer has ids up to 6, but config\.json's vocab_size is 6/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
