// Replays the PyTorch reference fixtures and checks every number with FORMAT.md's tolerances.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Fixture, compareReplay, replayFixture, summarize, toExpectedJson, type Category } from '../../../main/engine/reference';

// The two shipped fixtures, plus three made with make_mtl.py from the specs in test/fixtures/reference
// (other sizes, seeds, head mixes, weights not summing to 1, a fixture without a pooled head, no clipping).
const FIXTURES = [
  '../shared/reference/tiny-mtl',
  '../shared/reference/tiny-mtl4',
  'test/fixtures/reference/mix3',
  'test/fixtures/reference/nopooler',
  'test/fixtures/reference/five',
];

for (const dir of FIXTURES) {
  const name = dir.split('/').pop()!;
  test(`${name}: replay matches PyTorch within FORMAT.md tolerances`, async () => {
    const fx = new Fixture(dir);
    const r = await replayFixture(fx, { threads: 1 });
    const rows = compareReplay(fx, r, { grads: fx.readOptional('grads_step1.safetensors'), final: fx.readOptional('final.safetensors') });
    const failures = rows.filter((x) => !x.ok).map((x) => `${x.label}: ${x.diff.toExponential(2)} > ${x.tolerance.toExponential(2)}`);
    assert.deepEqual(failures, []);
    // every category FORMAT.md lists was actually compared
    const cats = new Set(rows.map((x) => x.category));
    const want: Category[] = ['initial', 'steps', 'grad_norm', 'grads', 'final', 'final_hidden', 'weights', 'checksums'];
    if (fx.heads.some((h) => h.kind === 'span_extraction')) want.push('span_bias');
    for (const c of want) assert.ok(cats.has(c), `category ${c} compared`);
    assert.equal(r.steps.length, fx.optimizer.steps);
    const s = summarize(rows);
    console.log(name, Object.entries(s).map(([k, v]) => `${k} ${v!.maxDiff.toExponential(2)}`).join(', '));

    // the JSON has expected.json's structure
    const json = toExpectedJson(fx, r) as Record<string, Record<string, Record<string, unknown>>>;
    const exp = fx.expected as Record<string, Record<string, Record<string, unknown>>>;
    assert.deepEqual(Object.keys(json.initial!.eval!).sort(), Object.keys(exp.initial!.eval!).sort());
    assert.deepEqual(Object.keys((json.steps as unknown as Record<string, unknown>[])[0]!).sort(), Object.keys((exp.steps as unknown as Record<string, unknown>[])[0]!).sort());
  });
}
