// Where a run's shared base comes from: scratch (seeded init, a vocabulary trained on the run's text), an imported
// Hugging Face checkpoint folder, or an earlier Chorus run (a masked-LM pre-training run, or any run). A loaded
// backbone fixes the architecture, the vocabulary and the initial encoder weights (and the masked-LM head's, when
// both sides have one: continued pre-training); the run's task heads start fresh.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fillParams, importCheckpoint, readCheckpointConfig, type ImportedTensor } from '../engine/io';
import { maxSequenceLength, type BertConfig } from '../engine/nn';
import { layoutFor, type ModelSpec } from '../engine/train';
import { readCheckpoint } from './checkpoint';
import type { RunConfig } from './config';
import { bertConfigOf, headsOf } from './model';
import { WordPieceTokenizer } from './tokenizer';
import { bestCheckpointPath, latestCheckpoint, planPath, runConfigPath, tokenizerPath } from './run-files';
import type { RunPlan } from './trainer';

export interface Backbone {
  /** Architecture of the source (dropout is the run's own). */
  bert: BertConfig;
  tokenizer: WordPieceTokenizer;
  /** Encoder parameters by name. */
  encoder: Map<string, ImportedTensor>;
  /** The source's masked-LM head, keyed inside `heads.<name>.` (transform.dense.weight, …, bias). */
  mlmHead?: Map<string, ImportedTensor>;
  /** What the source is, in words (for the run's log). */
  describe: string;
  /** Source tensors left out, and encoder parameters the source lacks (initialised fresh). */
  ignored: string[];
  missing: string[];
}

/** The architecture a run trains: its plan's (a loaded backbone's), or the one its config describes. */
export function bertOfPlan(plan: RunPlan, config: RunConfig): BertConfig {
  return plan.model ?? bertConfigOf(config, plan.vocabSize);
}

function tensorsOf(spec: ModelSpec, params: Float32Array): Map<string, ImportedTensor> {
  return new Map(layoutFor(spec).entries.map((e) => [e.name, { shape: e.shape, data: params.subarray(e.offset, e.offset + e.size) }]));
}

/** An earlier run's config and plan, checked to be startable from (vocabulary and a checkpoint present). */
function readRunFolder(runDir: string): { config: RunConfig; plan: RunPlan; ckpt: string } {
  for (const p of [runConfigPath(runDir), planPath(runDir), tokenizerPath(runDir)])
    if (!existsSync(p)) throw new Error(`run folder ${runDir} has no ${p.slice(runDir.length + 1)}: it has not started training yet`);
  const ckpt = existsSync(bestCheckpointPath(runDir)) ? bestCheckpointPath(runDir) : latestCheckpoint(runDir);
  if (!ckpt) throw new Error(`run folder ${runDir} has no checkpoint yet`);
  return { config: JSON.parse(readFileSync(runConfigPath(runDir), 'utf8')) as RunConfig, plan: JSON.parse(readFileSync(planPath(runDir), 'utf8')) as RunPlan, ckpt };
}

/** The architecture an earlier run trained (no weights are read). */
function runArchitecture(runDir: string): BertConfig {
  const { config, plan } = readRunFolder(runDir);
  return bertOfPlan(plan, config);
}

/** An earlier run's folder: its config, plan, vocabulary and best (or newest) checkpoint. */
export function loadRunBackbone(runDir: string): Backbone {
  const { config, plan, ckpt } = readRunFolder(runDir);
  const heads = headsOf(config, plan);
  const spec: ModelSpec = { config: bertOfPlan(plan, config), heads };
  const checkpoint = readCheckpoint(ckpt);
  const all = tensorsOf(spec, checkpoint.params);
  const encoder = new Map([...all].filter(([n]) => !n.startsWith('heads.')));
  const mlm = heads.find((h) => h.kind === 'masked_lm');
  const prefix = mlm ? `heads.${mlm.name}.` : null;
  const mlmHead = prefix ? new Map([...all].filter(([n]) => n.startsWith(prefix)).map(([n, t]) => [n.slice(prefix.length), t])) : undefined;
  return {
    bert: spec.config, tokenizer: WordPieceTokenizer.load(tokenizerPath(runDir)), encoder, mlmHead,
    describe: `run '${config.name}' (${ckpt.slice(runDir.length + 1)}, step ${checkpoint.state.step})`,
    ignored: [...all.keys()].filter((n) => n.startsWith('heads.') && !(prefix && n.startsWith(prefix))), missing: [],
  };
}

