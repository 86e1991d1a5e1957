// Imports a local Hugging Face checkpoint folder (config.json + model.safetensors) of a BERT-family encoder:
// every tensor is mapped to Chorus's (BERT) parameter names and checked by name and shape.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { encoderParamShapes, headParamShapes, maxSequenceLength, type BertConfig } from '../nn';
import type { FlatLayout } from '../optim';
import { architectureOf, ARCHITECTURES, type HfArchitecture } from './hf-architectures';
import { readSafetensors, type StTensor, type StTensors } from './safetensors';

export interface ImportedTensor { shape: number[]; data: Float32Array }

export interface ImportedCheckpoint {
  architecture: HfArchitecture;
  config: BertConfig;
  /** Every encoder parameter under its Chorus name (encoderParamShapes order), except those in `missing`. */
  encoder: Map<string, ImportedTensor>;
  /** The masked-LM head, keyed by its name inside `heads.<name>.` (transform.dense.weight, …, bias); see mlmHeadTensors. */
  mlmHead?: Map<string, ImportedTensor>;
  /** Checkpoint tensors (as the file names them) that Chorus does not use: task heads, buffers, tied copies. */
  ignored: string[];
  /** Encoder parameters the checkpoint lacks, to be freshly initialised: only ever the pooler (`pooler.dense.*`). */
  missing: string[];
  /** What the import decided that a user should know (a head left out, frozen tables that Chorus trains, …). */
  notes: string[];
  source: {
    /** The folder holding config.json (a sentence-transformers folder may point into a sub-folder). */
    path: string;
    files: string[];
    modelType: string;
    vocabSize: number;
    /** Longest input the position table covers. */
    maxLength: number;
    hidden: number;
    layers: number;
    heads: number;
    /** Encoder parameters, as Chorus lays them out (the pooler included). */
    parameters: number;
    /** Size of the weight files on disk. */
    bytes: number;
    /** Stored dtypes of the imported tensors (F16 / BF16 / F64 are converted to F32). */
    dtypes: string[];
  };
}

/** The one-line conversion a user runs when a folder has PyTorch (or TF/Flax) weights only. */
export const convertCommand = (dir: string): string =>
  `python -c "from transformers import AutoModel; AutoModel.from_pretrained('${dir}').save_pretrained('${dir}', safe_serialization=True)"`;

/**
 * The folder holding a checkpoint's config.json: `dir` itself, or for a sentence-transformers folder whose
 * transformer lives in a sub-folder, the path modules.json gives it.
 */
export function checkpointFolder(dir: string): string {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${dir}: no such folder`);
  if (existsSync(join(dir, 'config.json'))) return dir;
  const modules = join(dir, 'modules.json');
  if (existsSync(modules)) {
    const list = JSON.parse(readFileSync(modules, 'utf8')) as { path?: string; type?: string }[];
    const t = Array.isArray(list) ? list.find((m) => typeof m.type === 'string' && m.type.endsWith('models.Transformer')) : undefined;
    if (t && t.path && existsSync(join(dir, t.path, 'config.json'))) return join(dir, t.path);
  }
  throw new Error(`${dir}: no config.json (a Hugging Face checkpoint folder holds config.json and model.safetensors)`);
}

/** model.safetensors, or the shards listed by model.safetensors.index.json; a clear error for other formats. */
function weightFiles(dir: string): string[] {
  const single = join(dir, 'model.safetensors');
  if (existsSync(single)) return [single];
  const index = join(dir, 'model.safetensors.index.json');
  if (existsSync(index)) {
    const map = (JSON.parse(readFileSync(index, 'utf8')) as { weight_map?: Record<string, string> }).weight_map;
    if (!map) throw new Error(`${index}: no weight_map`);
    return [...new Set(Object.values(map))].map((f) => join(dir, f));
  }
  const other = ['pytorch_model.bin', 'pytorch_model.bin.index.json', 'tf_model.h5', 'flax_model.msgpack'].find((f) => existsSync(join(dir, f)));
  if (other) throw new Error(`${dir}: has ${other} but no model.safetensors; Chorus reads safetensors only (it never unpickles .bin files). Convert once with: ${convertCommand(dir)}`);
  throw new Error(`${dir}: no model.safetensors`);
}

const fmt = (s: number[]): string => `[${s.join(', ')}]`;
const sameShape = (a: number[], b: number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

function toF32(t: StTensor, name: string, file: string): ImportedTensor {
  if (t.dtype === 'F32') return { shape: t.shape, data: t.data as Float32Array };
  if (t.dtype === 'F64') return { shape: t.shape, data: Float32Array.from(t.data as Float64Array) };
  throw new Error(`${file}: tensor '${name}' is ${t.dtype}, expected a float dtype (F32, F16, BF16)`);
}

/** A checkpoint folder's config.json, parsed, with its architecture named (unsupported ones refused). */
function readConfigJson(dir: string): { folder: string; cfgPath: string; raw: Record<string, unknown>; architecture: HfArchitecture } {
  const folder = checkpointFolder(resolve(dir));
  const cfgPath = join(folder, 'config.json');
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(cfgPath, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${cfgPath}: not valid JSON (${(e as Error).message})`);
  }
  return { folder, cfgPath, raw, architecture: architectureOf(raw, cfgPath) };
}

