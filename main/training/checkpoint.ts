// Checkpoints: parameters and AdamW moments (three flat float32 tensors) plus the trainer's state as JSON metadata,
// in one safetensors file written to a temporary name, synced, then renamed — a crash never leaves half a file.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseSafetensors, serializeSafetensors } from '../engine/io';
import type { StreamState } from './streams';
import type { WeightingState } from './strategies';

/** Everything besides the tensors that a resumed run needs to continue exactly. */
export interface TrainerState {
  step: number;
  /** The step the current train sessions were created at (their Dropout seeds derive from it). */
  segmentStart: number;
  /** Train-graph runs per session (keyed by its task subset) since segmentStart. */
  calls: Record<string, number>;
  streams: StreamState[];
  weighting: WeightingState;
  best: { step: number; metric: number } | null;
  evalsWithoutImprovement: number;
  trainSeconds: number;
  tokens: number;
}

export interface Checkpoint { params: Float32Array; m?: Float32Array; v?: Float32Array; state: TrainerState }

function fsyncDir(dir: string): void {
  try { const fd = openSync(dir, 'r'); try { fsyncSync(fd); } finally { closeSync(fd); } } catch { /* not supported everywhere (e.g. Windows) */ }
}

/** Writes bytes to `path` atomically: temp file, fsync, rename, fsync of the folder. */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  fsyncDir(dirname(path));
}

export function writeCheckpoint(path: string, c: Checkpoint): void {
  const tensors: [string, { shape: number[]; data: Float32Array }][] = [['params', { shape: [c.params.length], data: c.params }]];
  if (c.m) tensors.push(['m', { shape: [c.m.length], data: c.m }]);
  if (c.v) tensors.push(['v', { shape: [c.v.length], data: c.v }]);
  writeFileAtomic(path, serializeSafetensors(tensors, { chorus: JSON.stringify(c.state) }));
}

export function readCheckpoint(path: string): Checkpoint {
  const { tensors, metadata } = parseSafetensors(new Uint8Array(readFileSync(path)), path);
  const f32 = (name: string): Float32Array | undefined => {
    const t = tensors.get(name);
    if (!t) return undefined;
    if (t.dtype !== 'F32') throw new Error(`${path}: tensor '${name}' is ${t.dtype}, expected F32`);
    return t.data as Float32Array;
  };
  const params = f32('params');
  if (!params) throw new Error(`${path}: not a Chorus checkpoint (no 'params' tensor)`);
  if (!metadata.chorus) throw new Error(`${path}: not a Chorus checkpoint (no trainer state)`);
  return { params, m: f32('m'), v: f32('v'), state: JSON.parse(metadata.chorus) as TrainerState };
}
