// Encoded examples → the ORT tensors a head's graph inputs take, through batching.ts's collate functions. Batches
// are padded to their own longest row.
import * as ort from 'onnxruntime-node';
import type { HeadKind } from '../engine/nn';
import type { HeadBatch } from '../engine/train';
import { collateClassification, collateMasked, collateQa, collateRegression, collateTokens, type Batch } from './batching';
import type { EncodedExample } from './prepare';

const PAD = { multipleOf: 1 };

export function headBatch(kind: HeadKind, rows: EncodedExample[]): { batch: HeadBatch; tokens: number; padded: number } {
  const inputs = (b: Batch): HeadBatch => ({
    input_ids: new ort.Tensor('int64', b.inputIds, [b.batchSize, b.seqLen]),
    attention_mask: new ort.Tensor('int64', b.attentionMask, [b.batchSize, b.seqLen]),
    token_type_ids: new ort.Tensor('int64', b.tokenTypeIds, [b.batchSize, b.seqLen]),
  });
  let batch: HeadBatch, b: Batch;
  switch (kind) {
    case 'sequence_classification': {
      const c = (b = collateClassification(rows.map((r) => ({ ...r, label: r.label ?? 0 })), PAD));
      batch = { ...inputs(c), labels: new ort.Tensor('int64', c.labels, [c.batchSize]) };
      break;
    }
    case 'regression': {
      const c = (b = collateRegression(rows.map((r) => ({ ...r, label: r.label ?? 0 })), PAD));
      batch = { ...inputs(c), labels: new ort.Tensor('float32', c.labels, [c.batchSize]) };
      break;
    }
    case 'token_classification': {
      const c = (b = collateTokens(rows.map((r) => ({ ...r, labels: r.labels ?? [] })), PAD));
      batch = { ...inputs(c), labels: new ort.Tensor('int64', c.labels, [c.batchSize, c.seqLen]) };
      break;
    }
    case 'masked_lm': {
      const c = (b = collateMasked(rows.map((r) => ({ ...r, maskedPositions: r.maskedPositions ?? [], maskedLabels: r.maskedLabels ?? [] })), PAD));
      batch = { ...inputs(c), masked_positions: new ort.Tensor('int64', c.maskedPositions, [c.maskedPositions.length]), labels: new ort.Tensor('int64', c.maskedLabels, [c.maskedLabels.length]) };
      break;
    }
    case 'span_extraction': {
      const c = (b = collateQa(rows.map((r) => ({ ...r, startPosition: r.startPosition ?? 0, endPosition: r.endPosition ?? 0 })), PAD));
      batch = { ...inputs(c), start_positions: new ort.Tensor('int64', c.startPositions, [c.batchSize]), end_positions: new ort.Tensor('int64', c.endPositions, [c.batchSize]) };
      break;
    }    default:
      throw new Error(`no batches for head kind '${kind}' yet`);
  }
  return { batch, tokens: rows.reduce((n, r) => n + r.ids.length, 0), padded: b.batchSize * b.seqLen };
}
