// `chorus replay-reference <fixture-dir>`: replay a PyTorch reference fixture through the engine and compare.
import { existsSync } from 'node:fs';
import { UsageError, type Command } from '../command';
import { stringFlag } from '../args';
import { Fixture, compareReplay, replayFixture, summarize, toExpectedJson } from '../../engine/reference';

export const replayReferenceCommand: Command = {
  name: 'replay-reference',
  summary: 'replay a PyTorch reference fixture through the engine and compare',
  usage: `Usage: chorus replay-reference <fixture-dir> [--json] [--threads N]

Loads a fixture in the format of shared/reference/FORMAT.md (config.json, model.safetensors,
batches.safetensors), runs the initial eval, every training step and the final eval.
--json prints the results with the structure and field names of the fixture's expected.json.
Otherwise prints a summary and, when expected.json exists, the comparison with FORMAT.md's
tolerances; the exit status is 0 when every number is within tolerance, 1 otherwise.`,
  async run(args, ctx) {
    const dir = args.positionals[0];
    if (!dir) throw new UsageError('needs a fixture folder');
    if (!existsSync(dir)) throw new UsageError(`no such folder: ${dir}`);
    const t = stringFlag(args, 'threads');
    const threads = t === undefined ? undefined : Number(t);
    if (threads !== undefined && !(Number.isInteger(threads) && threads > 0)) throw new UsageError(`--threads must be a positive integer, got '${t}'`);
    const fx = new Fixture(dir);
    const result = await replayFixture(fx, { threads });
    if (ctx.json) {
      ctx.stdout.write(JSON.stringify(toExpectedJson(fx, result), null, 1) + '\n');
      return 0;
    }
    const out = ctx.stdout;
    out.write(`fixture ${dir}: format ${fx.format}, ${fx.optimizer.steps} steps, heads ${fx.heads.map((h) => `${h.name} (${h.kind}, batch ${h.batch}, weight ${h.weight}${h.pair ? ', pair' : ''})`).join(', ')}\n`);
    out.write(`replayed in ${result.seconds.toFixed(2)} s: initial eval loss ${result.initial.loss.toFixed(6)}, final eval loss ${result.final.loss.toFixed(6)}\n`);
    for (const s of result.steps) out.write(`  step ${String(s.step).padStart(3)}  loss ${s.loss.toFixed(6)}  grad_norm ${s.gradNorm.toFixed(6)}  ${Object.entries(s.taskLosses).map(([k, v]) => `${k} ${v.toFixed(6)}`).join('  ')}\n`);
    if (!fx.expected) {
      out.write('no expected.json: nothing to compare\n');
      return 0;
    }
    const rows = compareReplay(fx, result, { grads: fx.readOptional('grads_step1.safetensors'), final: fx.readOptional('final.safetensors') });
    for (const r of rows) if (!r.ok) out.write(`FAIL ${r.label.padEnd(60)} max|diff| ${r.diff.toExponential(2)} > ${r.tolerance.toExponential(2)}\n`);
    for (const [cat, s] of Object.entries(summarize(rows))) out.write(`${s!.ok ? 'ok  ' : 'FAIL'} ${cat.padEnd(14)} max|diff| ${s!.maxDiff.toExponential(2)}\n`);
    const ok = rows.every((r) => r.ok);
    out.write(ok ? 'PASS\n' : 'FAIL\n');
    return ok ? 0 : 1;
  },
};
