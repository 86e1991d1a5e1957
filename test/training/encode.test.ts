import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLS_ID, SEP_ID, WordPieceTokenizer, robertaLayout } from '../../main/training/tokenizer';
import {
  IGNORE_INDEX,
  charSpanToTokens,
  encodeClassification,
  qaWindows,
  encodeQa,
  encodeRegression,
  encodeTokenClassification,
  spanToText,
} from '../../main/training/encode';
import { buildLabelMap, toIob2 } from '../../main/training/splits';
import { hasDatasets, readConll, readXquad, sharedTokenizer } from './helpers';

const corpus = [
  'The quick brown fox jumps over the lazy dog.',
  'Denver Broncos won Super Bowl 50 in 2016 at Levi Stadium.',
  'EU rejects German call to boycott British lamb .',
  'Peter Blackburn went to Brussels on Monday',
];
const tiny = (): WordPieceTokenizer => WordPieceTokenizer.train(corpus, { vocabSize: 300, allowSmaller: true });

test('classification: single and pair; regression keeps float labels', async () => {
  const tok = tiny();
  const [s, p] = await encodeClassification(
    tok,
    [
      { text: 'the lazy dog', label: 1 },
      { text: 'the fox', textPair: 'jumps over', label: 0 },
    ],
    32,
  );
  assert.equal(s.label, 1);
  assert.ok(s.typeIds.every((t) => t === 0));
  assert.equal(p.ids[0], CLS_ID);
  const nb = (await tok.tokenize('jumps over')).ids.length;
  assert.equal(p.typeIds.filter((t) => t === 1).length, nb + 1);
  const [r] = await encodeRegression(tok, [{ text: 'the dog', textPair: 'a dog', label: 3.25 }], 32);
  assert.equal(r.label, 3.25);
  await assert.rejects(encodeRegression(tok, [{ text: 'x', label: Number.NaN }], 8));
});

test('token classification: exactly the first sub-token of each word is labelled', async () => {
  const tok = tiny();
  const [e] = await encodeTokenClassification(tok, [{ words: ['Blackburnish', 'went', 'to', 'Brussels'], labels: [1, 0, 0, 5] }], 64);
  assert.equal(e.labels[0], IGNORE_INDEX);
  assert.equal(e.labels[e.labels.length - 1], IGNORE_INDEX);
  const labelled = e.labels.map((l, i) => [l, i]).filter(([l]) => l !== IGNORE_INDEX);
  assert.deepEqual(
    labelled.map(([l]) => l),
    [1, 0, 0, 5],
  );
  for (const [, i] of labelled) assert.notEqual(e.wordIds[i], e.wordIds[i - 1]);
  assert.ok(e.ids.length > 6, 'Blackburnish is split into several sub-tokens');
});

test('QA (inline): answer span → tokens, sliding windows, [CLS] when absent', async () => {
  const tok = tiny();
  const context = 'The quick brown fox jumps over the lazy dog. Denver Broncos won Super Bowl 50 in 2016 at Levi Stadium.';
  const answer = 'Levi Stadium';
  const ex = { question: 'Where?', context, answers: [{ text: answer, answerStart: context.indexOf(answer) }] };
  const [one] = await encodeQa(tok, [ex], { maxLength: 128 });
  assert.equal(spanToText(one, context, one.startPosition, one.endPosition), answer);
  assert.equal(one.contextOffsets[0], null);
  const wins = await encodeQa(tok, [ex], { maxLength: 16, docStride: 4 });
  assert.ok(wins.length > 2);
  const hits = wins.filter((w) => w.startPosition > 0);
  assert.ok(hits.length >= 1);
  for (const w of wins) {
    assert.ok(w.ids.length <= 16);
    assert.equal(w.ids[w.ids.length - 1], SEP_ID);
    if (w.startPosition > 0) assert.equal(spanToText(w, context, w.startPosition, w.endPosition), answer);
    else assert.equal(w.endPosition, 0);
  }
  // windows cover the whole context with overlap
  const covered = new Set(wins.flatMap((w) => w.contextOffsets.filter((o) => o !== null).map((o) => o[0])));
  const all = (await tok.tokenize(context)).offsets.map((o) => o[0]);
  assert.deepEqual([...covered].sort((a, b) => a - b), all);
  assert.deepEqual(charSpanToTokens([[0, 3], [4, 9], [9, 12]], 4, 12), [1, 2]);
  assert.equal(charSpanToTokens([[0, 3]], 5, 6), null);
});