function chorusConfig(c: { cfgPath: string; raw: Record<string, unknown>; architecture: HfArchitecture }): BertConfig {
  try {
    return ARCHITECTURES[c.architecture].config(c.raw);
  } catch (e) {
    throw new Error(`${c.cfgPath}: ${(e as Error).message.replace(/^config\.json: /, '')}`);
  }
}

/** A checkpoint folder's config.json alone: its architecture and Chorus config (no weights are read). */
export function readCheckpointConfig(dir: string): { folder: string; architecture: HfArchitecture; config: BertConfig } {
  const c = readConfigJson(dir);
  return { folder: c.folder, architecture: c.architecture, config: chorusConfig(c) };
}

/**
 * Reads `dir` (config.json + model.safetensors) of a bert, distilbert, roberta or electra checkpoint. Throws naming
 * the file and tensor for: an unsupported model type, a missing file, PyTorch-only weights, an encoder tensor that
 * is missing (other than the pooler) or mis-shaped, or a non-float tensor where weights belong.
 */
export function importCheckpoint(dir: string): ImportedCheckpoint {
  const json = readConfigJson(dir);
  const { folder, raw, architecture } = json;
  const arch = ARCHITECTURES[architecture];
  const files = weightFiles(folder); // weight-format problems are reported before config values
  const config = chorusConfig(json);
  const all: StTensors = new Map();
  const fileOf = new Map<string, string>();
  let bytes = 0;
  for (const f of files) {
    if (!existsSync(f)) throw new Error(`${f}: listed in model.safetensors.index.json but not found`);
    bytes += statSync(f).size;
    for (const [n, t] of readSafetensors(f)) {
      all.set(n, t);
      fileOf.set(n, f);
    }
  }
  const what = files.length === 1 ? files[0]! : `${folder} (model.safetensors shards)`;
  const used = new Set<string>();
  const dtypes = new Set<string>();
  const prefixed = [...all.keys()].some((n) => n.startsWith(arch.prefix));
  const take = (names: string[]): [string, StTensor] | null => {
    for (const c of names.flatMap(withLegacyNames)) {
      const n = prefixed && all.has(arch.prefix + c) ? arch.prefix + c : c;
      const t = all.get(n);
      if (t) return [n, t];
    }
    return null;
  };
  const checked = (fileName: string, t: StTensor, shape: number[], chorusName: string): ImportedTensor => {
    const alias = fileName === chorusName ? '' : ` (Chorus name '${chorusName}')`;
    if (!sameShape(t.shape, shape)) throw new Error(`${fileOf.get(fileName)}: tensor '${fileName}'${alias} has shape ${fmt(t.shape)}, expected ${fmt(shape)}`);
    used.add(fileName);
    dtypes.add(t.stored ?? t.dtype);
    return toF32(t, fileName, fileOf.get(fileName)!);
  };

  const encoder = new Map<string, ImportedTensor>();
  const missing: string[] = [];
  const notes: string[] = [];
  const shapes = encoderParamShapes(config);
  const expected = new Set(shapes.flatMap(([n]) => { const hf = arch.hfName(n); return hf === null ? [] : withLegacyNames(hf).flatMap((x) => [x, arch.prefix + x]); }));
  for (const [name, shape] of shapes) {
    const hf = arch.hfName(name);
    const found = hf === null ? null : take([hf]);
    if (found) encoder.set(name, checked(found[0], found[1], shape, name));
    else if (name.startsWith('pooler.')) missing.push(name);
    else {
      const spelled = (prefixed ? arch.prefix : '') + (hf ?? name);
      const unknown = [...all.keys()].filter((n) => !expected.has(n) && !isKnownExtra(stripPrefix(n, arch.prefix))).slice(0, 5);
      const hint = unknown.length ? `; tensors the checkpoint has that Chorus did not recognise: ${unknown.map((n) => `'${n}'`).join(', ')}` : '';
      throw new Error(`${what}: missing tensor '${spelled}' (expected shape ${fmt(shape)}, ${architecture} checkpoint)${hint}`);
    }
  }
  if (missing.length) notes.push(`the checkpoint has no pooler (${missing.join(', ')}); it starts from fresh weights`);
  if (architecture === 'distilbert' && raw.sinusoidal_pos_embds === true)
    notes.push('the position embeddings are sinusoidal and frozen in Hugging Face; Chorus loads them and fine-tunes them like the other weights');

  const mlmHead = importMlmHead();
  const ignored = [...all.keys()].filter((n) => !used.has(n)).sort();
  const parameters = shapes.reduce((s, [, sh]) => s + sh.reduce((a, b) => a * b, 1), 0);
  return {
    architecture, config, encoder, mlmHead, ignored, missing, notes,
    source: {
      path: folder, files, modelType: typeof raw.model_type === 'string' ? raw.model_type : architecture,
      vocabSize: config.vocabSize, maxLength: maxSequenceLength(config), hidden: config.hiddenSize,
      layers: config.numHiddenLayers, heads: config.numAttentionHeads, parameters, bytes, dtypes: [...dtypes].sort(),
    },
  };

  function importMlmHead(): Map<string, ImportedTensor> | undefined {
    const names = arch.mlm;
    if (!names) return undefined;
    const found = Object.entries(names.tensors).map(([k, c]) => [k, take(c)] as const);
    const present = found.filter(([, f]) => f !== null);
    if (present.length === 0) return undefined;
    if (present.length < found.length) {
      notes.push(`the masked-LM head is incomplete (no ${found.filter(([, f]) => !f).map(([k]) => k).join(', ')}); it is not imported`);
      return undefined;
    }
    if (names.usesHiddenAct && config.hiddenAct !== 'gelu') {
      notes.push(`the masked-LM head applies hidden_act '${String(raw.hidden_act ?? raw.activation)}' and Chorus's masked-LM head uses exact GELU; it is not imported`);
      return undefined;
    }
    const want = new Map(headParamShapes(config, { name: 'mlm', kind: 'masked_lm' }).map(([n, s]) => [n.slice('heads.mlm.'.length), s]));
    const head = new Map<string, ImportedTensor>();
    for (const [k, f] of found) head.set(k, checked(f![0], f![1], want.get(k)!, `heads.<name>.${k}`));
    // the decoder is tied to the word embeddings; a stored copy is checked, then ignored
    const dec = take([names.decoder]);
    if (dec) {
      const word = encoder.get('embeddings.word_embeddings.weight')!;
      const d = dec[1];
      const tied = sameShape(d.shape, word.shape) && toF32(d, dec[0], fileOf.get(dec[0])!).data.every((v, i) => v === word.data[i]);
      if (!tied) notes.push(`'${dec[0]}' differs from the word embeddings; Chorus ties the masked-LM decoder to them, so it is ignored`);
    }
    return head;
  }
}

