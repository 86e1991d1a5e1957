// Loads a Hugging Face BERT folder: config.json + model.safetensors, every tensor checked by name and shape.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bertConfigFromHf, modelParamShapes, type BertConfig, type HeadSpec } from '../nn';
import { readSafetensors, type StTensors } from './safetensors';

export interface LoadedBert { config: BertConfig; raw: Record<string, unknown>; tensors: StTensors }

/**
 * Reads `dir/config.json` and `dir/model.safetensors` and checks that every parameter of a BERT encoder with
 * `heads` is present as F32 with the expected shape. Names may carry a `bert.` prefix (stripped).
 */
export function loadBertFolder(dir: string, heads: HeadSpec[] = []): LoadedBert {
  const cfgPath = join(dir, 'config.json');
  const stPath = join(dir, 'model.safetensors');
  if (!existsSync(cfgPath)) throw new Error(`${dir}: no config.json`);
  if (!existsSync(stPath)) throw new Error(`${dir}: no model.safetensors`);
  const raw = JSON.parse(readFileSync(cfgPath, 'utf8')) as Record<string, unknown>;
  const config = bertConfigFromHf(raw);
  const file = readSafetensors(stPath);
  const tensors: StTensors = new Map();
  for (const [n, t] of file) tensors.set(n.startsWith('bert.') ? n.slice(5) : n, t);
  checkTensors(tensors, modelParamShapes(config, heads), stPath);
  return { config, raw, tensors };
}

/** Throws naming the first missing or mis-shaped tensor: name, expected shape, found shape. */
export function checkTensors(tensors: StTensors, expected: [string, number[]][], what: string): void {
  for (const [name, shape] of expected) {
    const t = tensors.get(name);
    if (!t) throw new Error(`${what}: missing tensor '${name}' (expected shape [${shape.join(', ')}])`);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))
      throw new Error(`${what}: tensor '${name}' has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`);
    if (t.dtype !== 'F32') throw new Error(`${what}: tensor '${name}' is ${t.dtype}, expected F32`);
  }
}
