import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { exactMatch, normalizeAnswer, squadMetrics, tokenF1 } from '../../../main/training/metrics';

const close = (actual: number, expected: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} != ${expected}`);

const NORMALIZE_CASES: [string, string][] = [
  ['The  Answer!', 'answer'],
  ['a, an and the', 'and'],
  ['Theory of the atom', 'theory of atom'], // articles only as whole words
  ['the café', 'café'],
  ['théa', 'théa'], // é is a word character (Python's Unicode \b), so the "a" is not an article
  ["Tom's (1999)", 'toms 1999'],
  ['Tom’s — “quoted”', 'tom’s — “quoted”'], // official: non-ASCII punctuation stays in non-CJK text
  ['x\u00a0y\u0085z\u3000w', 'x y z w'], // Python's str.split() whitespace
  ['\ufeffx', '\ufeffx'], // ...which does not include U+FEFF
  ['  ', ''],
  ['《北京大学》', '北京大学'], // CJK text also loses Unicode punctuation
  ['北京，上海。', '北京上海'],
  ['The 2008年 Olympics', '2008年 olympics'],
];

test('normalizeAnswer: lowercase, punctuation, articles, whitespace', () => {
  for (const [input, expected] of NORMALIZE_CASES) assert.equal(normalizeAnswer(input), expected, JSON.stringify(input));
});

/** pred, golds, exact match, token F1 */
const ANSWER_CASES: [string, string[], number, number][] = [
  ['Denver Broncos', ['Denver Broncos', 'The Denver Broncos'], 1, 1],
  ['the Denver Broncos.', ['Broncos', 'Denver Broncos'], 1, 1],
  // best over golds: [denver broncos team] vs [broncos] → P 1/3 R 1 F 0.5; vs [denver broncos] → P 2/3 R 1 F 0.8
  ['Denver Broncos team', ['Broncos', 'the Denver Broncos'], 0, 0.8],
  ['x x y', ['x y y'], 0, 2 / 3], // multiset intersection: one x, one y
  ['Carolina Panthers', ['Denver Broncos'], 0, 0],
  ['', ['Denver'], 0, 0],
  ['the', ['a'], 1, 1], // both normalize to empty: F1 1 (v2.0 behaviour; v1.1 would say 0)
  // CJK characters are single tokens
  ['北京大学', ['《北京大学》'], 1, 1],
  ['北京', ['北京大学'], 0, 2 / 3], // [北 京] vs [北 京 大 学]: P 1, R 1/2
  ['2008年', ['2008年8月'], 0, 2 / 3], // [2008 年] vs [2008 年 8 月]
  ['东京タワー', ['東京タワー'], 0, 0.8], // 东 ≠ 東; [东 京 タ ワ ー] vs [東 京 タ ワ ー]: 4 of 5 shared
];

test('exact match and token F1 take the best gold answer', () => {
  for (const [pred, golds, em, f1] of ANSWER_CASES) {
    assert.equal(exactMatch(pred, golds), em, `EM ${pred} / ${golds}`);
    close(tokenF1(pred, golds), f1, `F1 ${pred} / ${golds}`);
  }
  assert.throws(() => exactMatch('x', []), /exactMatch: no gold answers/);
  assert.throws(() => tokenF1('x', []), /tokenF1: no gold answers/);
});

test('squadMetrics averages over questions, as fractions', () => {
  const m = squadMetrics(['Denver Broncos', '北京', 'wrong'], [['Denver Broncos'], ['北京大学'], ['right', 'correct']]);
  assert.equal(m.n, 3);
  close(m.exact_match, 1 / 3, 'exact_match');
  close(m.f1, (1 + 2 / 3 + 0) / 3, 'f1');
  assert.deepEqual(squadMetrics([], []), { exact_match: 0, f1: 0, n: 0 });
  assert.throws(() => squadMetrics(['a'], []), /1 predictions but 0 questions/);
  assert.throws(() => squadMetrics(['a'], [[]]), /question 0 has no gold answers/);
});

// evaluate-v1.1.py's normalize_answer and f1_score, verbatim.
const PYTHON_OFFICIAL = `
import json, re, string, sys
from collections import Counter
def normalize_answer(s):
    def remove_articles(text):
        return re.sub(r'\\b(a|an|the)\\b', ' ', text)
    def white_space_fix(text):
        return ' '.join(text.split())
    def remove_punc(text):
        exclude = set(string.punctuation)
        return ''.join(ch for ch in text if ch not in exclude)
    def lower(text):
        return text.lower()
    return white_space_fix(remove_articles(remove_punc(lower(s))))
def f1_score(prediction, ground_truth):
    prediction_tokens = normalize_answer(prediction).split()
    ground_truth_tokens = normalize_answer(ground_truth).split()
    common = Counter(prediction_tokens) & Counter(ground_truth_tokens)
    num_same = sum(common.values())
    if num_same == 0:
        return 0
    precision = 1.0 * num_same / len(prediction_tokens)
    recall = 1.0 * num_same / len(ground_truth_tokens)
    return (2 * precision * recall) / (precision + recall)
data = json.load(sys.stdin)
json.dump({"norm": [normalize_answer(s) for s in data["strings"]],
           "f1": [max(f1_score(p, g) for g in gs) for p, gs in data["pairs"]]}, sys.stdout)
`;

test('non-CJK text is scored exactly like the official v1.1 script', (t) => {
  const python = '/usr/bin/python3';
  if (!existsSync(python)) return t.skip(`${python} not found`);
  const hasCjk = (s: string): boolean => /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(s);
  const strings = [
    ...NORMALIZE_CASES.map(([s]) => s).filter((s) => !hasCjk(s)),
    'An apple a day; the_end',
    'Ünïcödé an Ändern the',
    'Mr. O’Neil — the “best” (ca. 1900–1910)',
    'tab\tand\nnewline\x1cfs',
    'İstanbul ΣΑΣ',
  ];
  // both-empty pairs are left out: the one documented difference (F1 1 here, 0 in v1.1)
  const pairs = ANSWER_CASES.filter(([p, gs]) => !hasCjk(p + gs.join('')) && normalizeAnswer(p) !== '').map(([p, gs]) => [p, gs]);
  pairs.push(['O’Neil — 1900', ['Mr. O’Neil', '1900–1910']], ['the_end of it', ['the end of it']]);
  const run = spawnSync(python, ['-c', PYTHON_OFFICIAL], { input: JSON.stringify({ strings, pairs }), encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const ref = JSON.parse(run.stdout) as { norm: string[]; f1: number[] };
  strings.forEach((s, i) => assert.equal(normalizeAnswer(s), ref.norm[i], JSON.stringify(s)));
  pairs.forEach(([p, gs], i) => close(tokenF1(p as string, gs as string[]), ref.f1[i], `F1 ${p} / ${gs}`));
});
