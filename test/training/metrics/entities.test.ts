import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { entityChunks, entityMetrics } from '../../../main/training/metrics';
import { DATASETS, readConll } from '../helpers';

const close = (actual: number, expected: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} != ${expected}`);

/** tags (space-separated) → expected chunks as "start-end:TYPE" */
const CHUNK_CASES: [string, string, string[]][] = [
  ['IOB1: B- after I- of the same type starts a new entity', 'I-PER I-PER B-PER', ['0-2:PER', '2-3:PER']],
  ['BIO', 'B-PER I-PER O B-LOC', ['0-2:PER', '3-4:LOC']],
  ['B- after B- of the same type', 'B-PER B-PER', ['0-1:PER', '1-2:PER']],
  ['type change mid-chunk splits it', 'B-PER I-ORG', ['0-1:PER', '1-2:ORG']],
  ['type change inside I- run', 'I-PER I-PER I-LOC', ['0-2:PER', '2-3:LOC']],
  ['leading I- starts an entity', 'I-LOC O', ['0-1:LOC']],
  ['I- after O starts an entity', 'O I-MISC I-MISC O', ['1-3:MISC']],
  ['trailing entity is closed at the end', 'O B-MISC I-MISC', ['1-3:MISC']],
  ['single token sentence', 'B-ORG', ['0-1:ORG']],
  ['O only', 'O O O', []],
  ['empty sentence', '', []],
  ['other prefixes: first character is the tag, so E-/S- only start on a type change', 'B-PER E-PER S-PER O S-LOC', ['0-3:PER', '4-5:LOC']],
  ['untyped B / I tags', 'B I O B', ['0-2:', '3-4:']],
];

const show = (chunks: { start: number; end: number; type: string }[]): string[] => chunks.map((c) => `${c.start}-${c.end}:${c.type}`);
const split = (tags: string): string[] => (tags ? tags.split(' ') : []);

test('entity chunks follow the conlleval rules', () => {
  for (const [name, tags, expected] of CHUNK_CASES) assert.deepEqual(show(entityChunks(split(tags))), expected, name);
  assert.throws(() => entityChunks(['O', '']), /tag 1 is empty/);
});

test('entity P/R/F1: micro over types, per type sorted by name', () => {
  const gold = [
    ['B-PER', 'I-PER', 'O', 'B-LOC'], // PER 0-2, LOC 3-4
    ['B-ORG', 'O', 'B-MISC', 'I-MISC'], // ORG 0-1, MISC 2-4
    ['O', 'O'],
  ];
  const pred = [
    ['B-PER', 'I-PER', 'O', 'B-ORG'], // PER 0-2 (hit), ORG 3-4 (wrong type)
    ['B-ORG', 'O', 'B-MISC', 'O'], // ORG 0-1 (hit), MISC 2-3 (wrong span)
    ['B-PER', 'O'], // PER 0-1 (spurious)
  ];
  const m = entityMetrics(gold, pred);
  assert.deepEqual([m.gold, m.pred, m.tp], [4, 5, 2]);
  close(m.precision, 2 / 5, 'precision');
  close(m.recall, 2 / 4, 'recall');
  close(m.f1, 4 / 9, 'f1'); // 2 * 0.4 * 0.5 / 0.9
  const rows = m.perType.map((t) => [t.type, t.precision, t.recall, t.f1, t.support]);
  assert.deepEqual(rows, [
    ['LOC', 0, 0, 0, 1], // never predicted
    ['MISC', 0, 0, 0, 1],
    ['ORG', 1 / 2, 1, 2 / 3, 1],
    ['PER', 1 / 2, 1, 2 / 3, 1],
  ]);
});

test('entity metrics: sentence boundaries end entities; empty and mismatched input', () => {
  // I-PER at the start of sentence 2 is a new entity, not a continuation of sentence 1's PER
  const m = entityMetrics([['B-PER'], ['I-PER']], [['B-PER'], ['B-PER']]);
  assert.deepEqual([m.gold, m.pred, m.tp, m.f1], [2, 2, 2, 1]);
  const none = entityMetrics([['O']], [['O']]);
  assert.deepEqual([none.precision, none.recall, none.f1, none.perType], [0, 0, 0, []]);
  assert.throws(() => entityMetrics([['O']], []), /gold has 1 sentences but pred has 0/);
  assert.throws(() => entityMetrics([['O', 'O']], [['O']]), /sentence 0 has 2 gold tags but 1 predicted/);
  assert.throws(() => entityMetrics([['O']], [['']]), /sentence 0: entityChunks: tag 0 is empty/);
});

// The project's reference scorer, verbatim, plus counting.
const PYTHON_REFERENCE = `
import json, sys
def split_tag(t):
    return ("O", "") if t == "O" else (t[0], t[2:])
