// Encoded examples → the ORT tensors a head's graph inputs take, through batching.ts's collate functions. Batches
// are padded to their own longest row.
import * as ort from 'onnxruntime-node';
import type { HeadKind } from '../engine/nn';
import type { HeadBatch } from '../engine/train';
import { collateClassification, collateInputs, collateMasked, collateQa, collateRegression, collateTokens, type Batch } from './batching';
import { decoderBatch, type DecoderBatchOptions } from '../engine/generate';
import type { EncodedExample, PreparedTask } from './prepare';

const PAD = { multipleOf: 1 };

export function headBatch(kind: HeadKind, rows: EncodedExample[], decoding?: DecoderBatchOptions): { batch: HeadBatch; tokens: number; padded: number } {
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
    }    case 'generation': {
      if (!decoding) throw new Error('a generation batch needs the decoder start, end and padding ids');
      b = collateInputs(rows, PAD);
      batch = { ...inputs(b), ...decoderBatch(rows.map((r) => r.target ?? []), decoding) };
      break;
    }
  }
  return { batch, tokens: rows.reduce((n, r) => n + r.ids.length + (r.target?.length ?? 0), 0), padded: b.batchSize * b.seqLen };
}

/** A batch of `task`'s examples (a generation task's decoder ids come with it). */
export const taskBatch = (task: PreparedTask, rows: EncodedExample[]) => headBatch(task.head.kind, rows, task.decoding);
