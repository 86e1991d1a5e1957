// Masked-LM pre-training runs in-process on small synthetic text: perplexity falls, a stopped run resumes to the
// same result, and later runs start from it (fine-tuning with its vocabulary and encoder, continued pre-training
// with its masked-LM head too).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRunConfig, type RunConfigInput } from '../../main/training/config';
import { train, type EvaluationInfo, type RunPlan } from '../../main/training/trainer';
import { loadRunBackbone, resolveBackbone } from '../../main/training/backbone';
import type { DatasetSource } from '../../main/training/prepare';

/** Sentences from a tiny grammar: predictable enough for a one-layer model to learn in a few dozen steps. */
function corpus(n: number, seed: number): Record<string, unknown>[] {
  const subj = ['the cat', 'a dog', 'my friend', 'the teacher', 'our neighbour'], verb = ['likes', 'sees', 'finds', 'wants'];
  const obj = ['red apples', 'old books', 'green tea', 'long walks', 'quiet rooms'], tail = ['every day', 'at night', 'in spring', 'with joy'];
  let s = seed;
  const r = (k: number) => ((s = (s * 1103515245 + 12345) % 2147483648) % k);
  return Array.from({ length: n }, () => {
    const label = r(2);
    return { text: `${subj[r(5)]} ${verb[r(4)]} ${obj[r(5)]} ${tail[r(4)]}`, tokens: ['some', 'words', label ? 'yes' : 'no'], label: String(label) };
  });
}

function source(data: Record<string, Record<string, unknown>[]>): DatasetSource {
  return {
    describe: (ref) => ({ id: Number(ref), name: `ds${ref}`, splits: { train: data[ref]!.length }, columns: [{ name: 'text', kind: 'text' }, { name: 'tokens', kind: 'tokens' }, { name: 'label', kind: 'label' }, { name: 'sents', kind: 'json' }, { name: 'answers', kind: 'json' }] }),
    rows: (id) => data[String(id)]!,
  };
}

const tiny = { hidden: 32, layers: 1, heads: 2, intermediate: 64, maxLength: 32, tokenizer: { vocabSize: 200 } };
// dataset 2 also has a list of sentences (pre-trained on, joined) and a list of answer objects (not text)
const data = { '1': corpus(800, 1), '2': corpus(300, 2).map((r) => ({ ...r, sents: [String(r.text), 'in the morning'], answers: [{ text: 'x', answer_start: 0 }] })) };
const mlmConfig = (o: Partial<RunConfigInput> = {}) => parseRunConfig({
  name: 'pre', backbone: tiny,
  tasks: [{ name: 'mlm', type: 'masked-lm', dataset: '1', text: 'text', corpus: [{ dataset: '2' }], heldOut: { fraction: 0.1 } }],
  training: { steps: 40, batchSize: 32, evalEvery: 20, checkpointEvery: 10, lr: 5e-3, warmup: 0.1, seed: 3 }, threads: 1, ...o,
});

test('a masked-LM run learns the text: perplexity falls; a stopped run resumes to the same result', async () => {
  const a = mkdtempSync(join(tmpdir(), 'chorus-pre-a-')), b = mkdtempSync(join(tmpdir(), 'chorus-pre-b-'));
  try {
    const evals: EvaluationInfo[] = [];
    let preds = 0;
    const whole = await train({ config: mlmConfig(), runDir: a, source: source(data), progressEvery: 0 }, { evaluation: (e) => evals.push(e), predictions: (_, rows) => (preds = rows.length) });
    assert.equal(whole.status, 'completed');
    const plan = JSON.parse(readFileSync(join(a, 'plan.json'), 'utf8')) as RunPlan;
    // 800 texts of dataset 1 + 300 texts, 300 token lists and 300 sentence lists of dataset 2, 10 % held out
    assert.equal(plan.tasks[0]!.split.trainCount + plan.tasks[0]!.split.validationCount, 1700);
    assert.equal(preds, plan.tasks[0]!.split.validationCount, 'a prediction per held-out text');
    const m = whole.summary.mlm as { perplexity: number; accuracy: number; maskedTokens: number };
    assert.ok(m.maskedTokens > 0);
    const first = evals[0]!.results[0]!.metrics as { perplexity: number };
    assert.ok(m.perplexity < 20, `perplexity ${m.perplexity} (vocabulary ${plan.vocabSize})`);
    assert.ok(m.perplexity <= first.perplexity, 'perplexity does not rise from step 20 to step 40');
    assert.ok(m.accuracy > 0.3, `masked-token accuracy ${m.accuracy}`);

    let at = 0;
    const stopped = await train({ config: mlmConfig(), runDir: b, source: source(data), progressEvery: 0, control: { stopRequested: () => at >= 25, waitWhilePaused: async () => undefined } }, { progress: (p) => (at = p.step) });
    assert.equal(stopped.status, 'stopped');
    assert.equal(stopped.step, 25);
    const resumed = await train({ config: mlmConfig(), runDir: b, source: source(data), resume: true });
    assert.equal(resumed.status, 'completed');
    assert.deepEqual(resumed.summary, whole.summary, 'masks derive from (seed, step): the resumed run matches');
  } finally {
    rmSync(a, { recursive: true, force: true });
    rmSync(b, { recursive: true, force: true });
  }
});