test('QA windows follow the tokenizer\'s layout: RoBERTa\'s <s> q </s></s> c </s> shifts the answer and the room', () => {
  const layout = robertaLayout({ pad: 1, unk: 3, cls: 0, sep: 2, mask: 50 });
  const context = 'aa bb cc dd ee ff';
  const c = { ids: [10, 11, 12, 13, 14, 15], offsets: [[0, 2], [3, 5], [6, 8], [9, 11], [12, 14], [15, 17]] as [number, number][] };
  const q = { ids: [20, 21], offsets: [[0, 1], [2, 3]] as [number, number][] };
  const ex = { question: 'q q', context, answers: [{ text: 'dd ee', answerStart: 9 }] };
  const [w] = qaWindows(q, c, ex, 0, { maxLength: 32 }, layout);
  assert.deepEqual(w!.ids, [0, 20, 21, 2, 2, 10, 11, 12, 13, 14, 15, 2]);
  assert.deepEqual([w!.startPosition, w!.endPosition], [8, 9]);
  assert.equal(spanToText(w!, context, w!.startPosition, w!.endPosition), 'dd ee');
  const wins = qaWindows(q, c, ex, 0, { maxLength: 9, docStride: 2 }, layout); // room 9 - 2 - 4 = 3 context tokens
  assert.ok(wins.every((x) => x.ids.length <= 9));
  assert.ok(wins.some((x) => x.startPosition > 0 && spanToText(x, context, x.startPosition, x.endPosition) === 'dd ee'));
});

test('QA (XQuAD en): token span recovers the exact answer text in every window holding it', { skip: !hasDatasets }, async () => {
  const tok = sharedTokenizer();
  const xs = readXquad('en');
  assert.ok(xs.length > 1000);
  const wins = await encodeQa(tok, xs, { maxLength: 192, docStride: 64, maxQuestionLength: 64 });
  const found = new Set<number>();
  const bad: string[] = [];
  for (const w of wins) {
    assert.ok(w.ids.length <= 192);
    if (w.startPosition === 0) {
      assert.equal(w.endPosition, 0);
      continue;
    }
    const ex = xs[w.exampleIndex];
    const got = spanToText(w, ex.context, w.startPosition, w.endPosition);
    if (got !== ex.answers[0].text) bad.push(`${ex.id}: ${JSON.stringify(got)} vs ${JSON.stringify(ex.answers[0].text)}`);
    found.add(w.exampleIndex);
  }
  assert.deepEqual(bad, []);
  // every answer fits in a 192-token window here, so every example has at least one window holding it
  const fits = xs.filter((x) => x.answers.length > 0).length;
  assert.equal(found.size, fits, `${found.size} of ${fits}`);
});

test('QA (XQuAD zh): UTF-16 offsets recover answers on CJK text', { skip: !hasDatasets }, async () => {
  const tok = sharedTokenizer();
  const xs = readXquad('zh').slice(0, 300);
  const wins = await encodeQa(tok, xs, { maxLength: 384, docStride: 128 });
  let ok = 0;
  for (const w of wins) {
    if (w.startPosition === 0) continue;
    const ex = xs[w.exampleIndex];
    if (spanToText(w, ex.context, w.startPosition, w.endPosition) === ex.answers[0].text) ok++;
  }
  assert.ok(ok > 0);
});

test('token classification (CoNLL): one labelled token per word, labels match tags', { skip: !hasDatasets }, async () => {
  const tok = sharedTokenizer();
  const sents = readConll(500);
  const order = ['O', 'B-PER', 'I-PER', 'B-ORG', 'I-ORG', 'B-LOC', 'I-LOC', 'B-MISC', 'I-MISC'];
  const lm = buildLabelMap(
    sents.flatMap((s) => toIob2(s.tags)),
    { order },
  );
  const exs = sents.map((s) => ({ words: s.words, labels: toIob2(s.tags).map((t) => lm.encode(t)) }));
  const encs = await encodeTokenClassification(tok, exs, 256);
  encs.forEach((e, i) => {
    const labelled = e.labels.map((l, t) => [l, t]).filter(([l]) => l !== IGNORE_INDEX);
    assert.equal(labelled.length, exs[i].words.length);
    assert.deepEqual(
      labelled.map(([l]) => l),
      exs[i].labels,
    );
    // the labelled token's offsets start where its word starts in the joined text
    let c = 0;
    const starts = exs[i].words.map((w) => {
      const s = c;
      c += w.length + 1;
      return s;
    });
    labelled.forEach(([, t], k) => assert.equal(e.offsets[t][0], starts[k]));
  });
});
