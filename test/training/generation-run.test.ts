// A generation task in a multi-task run, in-process: SciTLDR-shaped rows (a list of source sentences, a list of
// references), trained jointly with a classification task; ROUGE over every reference, generated text stored as
// predictions, the trained run generating with greedy and beam search.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRunConfig } from '../../main/training/config';
import { train } from '../../main/training/trainer';
import { RunModel } from '../../main/training/inference';
import type { PredictionRecord } from '../../main/training/evaluate';
import type { DatasetSource } from '../../main/training/prepare';

const WORDS = ['red', 'blue', 'green', 'cat', 'dog', 'bird', 'runs', 'sits', 'sleeps', 'fast', 'slow', 'here'];

/** Copy task: the target is the source's first sentence; a second reference (dev only) is the sentence reversed. */
function rows(n: number, seed: number, refs: 1 | 2): Record<string, unknown>[] {
  let s = seed;
  const r = (k: number) => ((s = (s * 1103515245 + 12345) % 2147483648) % k);
  return Array.from({ length: n }, () => {
    const first = Array.from({ length: 3 + r(3) }, () => WORDS[r(WORDS.length)]!);
    const second = Array.from({ length: 3 }, () => WORDS[r(WORDS.length)]!);
    const target = refs === 1 ? [first.join(' ')] : [first.join(' '), [...first].reverse().join(' ')];
    return { source: [first.join(' '), second.join(' ')], target, text: first.join(' '), label: first.includes('cat') ? 'cat' : 'other' };
  });
}

function source(data: Record<string, Record<string, Record<string, unknown>[]>>): DatasetSource {
  return {
    describe: (ref) => ({ id: Number(ref), name: `ds${ref}`, splits: Object.fromEntries(Object.entries(data[ref]!).map(([k, v]) => [k, v.length])) }),
    rows: (id, split) => data[String(id)]![split]!,
  };
}

test('generation + classification train jointly; ROUGE against every reference; the run generates greedy and beam', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chorus-gen-'));
  try {
    const config = parseRunConfig({
      name: 'gen', backbone: { hidden: 64, layers: 1, heads: 2, intermediate: 128, maxLength: 32, dropout: 0, tokenizer: { vocabSize: 100 } }, // no dropout: the test is about generation, and 300 steps of this model land on a copy of varying quality with each draw of masks (ROUGE-1 0.36–0.68 over seeds)
      tasks: [
        { name: 'tldr', type: 'generation', dataset: '1', maxTargetLength: 8, decoder: { layers: 1 } },
        { name: 'sent', type: 'classification', dataset: '1' },
      ],
      training: { steps: 300, batchSize: 32, evalEvery: 300, lr: 5e-3, warmup: 0.1 }, threads: 1, device: 'cpu',
    });
    const preds = new Map<string, PredictionRecord[]>();
    const out = await train({ config, runDir: dir, source: source({ '1': { train: rows(600, 1, 1), validation: rows(60, 2, 2) } }) }, { predictions: (t, r) => preds.set(t, r) });
    assert.equal(out.status, 'completed', out.error);
    const m = out.summary.tldr as { rouge1: number; rouge2: number; rougeL: number; n: number };
    assert.equal(m.n, 60);
    assert.ok(m.rouge1 > 0.6 && m.rougeL > 0.5, `copying is learnt: ROUGE-1 ${m.rouge1}, ROUGE-L ${m.rougeL}`);
    const p = preds.get('tldr')!;
    assert.equal(p.length, 60);
    assert.equal((p[0]!.gold as string[]).length, 2, 'both references kept for scoring');
    assert.match((p[0]!.input as { source: string }).source, /^\w+( \w+){5,}$/, 'the list-valued source is joined');
    assert.equal(typeof (p[0]!.output as { text: string }).text, 'string');

    const model = RunModel.load(dir, config, { threads: 1 });
    try {
      const text = 'red cat sits here blue dog';
      const greedy = (await model.predict({ text }, { strategy: 'greedy' })).tldr as { text: string };
      const beam = (await model.predict({ text }, { strategy: 'beam', numBeams: 3 })).tldr as { text: string };
      assert.ok(greedy.text.length > 0 && beam.text.length > 0);
      const e = await model.evaluate('tldr', rows(20, 3, 2), undefined, { strategy: 'beam', numBeams: 2, maxLength: 5 });
      assert.ok((e.predictions as PredictionRecord[]).every((r) => (r.output as { text: string }).text.split(' ').length <= 4), 'at most 4 tokens and the end token');
    } finally {
      await model.release();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
