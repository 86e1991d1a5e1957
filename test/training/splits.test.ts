import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applySplitRecord,
  buildLabelMap,
  labelProportions,
  randomSplit,
  stratifiedSplit,
  toIob2,
  trecCoarse,
} from '../../main/training/splits';
import { hasDatasets, readSst, readTrec } from './helpers';

test('stratified split: deterministic, disjoint, covers all, keeps proportions', () => {
  const labels = [...Array(90).fill('a'), ...Array(10).fill('b')];
  const s1 = stratifiedSplit(labels, 0.2, 9);
  const s2 = stratifiedSplit(labels, 0.2, 9);
  assert.deepEqual(s1, s2);
  assert.notDeepEqual(s1.validation, stratifiedSplit(labels, 0.2, 10).validation);
  assert.equal(s1.validation.length, 20);
  assert.equal(s1.validation.filter((i) => labels[i] === 'b').length, 2);
  assert.deepEqual(
    [...s1.train, ...s1.validation].sort((a, b) => a - b),
    labels.map((_, i) => i),
  );
  assert.deepEqual(applySplitRecord(labels.length, JSON.parse(JSON.stringify(s1.record))), s1);
  // a rare class still gets a validation row, and never all of its rows
  const rare = stratifiedSplit(['x', 'x', 'y', 'y', 'y', 'y', 'y', 'y', 'y', 'y'], 0.1, 1);
  assert.ok(rare.validation.some((i) => i < 2));
  const r = randomSplit(100, 0.25, 3);
  assert.equal(r.validation.length, 25);
  assert.deepEqual(r, randomSplit(100, 0.25, 3));
  assert.throws(() => stratifiedSplit(labels, 1, 0));
});

test('label maps: TREC coarse, numeric order, fixed order, IOB2', () => {
  assert.equal(trecCoarse('LOC:city'), 'LOC');
  const m = buildLabelMap(['NUM:date', 'LOC:city', 'LOC:other'], { transform: trecCoarse });
  assert.deepEqual(m.names, ['LOC', 'NUM']);
  assert.equal(m.encode('NUM:count'), 1);
  assert.throws(() => m.encode('HUM:ind'));
  assert.deepEqual(buildLabelMap(['10', '2', '1']).names, ['1', '2', '10']);
  assert.deepEqual(buildLabelMap(['B-PER', 'O'], { order: ['O', 'B-PER', 'I-PER'] }).names, ['O', 'B-PER', 'I-PER']);
  assert.deepEqual(toIob2(['I-PER', 'I-PER', 'O', 'I-LOC', 'I-ORG', 'B-ORG']), ['B-PER', 'I-PER', 'O', 'B-LOC', 'B-ORG', 'B-ORG']);
});

test('real TREC: 10% stratified validation keeps coarse-class proportions', { skip: !hasDatasets }, () => {
  const rows = readTrec();
  const lm = buildLabelMap(
    rows.map((r) => r.raw),
    { transform: trecCoarse },
  );
  assert.deepEqual(lm.names, ['ABBR', 'DESC', 'ENTY', 'HUM', 'LOC', 'NUM']);
  const labels = rows.map((r) => lm.encode(r.raw));
  const s = stratifiedSplit(labels, 0.1, 1234);
  assert.ok(Math.abs(s.validation.length - rows.length * 0.1) <= lm.names.length);
  const all = labelProportions(
    labels,
    labels.map((_, i) => i),
  );
  const val = labelProportions(labels, s.validation);
  for (const [k, p] of all) assert.ok(Math.abs((val.get(k) ?? 0) - p) < 0.005, `${k}: ${val.get(k)} vs ${p}`);
  assert.deepEqual(stratifiedSplit(labels, 0.1, 1234).validation, s.validation);
});

test('real SST-2 (500 rows): stratified split of binary labels', { skip: !hasDatasets }, () => {
  const labels = readSst(500).map((r) => r.label);
  const s = stratifiedSplit(labels, 0.2, 7);
  const pos = labels.filter((l) => l === 1).length;
  assert.equal(s.validation.filter((i) => labels[i] === 1).length, Math.round(pos * 0.2));
  assert.equal(s.validation.filter((i) => labels[i] === 0).length, Math.round((500 - pos) * 0.2));
});