def chunks(tags):
    out, start, prev_tag, prev_type = [], None, "O", ""
    for i, t in enumerate(list(tags) + ["O"]):
        tag, typ = split_tag(t)
        end = (prev_tag in "BI" and tag in "BO") or (prev_tag == "I" and tag == "B") or \\
              (prev_tag != "O" and prev_type != typ)
        begin = (tag == "B") or (prev_tag == "O" and tag == "I") or (tag != "O" and prev_type != typ)
        if end and start is not None:
            out.append((start, i, prev_type)); start = None
        if begin:
            start = i
        prev_tag, prev_type = tag, typ
    return set(out)
data = json.load(sys.stdin)
table = [sorted(chunks(tags)) for tags in data["table"]]
counts = {"gold": 0, "pred": 0, "tp": 0, "types": {}}
for g, p in zip(data["gold"], data["pred"]):
    gc, pc = chunks(g), chunks(p)
    counts["gold"] += len(gc); counts["pred"] += len(pc); counts["tp"] += len(gc & pc)
    for name, cs in (("gold", gc), ("pred", pc), ("tp", gc & pc)):
        for c in cs:
            t = counts["types"].setdefault(c[2], {"gold": 0, "pred": 0, "tp": 0}); t[name] += 1
json.dump({"table": table, "counts": counts}, sys.stdout)
`;

const PYTHON = '/usr/bin/python3';
const CONLL_DEV = join(DATASETS, 'conll2003/dev.txt');

/** Deterministic damage: every 7th token → O, every 11th B- → I-, every 13th entity tag → the next type. */
function corrupt(sentences: string[][]): string[][] {
  const types = ['LOC', 'MISC', 'ORG', 'PER'];
  let k = 0;
  return sentences.map((tags) =>
    tags.map((t) => {
      k++;
      if (k % 7 === 0) return 'O';
      if (k % 11 === 0 && t.startsWith('B-')) return 'I-' + t.slice(2);
      if (k % 13 === 0 && t !== 'O') return t.slice(0, 2) + types[(types.indexOf(t.slice(2)) + 1) % types.length];
      return t;
    }),
  );
}

test('matches the Python reference on the chunk table and on CoNLL-2003 dev with corrupted predictions', (t) => {
  if (!existsSync(PYTHON)) return t.skip(`${PYTHON} not found`);
  if (!existsSync(CONLL_DEV)) return t.skip(`${CONLL_DEV} not found`);
  const gold = readConll(Infinity, 'dev.txt').map((s) => s.tags);
  assert.equal(gold.length, 3250);
  const pred = corrupt(gold);
  const table = CHUNK_CASES.map(([, tags]) => split(tags));
  const run = spawnSync(PYTHON, ['-c', PYTHON_REFERENCE], {
    input: JSON.stringify({ table, gold, pred }),
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  assert.equal(run.status, 0, run.stderr);
  const ref = JSON.parse(run.stdout) as {
    table: [number, number, string][][];
    counts: { gold: number; pred: number; tp: number; types: Record<string, { gold: number; pred: number; tp: number }> };
  };
  table.forEach((tags, i) => {
    const expected = ref.table[i].map(([s, e, ty]) => `${s}-${e}:${ty}`);
    assert.deepEqual(show(entityChunks(tags)), expected, CHUNK_CASES[i][0]);
  });
  const m = entityMetrics(gold, pred);
  assert.deepEqual({ gold: m.gold, pred: m.pred, tp: m.tp }, { gold: ref.counts.gold, pred: ref.counts.pred, tp: ref.counts.tp });
  assert.ok(m.tp < m.gold && m.tp < m.pred, 'the corruption changed something');
  assert.deepEqual(
    m.perType.map((x) => x.type),
    Object.keys(ref.counts.types).sort(),
  );
  for (const x of m.perType) {
    const r = ref.counts.types[x.type];
    assert.equal(x.support, r.gold, `${x.type} support`);
    close(x.precision, r.pred ? r.tp / r.pred : 0, `${x.type} precision`);
    close(x.recall, r.gold ? r.tp / r.gold : 0, `${x.type} recall`);
  }
  close(m.f1, (2 * ref.counts.tp) / (ref.counts.gold + ref.counts.pred), 'f1');
});
