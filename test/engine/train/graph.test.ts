import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphSession } from '../../../main/engine/runtime';
import { toModelProto } from '../../../main/engine/onnx';
import { buildEvalGraph, buildTrainGraph } from '../../../main/engine/train';
import { Fixture } from '../../../main/engine/reference';

test('the tiny-mtl train-step and eval graphs load in ONNX Runtime with optimization level all', async () => {
  const fx = new Fixture('../shared/reference/tiny-mtl');
  const spec = { config: fx.config, heads: fx.heads, seq: fx.seq };
  const { graph, layout } = buildTrainGraph(spec, { betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, clipGradNorm: 1, debugGrads: true });
  assert.equal(layout.size, 108744);
  const s = await GraphSession.create(toModelProto(graph), { threads: 1, optimizationLevel: 'all' });
  assert.deepEqual(s.outputNames.sort(), ['grad_norm', 'grads', 'loss', 'm_out', 'params_out', 'task_losses', 'v_out']);
  assert.ok(s.inputNames.includes('sentiment.labels') && s.inputNames.includes('task_weights') && s.inputNames.includes('lr'));
  await s.release();
  const e = await GraphSession.create(buildEvalGraph(spec).graph, { threads: 1, optimizationLevel: 'all' });
  assert.ok(e.outputNames.includes('sentiment.pooler_output') && e.outputNames.includes('ner.logits'));
  await e.release();
});

test('the tiny-mtl train-step graph passes the ONNX checker (python3-onnx, full check with shape inference)', async (t) => {
  const python = '/usr/bin/python3';
  const probe = spawnSync(python, ['-c', 'import onnx'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    t.skip('python3-onnx is not installed (apt-get install python3-onnx); .ci/run installs it');
    return;
  }
  const fx = new Fixture('../shared/reference/tiny-mtl');
  const spec = { config: fx.config, heads: fx.heads, seq: fx.seq };
  const { graph } = buildTrainGraph(spec, { betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, clipGradNorm: 1 });
  const dir = mkdtempSync(join(tmpdir(), 'chorus-onnx-'));
  const file = join(dir, 'train_step.onnx');
  writeFileSync(file, toModelProto(graph));
  const check = spawnSync(
    python,
    ['-c', 'import onnx, sys; m = onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True); print(len(m.graph.node))', file],
    { encoding: 'utf8' },
  );
  rmSync(dir, { recursive: true, force: true });
  assert.equal(check.status, 0, check.stderr);
  assert.ok(Number(check.stdout.trim()) > 100, 'the checked model has the whole train step');
});
