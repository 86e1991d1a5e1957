// safetensors read/write: 8-byte LE header length, JSON header, raw little-endian row-major data.
import { readFileSync, writeFileSync, renameSync } from 'node:fs';

export type StDType = 'F32' | 'F64' | 'I64' | 'I32';
/** Half-precision dtypes a file may hold; they are widened to F32 on read (exactly: every F16/BF16 value is an F32). */
export type StHalfDType = 'F16' | 'BF16';
export type StData = Float32Array | Float64Array | BigInt64Array | Int32Array;
export interface StTensor {
  dtype: StDType;
  shape: number[];
  data: StData;
  /** Set when the file stored the tensor as F16 or BF16 (`dtype` is then F32). */
  stored?: StHalfDType;
}
export type StTensors = Map<string, StTensor>;

const BYTES: Record<StDType | StHalfDType, number> = { F32: 4, F64: 8, I64: 8, I32: 4, F16: 2, BF16: 2 };

/** IEEE binary16 bits → float32 value (subnormals, infinities and NaN included). */
export function f16ToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? Number.NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function widen(dtype: StHalfDType, bytes: Uint8Array): Float32Array {
  const n = bytes.byteLength / 2;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(n);
  if (dtype === 'BF16') {
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) bits[i] = dv.getUint16(2 * i, true) << 16;
  } else for (let i = 0; i < n; i++) out[i] = f16ToF32(dv.getUint16(2 * i, true));
  return out;
}

function view(dtype: StDType, bytes: Uint8Array): StData {
  const copy = new Uint8Array(bytes); // aligned copy (Buffer.slice would share memory)
  switch (dtype) {
    case 'F32': return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
    case 'F64': return new Float64Array(copy.buffer, 0, copy.byteLength / 8);
    case 'I64': return new BigInt64Array(copy.buffer, 0, copy.byteLength / 8);
    case 'I32': return new Int32Array(copy.buffer, 0, copy.byteLength / 4);
  }
}

function dtypeOf(data: StData): StDType {
  if (data instanceof Float32Array) return 'F32';
  if (data instanceof Float64Array) return 'F64';
  if (data instanceof BigInt64Array) return 'I64';
  return 'I32';
}

/**
 * Parses a safetensors buffer; checks dtypes, shapes against byte ranges, and that ranges tile the data region.
 * F16 and BF16 tensors come back as F32 (with `stored` set).
 */
export function parseSafetensors(buf: Uint8Array, what = 'safetensors'): { tensors: StTensors; metadata: Record<string, string> } {
  if (buf.byteLength < 8) throw new Error(`${what}: shorter than 8 bytes`);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const n = Number(dv.getBigUint64(0, true));
  if (8 + n > buf.byteLength) throw new Error(`${what}: header length ${n} exceeds file size ${buf.byteLength}`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(buf.subarray(8, 8 + n))) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${what}: header is not valid JSON (${(e as Error).message})`);
  }
  const data = buf.subarray(8 + n);
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  const tensors: StTensors = new Map();
  const spans: [number, number, string][] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const info = raw as { dtype?: string; shape?: unknown; data_offsets?: unknown };
    if (!info || !(info.dtype! in BYTES)) throw new Error(`${what}: ${name}: unsupported dtype ${String(info?.dtype)}`);
    const dtype = info.dtype as StDType | StHalfDType;
    const shape = info.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw new Error(`${what}: ${name}: bad shape ${JSON.stringify(shape)}`);
    const off = info.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isInteger(d) && d >= 0) || off[0] > off[1])
      throw new Error(`${what}: ${name}: bad data_offsets ${JSON.stringify(off)}`);
    const [begin, end] = off as [number, number];
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end - begin !== count * BYTES[dtype]) throw new Error(`${what}: ${name}: byte range ${begin}..${end} does not match ${dtype} shape [${shape.join(', ')}]`);
    if (end > data.byteLength) throw new Error(`${what}: ${name}: byte range ${begin}..${end} past the data region (${data.byteLength} bytes)`);
    spans.push([begin, end, name]);
    const bytes = data.subarray(begin, end);
    if (dtype === 'F16' || dtype === 'BF16') tensors.set(name, { dtype: 'F32', shape: [...(shape as number[])], data: widen(dtype, bytes), stored: dtype });
    else tensors.set(name, { dtype, shape: [...(shape as number[])], data: view(dtype, bytes) });
  }
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let pos = 0;
  for (const [begin, end, name] of spans) {
    if (begin !== pos) throw new Error(`${what}: ${name}: gap or overlap at byte ${pos}`);
    pos = end;
  }
  if (pos !== data.byteLength) throw new Error(`${what}: data region is ${data.byteLength} bytes, tensors cover ${pos}`);
  return { tensors, metadata };
}

export function readSafetensors(path: string): StTensors {
  return parseSafetensors(readFileSync(path), path).tensors;
}

/** Serialises tensors in iteration order; the header is padded with spaces to a multiple of 8. */
export function serializeSafetensors(tensors: Iterable<[string, { shape: number[]; data: StData }]>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new Error(`safetensors: ${name}: ${t.data.length} values do not fill shape [${t.shape.join(', ')}]`);
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    header[name] = { dtype: dtypeOf(t.data), shape: t.shape, data_offsets: [offset, offset + bytes.byteLength] };
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const pad = (8 - ((8 + json.byteLength) % 8)) % 8;
  if (pad) json = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(pad));
  const out = new Uint8Array(8 + json.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.byteLength), true);
  out.set(json, 8);
  let p = 8 + json.byteLength;
  for (const c of chunks) {
    out.set(c, p);
    p += c.byteLength;
  }
  return out;
}

/** Writes through a temporary file and a rename, so a crash never leaves a half file. */
export function writeSafetensors(path: string, tensors: Iterable<[string, { shape: number[]; data: StData }]>, metadata?: Record<string, string>): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, serializeSafetensors(tensors, metadata));
  renameSync(tmp, path);
}
