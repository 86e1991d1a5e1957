import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBertFolder, parseSafetensors, readSafetensors, serializeSafetensors, writeSafetensors } from '../../../main/engine/io';

const REF = '../shared/reference';

test('safetensors round-trips F32, F64, I64 and I32 with shapes and metadata', () => {
  const tensors: [string, { shape: number[]; data: Float32Array | Float64Array | BigInt64Array | Int32Array }][] = [
    ['b.f32', { shape: [2, 3], data: Float32Array.of(1, -2, 3.5, 4, 5, 6) }],
    ['a.f64', { shape: [1], data: Float64Array.of(Math.PI) }],
    ['i64', { shape: [3], data: BigInt64Array.of(-100n, 0n, 2n ** 40n) }],
    ['i32', { shape: [], data: Int32Array.of(7) }],
  ];
  const bytes = serializeSafetensors(tensors, { stage: 'test' });
  assert.equal((8 + Number(new DataView(bytes.buffer).getBigUint64(0, true))) % 8, 0);
  const { tensors: back, metadata } = parseSafetensors(bytes);
  assert.deepEqual(metadata, { stage: 'test' });
  for (const [name, t] of tensors) {
    assert.deepEqual(back.get(name)!.shape, t.shape);
    assert.deepEqual(Array.from(back.get(name)!.data as ArrayLike<unknown>), Array.from(t.data as ArrayLike<unknown>));
  }
  const dir = mkdtempSync(join(tmpdir(), 'st-'));
  writeSafetensors(join(dir, 'x.safetensors'), tensors);
  assert.equal(readSafetensors(join(dir, 'x.safetensors')).size, 4);
});

test('safetensors rejects a byte range that does not match the shape, and gaps', () => {
  const bytes = serializeSafetensors([['w', { shape: [2], data: Float32Array.of(1, 2) }]]);
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  const header = new TextDecoder().decode(bytes.subarray(8, 8 + n));
  const bad = (h: string, extra = 0) => {
    const hb = new TextEncoder().encode(h.padEnd(n));
    const out = new Uint8Array(8 + hb.length + 8 + extra);
    new DataView(out.buffer).setBigUint64(0, BigInt(hb.length), true);
    out.set(hb, 8);
    return out;
  };
  assert.throws(() => parseSafetensors(bad(header.replace('[2]', '[3]'))), /w: byte range 0\.\.8 does not match F32 shape \[3\]/);
  assert.throws(() => parseSafetensors(bad(header, 4)), /data region is 12 bytes, tensors cover 8/);
});

test('reads the fixture weights whatever the entry order', () => {
  const t = readSafetensors(`${REF}/tiny-mtl/model.safetensors`);
  assert.deepEqual(t.get('embeddings.word_embeddings.weight')!.shape, [512, 64]);
  const reordered = serializeSafetensors([...t].reverse());
  const back = parseSafetensors(reordered).tensors;
  assert.deepEqual(Array.from(back.get('pooler.dense.bias')!.data as Float32Array), Array.from(t.get('pooler.dense.bias')!.data as Float32Array));
});

test('HF BERT folder: loads tiny-mtl, and names a mis-shaped tensor with both shapes', () => {
  const heads = [{ name: 'sentiment', kind: 'sequence_classification' as const, numLabels: 3 }, { name: 'ner', kind: 'token_classification' as const, numLabels: 5 }];
  const ok = loadBertFolder(`${REF}/tiny-mtl`, heads);
  assert.equal(ok.config.hiddenSize, 64);
  assert.equal(ok.config.layerNormEps, 1e-12);
  assert.throws(() => loadBertFolder(`${REF}/tiny-mtl`, [{ ...heads[0]!, numLabels: 4 }]), /tensor 'heads\.sentiment\.classifier\.weight' has shape \[3, 64\], expected \[4, 64\]/);
  const dir = mkdtempSync(join(tmpdir(), 'bert-'));
  copyFileSync(`${REF}/tiny-mtl/config.json`, join(dir, 'config.json'));
  const t = readSafetensors(`${REF}/tiny-mtl/model.safetensors`);
  t.delete('encoder.layer.1.output.dense.bias');
  writeFileSync(join(dir, 'model.safetensors'), serializeSafetensors(t));
  assert.throws(() => loadBertFolder(dir, heads), /missing tensor 'encoder\.layer\.1\.output\.dense\.bias' \(expected shape \[64\]\)/);
});

test('F16 and BF16 tensors are widened to F32 exactly, with the stored dtype kept', () => {
  // F16: 1, -2, 65504 (max), 2^-24 (smallest subnormal), +inf; BF16: 1, -2.5, 3.140625
  const f16 = Uint16Array.of(0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00);
  const bf16 = Uint16Array.of(0x3f80, 0xc020, 0x4049);
  const header = JSON.stringify({ h: { dtype: 'F16', shape: [5], data_offsets: [0, 10] }, b: { dtype: 'BF16', shape: [3], data_offsets: [10, 16] } }).padEnd(88);
  const hb = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + hb.length + 16);
  new DataView(out.buffer).setBigUint64(0, BigInt(hb.length), true);
  out.set(hb, 8);
  const dv = new DataView(out.buffer, 8 + hb.length);
  f16.forEach((v, i) => dv.setUint16(2 * i, v, true));
  bf16.forEach((v, i) => dv.setUint16(10 + 2 * i, v, true));
  const t = parseSafetensors(out).tensors;
  assert.equal(t.get('h')!.dtype, 'F32');
  assert.equal(t.get('h')!.stored, 'F16');
  assert.deepEqual(Array.from(t.get('h')!.data as Float32Array), [1, -2, 65504, 2 ** -24, Infinity]);
  assert.equal(t.get('b')!.stored, 'BF16');
  assert.deepEqual(Array.from(t.get('b')!.data as Float32Array), [1, -2.5, 3.140625]);
});