/** A name, then its TF-era spelling (LayerNorm.gamma / .beta), which some converted checkpoints still carry. */
function withLegacyNames(n: string): string[] {
  const m = /^(.*[Nn]orm)\.(weight|bias)$/.exec(n);
  return m ? [n, `${m[1]}.${m[2] === 'weight' ? 'gamma' : 'beta'}`] : [n];
}

function stripPrefix(n: string, prefix: string): string {
  return n.startsWith(prefix) ? n.slice(prefix.length) : n;
}

/** Buffers and head tensors that are expected to be ignored (not reported as unrecognised in a missing-tensor hint). */
function isKnownExtra(n: string): boolean {
  return /(^|\.)(position_ids|token_type_ids)$/.test(n) || /^(heads|cls|lm_head|vocab_|discriminator_|generator_|classifier|pre_classifier|qa_outputs)/.test(n);
}

/** The masked-LM head's tensors under `heads.<headName>.` (the names headParamShapes gives a masked_lm head). */
export function mlmHeadTensors(c: ImportedCheckpoint, headName: string): Map<string, ImportedTensor> {
  return new Map([...(c.mlmHead ?? [])].map(([k, t]) => [`heads.${headName}.${k}`, t]));
}

/**
 * Copies every tensor whose name is in `layout` into `params` (checked against the layout's shape) and returns
 * the layout's parameters that no tensor filled, in layout order: those keep whatever `params` held (a fresh init).
 */
export function fillParams(layout: FlatLayout, params: Float32Array, tensors: Map<string, { shape: number[]; data: Float32Array }>): string[] {
  if (params.length !== layout.size) throw new Error(`fillParams: ${params.length} values given, the layout has ${layout.size}`);
  for (const [name, t] of tensors) {
    const e = layout.byName.get(name);
    if (!e) throw new Error(`fillParams: the model has no parameter '${name}'`);
    if (!sameShape(t.shape, e.shape)) throw new Error(`fillParams: tensor '${name}' has shape ${fmt(t.shape)}, the model expects ${fmt(e.shape)}`);
    params.set(t.data, e.offset);
  }
  return layout.entries.filter((e) => !tensors.has(e.name)).map((e) => e.name);
}