/** An imported Hugging Face checkpoint folder. */
export function loadCheckpointBackbone(dir: string): Backbone {
  const c = importCheckpoint(dir);
  return {
    bert: c.config, tokenizer: WordPieceTokenizer.fromCheckpoint(c.source.path), encoder: c.encoder, mlmHead: c.mlmHead,
    describe: `${c.architecture} checkpoint ${c.source.path} (${c.source.layers} layers, hidden ${c.source.hidden}, vocabulary ${c.source.vocabSize})`,
    ignored: c.ignored, missing: c.missing,
  };
}

/** The backbone a config names (its `path` already resolved to a folder), or null for scratch. */
export function loadBackbone(b: RunConfig['backbone']): Backbone | null {
  if (b.from === 'scratch') return null;
  if (!b.path) throw new Error(`backbone.from '${b.from}' needs backbone.path (resolved when the run is created)`);
  return b.from === 'pretrained' ? loadCheckpointBackbone(b.path) : loadRunBackbone(b.path);
}

/** The source's architecture with the run's dropout. */
export function backboneBert(bb: Backbone, config: RunConfig): BertConfig {
  return { ...bb.bert, hiddenDropoutProb: config.backbone.dropout, attentionProbsDropoutProb: config.backbone.dropout };
}

/**
 * Writes the backbone's weights into freshly initialised `params`: every encoder parameter, and the masked-LM head of
 * a masked-LM task when the source has one. Returns the parameters left at their fresh init.
 */
export function applyBackbone(spec: ModelSpec, params: Float32Array, bb: Backbone): string[] {
  const tensors = new Map(bb.encoder);
  const mlm = spec.heads.find((h) => h.kind === 'masked_lm');
  if (mlm && bb.mlmHead) for (const [k, t] of bb.mlmHead) tensors.set(`heads.${mlm.name}.${k}`, t);
  return fillParams(layoutFor(spec), params, tensors);
}

export const backboneFolder = (runsDir: string, runId: number): string => join(runsDir, String(runId));

/** What resolving a backbone reference needs from the app: runs and imported models. */
export interface BackboneContext {
  /** The folder of run `id`, or a message saying why it cannot be started from. */
  runFolder(id: number): string | { error: string };
  /** An imported model's folder by id or name; or, for a folder path, its folder once imported (null on a dry run). */
  modelFolder(ref: string, dryRun: boolean): string | null;
}

/**
 * Resolves `backbone.path` to the folder the trainer loads and copies the source's architecture into the config
 * (hidden, layers, heads, intermediate; maxLength capped to the source's positions). Throws naming the field.
 */
export function resolveBackbone(config: RunConfig, ctx: BackboneContext, o: { dryRun?: boolean } = {}): void {
  const b = config.backbone;
  if (b.from === 'scratch') return;
  let folder: string | null;
  if (b.from === 'pretrained') folder = ctx.modelFolder(b.path!, o.dryRun ?? false);
  else {
    const r = ctx.runFolder(Number(b.from.slice(4)));
    if (typeof r !== 'string') throw new Error(`backbone.from: ${r.error}`);
    folder = r;
  }
  if (folder === null) return;
  const src = b.from === 'pretrained' ? readCheckpointConfig(folder).config : runArchitecture(folder); // configs only: the weights load when training starts
  Object.assign(b, {
    path: folder, hidden: src.hiddenSize, layers: src.numHiddenLayers, heads: src.numAttentionHeads, intermediate: src.intermediateSize,
    maxLength: Math.min(b.maxLength, maxSequenceLength(src)),
  });
  config.tasks.forEach((t) => { if (t.maxLength !== undefined && t.maxLength > b.maxLength) t.maxLength = b.maxLength; });
}