test('runs start from a pre-training run: its vocabulary, architecture and encoder; its masked-LM head when pre-training continues', async () => {
  const pre = mkdtempSync(join(tmpdir(), 'chorus-pre-')), fine = mkdtempSync(join(tmpdir(), 'chorus-fine-')), more = mkdtempSync(join(tmpdir(), 'chorus-more-'));
  try {
    await train({ config: mlmConfig({ training: { steps: 40, batchSize: 32, evalEvery: 40, lr: 5e-3, seed: 3 } }), runDir: pre, source: source(data) });
    const bb = loadRunBackbone(pre);
    assert.equal(bb.bert.hiddenSize, 32);
    assert.ok(bb.mlmHead && bb.mlmHead.has('transform.dense.weight') && bb.mlmHead.has('bias'));

    // fine-tuning: the config asks for another architecture, the backbone's wins
    const config = parseRunConfig({
      name: 'fine', backbone: { from: 'run:1', hidden: 64, layers: 3, heads: 4, maxLength: 64 },
      tasks: [{ name: 'sent', type: 'classification', dataset: '2' }],
      training: { steps: 20, batchSize: 16, evalEvery: 20, lr: 3e-3, seed: 1 }, threads: 1,
    });
    resolveBackbone(config, { runFolder: (id) => (id === 1 ? pre : { error: `run ${id} does not exist` }), modelFolder: () => null });
    assert.equal(config.backbone.path, pre);
    assert.deepEqual([config.backbone.hidden, config.backbone.layers, config.backbone.heads, config.backbone.maxLength], [32, 1, 2, 32]);
    const logs: string[] = [];
    const out = await train({ config, runDir: fine, source: source(data) }, { log: (m) => logs.push(m) });
    assert.equal(out.status, 'completed');
    assert.equal(readFileSync(join(fine, 'tokenizer.json'), 'utf8'), readFileSync(join(pre, 'tokenizer.json'), 'utf8'), 'the pre-training vocabulary');
    assert.ok(logs.some((l) => /^starting from run 'pre'/.test(l)), logs.join('\n'));
    assert.ok(logs.some((l) => /initialised fresh: heads\.sent\.classifier\.weight, heads\.sent\.classifier\.bias$/.test(l)), 'only the new head starts fresh');
    assert.throws(() => resolveBackbone(parseRunConfig({ ...config, backbone: { from: 'run:9' } }), { runFolder: (id) => ({ error: `run ${id} does not exist` }), modelFolder: () => null }), /backbone.from: run 9 does not exist/);

    // continued pre-training loads the masked-LM head: its first evaluation is already as good as where the source ended
    const cont = mlmConfig({ backbone: { ...tiny, from: 'run:1', path: pre }, training: { steps: 1, batchSize: 32, evalEvery: 1, lr: 1e-6, seed: 3 } });
    const contOut = await train({ config: cont, runDir: more, source: source(data) });
    const fresh = mkdtempSync(join(tmpdir(), 'chorus-fresh-'));
    const freshOut = await train({ config: mlmConfig({ training: { steps: 1, batchSize: 32, evalEvery: 1, lr: 1e-6, seed: 3 } }), runDir: fresh, source: source(data) });
    rmSync(fresh, { recursive: true, force: true });
    const p = (o: typeof contOut) => (o.summary.mlm as { perplexity: number }).perplexity;
    assert.ok(p(contOut) < p(freshOut) / 4, `continued ${p(contOut)} vs fresh ${p(freshOut)}`);
  } finally {
    for (const d of [pre, fine, more]) rmSync(d, { recursive: true, force: true });
  }
});
