// Encoded examples → the ORT tensors a head's graph inputs take. Batches are padded to their own longest row.
import * as ort from 'onnxruntime-node';
import type { HeadKind } from '../engine/nn';
import type { HeadBatch } from '../engine/train';
import { collateInputs } from './batching';
import { IGNORE_INDEX } from './encode';
import type { EncodedExample } from './prepare';

const PAD = { multipleOf: 1 };

export function headBatch(kind: HeadKind, rows: EncodedExample[]): { batch: HeadBatch; tokens: number; padded: number } {
  const b = collateInputs(rows, PAD);
  const B = b.batchSize, S = b.seqLen;
  const batch: HeadBatch = {
    input_ids: new ort.Tensor('int64', b.inputIds, [B, S]),
    attention_mask: new ort.Tensor('int64', b.attentionMask, [B, S]),
    token_type_ids: new ort.Tensor('int64', b.tokenTypeIds, [B, S]),
  };
  switch (kind) {
    case 'sequence_classification':
      batch.labels = new ort.Tensor('int64', BigInt64Array.from(rows, (r) => BigInt(r.label ?? 0)), [B]);
      break;
    case 'regression':
      batch.labels = new ort.Tensor('float32', Float32Array.from(rows, (r) => r.label ?? 0), [B]);
      break;
    case 'token_classification':
    case 'masked_lm': {
      const labels = new BigInt64Array(B * S).fill(BigInt(IGNORE_INDEX));
      rows.forEach((r, i) => r.labels?.forEach((l, t) => (labels[i * S + t] = BigInt(l))));
      batch.labels = new ort.Tensor('int64', labels, [B, S]);
      break;
    }
    case 'span_extraction':
      batch.start_positions = new ort.Tensor('int64', BigInt64Array.from(rows, (r) => BigInt(r.startPosition ?? 0)), [B]);
      batch.end_positions = new ort.Tensor('int64', BigInt64Array.from(rows, (r) => BigInt(r.endPosition ?? 0)), [B]);
      break;
  }
  const tokens = rows.reduce((n, r) => n + r.ids.length, 0);
  return { batch, tokens, padded: B * S };
}
