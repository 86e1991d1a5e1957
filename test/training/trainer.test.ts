// The training loop in-process on small in-memory data: it learns, evaluates every task type, reports progress,
// stops on divergence naming the step and task, and trains for a time budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRunConfig } from '../../main/training/config';
import { train, type EvaluationInfo, type ProgressInfo } from '../../main/training/trainer';
import type { DatasetSource } from '../../main/training/prepare';
import { DATASETS, hasDatasets } from './helpers';

/** Sentences whose label is whether they contain a "good" word: learnable in a few dozen steps. */
function sentiment(n: number, seed: number): Record<string, unknown>[] {
  const good = ['great', 'lovely', 'superb', 'fine'], bad = ['awful', 'dull', 'poor', 'weak'], filler = ['the', 'film', 'was', 'plot', 'a', 'story', 'very', 'and', 'cast', 'music'];
  let s = seed;
  const r = (k: number) => ((s = (s * 1103515245 + 12345) % 2147483648) % k);
  return Array.from({ length: n }, () => {
    const label = r(2);
    const words = Array.from({ length: 4 + r(6) }, () => filler[r(filler.length)]!);
    words.splice(r(words.length), 0, (label ? good : bad)[r(4)]!);
    return { text: words.join(' '), label: String(label) };
  });
}

function source(data: Record<string, Record<string, Record<string, unknown>[]>>): DatasetSource {
  return {
    describe: (ref) => ({ id: Number(ref), name: `ds${ref}`, splits: Object.fromEntries(Object.entries(data[ref]!).map(([k, v]) => [k, v.length])) }),
    rows: (id, split) => data[String(id)]![split]!,
  };
}

const tiny = { hidden: 32, layers: 1, heads: 2, intermediate: 64, maxLength: 64, tokenizer: { vocabSize: 300 } };

test('a classification + extractive-QA run learns, evaluates both heads and reports progress', { skip: !hasDatasets && 'needs ../shared/datasets' }, async () => {
  const squad = JSON.parse(readFileSync(join(DATASETS, 'xquad/xquad.en.json'), 'utf8')) as { data: { paragraphs: { context: string; qas: { question: string; answers: { text: string; answer_start: number }[] }[] }[] }[] };
  const qa = squad.data.flatMap((a) => a.paragraphs.flatMap((p) => p.qas.map((q) => ({ question: q.question, context: p.context, answers: q.answers }))));
  const dir = mkdtempSync(join(tmpdir(), 'chorus-trainer-'));
  try {
    const config = parseRunConfig({
      name: 't', backbone: { ...tiny, tokenizer: { vocabSize: 2000 }, maxLength: 96 },
      tasks: [{ name: 'sent', type: 'classification', dataset: '1' }, { name: 'qa', type: 'extractive-qa', dataset: '2' }],
      training: { steps: 60, batchSize: 16, evalEvery: 30, lr: 3e-3, warmup: 0.05 }, threads: 1,
    });
    const progress: ProgressInfo[] = [], evals: EvaluationInfo[] = [];
    const preds = new Map<string, number>();
    const out = await train({ config, runDir: dir, source: source({ '1': { train: sentiment(600, 1), validation: sentiment(100, 2) }, '2': { train: qa.slice(100, 400), validation: qa.slice(0, 100) } }), progressEvery: 0 }, {
      progress: (p) => progress.push(p), evaluation: (e) => evals.push(e), predictions: (t, rows) => preds.set(t, rows.length),
    });
    assert.equal(out.status, 'completed');
    assert.deepEqual(evals.map((e) => e.step), [30, 60]);
    assert.ok((out.summary.sent!.accuracy as number) > 0.9, `keyword sentiment learnt: ${out.summary.sent!.accuracy}`);
    assert.ok('exact_match' in out.summary.qa! && 'f1' in out.summary.qa!);
    assert.deepEqual(Object.fromEntries(preds), { sent: 100, qa: 100 });
    assert.equal(progress.length, 60, 'a report per step at progressEvery 0');
    assert.equal(progress[0]!.lr, 0, 'warm-up starts at 0');
    assert.ok(progress.at(-1)!.taskLosses.sent! < progress[0]!.taskLosses.sent!, 'loss falls');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a diverging run stops with a message naming the step and the task, keeping its last good checkpoint', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chorus-trainer-'));
  try {
    const config = parseRunConfig({
      name: 'boom', backbone: tiny, tasks: [{ name: 'sent', type: 'classification', dataset: '1' }],
      training: { steps: 50, batchSize: 8, evalEvery: 2, lr: 1e19, warmup: 0, clipGradNorm: 0 }, threads: 1,
    });
    const out = await train({ config, runDir: dir, source: source({ '1': { train: sentiment(200, 3), validation: sentiment(20, 4) } }) });
    assert.equal(out.status, 'diverged');
    assert.match(out.error!, /^training diverged at step \d+: the loss of task 'sent' is (NaN|Infinity)/);
    assert.ok(out.step < 50);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a time budget trains until it is spent, with warm-up and decay laid over the budget', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chorus-trainer-'));
  try {
    const config = parseRunConfig({
      name: 'budget', backbone: tiny, tasks: [{ name: 'sent', type: 'classification', dataset: '1' }],
      training: { batchSize: 8, lr: 1e-3, budgetSeconds: 1.5, evalEverySeconds: 0.5 }, threads: 1,
    });
    let planned = 0, evalEvery = 0;
    const reports: ProgressInfo[] = [];
    const out = await train({ config, runDir: dir, progressEvery: 0, source: source({ '1': { train: sentiment(400, 5), validation: sentiment(40, 6) } }) }, {
      plan: (p) => { planned = p.totalSteps; evalEvery = p.evalEvery; },
      progress: (p) => reports.push(p),
    });
    assert.equal(out.status, 'budget-spent', 'the run ends when its budget is spent, however many steps the probe planned');
    assert.ok(planned > 10 && evalEvery > 1 && evalEvery < planned, `planned ${planned}, eval every ${evalEvery}`);
    const last = reports.at(-1)!;
    assert.equal(last.step, out.step);
    assert.ok(last.trainSeconds >= 1.5, `${last.trainSeconds} s of training for a 1.5 s budget`);
    assert.ok(last.lr < 0.2e-3, `the last step's lr ${last.lr} is at the end of the decay (${last.trainSeconds / last.step} s a step)`);
    assert.ok(Math.max(...reports.map((r) => r.lr)) > 0.8e-3, 'the peak lr is reached after the warm-up');
    assert.ok(last.etaSeconds === 0 && last.totalSteps === last.step, `eta ${last.etaSeconds} s, ${last.totalSteps} steps in all`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
