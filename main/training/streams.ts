// Endless, resumable batch streams: every epoch shuffles the task's examples, sorts pools of batchSize·100 by length,
// cuts batches and shuffles their order (the PyTorch reference's scheme). An epoch's order depends only on
// (seed, task index, epoch), so a stream's whole state is { epoch, index }.
import { bucketedBatches, Rng } from './batching';

export interface StreamState { epoch: number; index: number }

/** A 32-bit mix of small integers (splitmix-style), for deriving independent seeds. */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

export class BatchStream {
  private order: number[][] = [];
  private orderEpoch = -1;
  state: StreamState = { epoch: 0, index: 0 };

  constructor(private readonly lengths: number[], private readonly batchSize: number, private readonly seed: number, private readonly taskIndex: number) {
    if (lengths.length === 0) throw new Error('a batch stream needs at least one example');
  }

  private epochOrder(epoch: number): number[][] {
    if (this.orderEpoch !== epoch) {
      this.order = bucketedBatches(this.lengths, this.batchSize, new Rng(mixSeed(this.seed, this.taskIndex, epoch)), { poolBatches: 100 });
      this.orderEpoch = epoch;
    }
    return this.order;
  }

  /** Example indices of the next batch. */
  next(): number[] {
    let order = this.epochOrder(this.state.epoch);
    if (this.state.index >= order.length) {
      this.state = { epoch: this.state.epoch + 1, index: 0 };
      order = this.epochOrder(this.state.epoch);
    }
    return order[this.state.index++]!;
  }

  /** Examples drawn so far, as a fraction of an epoch. */
  epochs(total: number): number {
    const order = this.epochOrder(this.state.epoch);
    return this.state.epoch + order.slice(0, this.state.index).reduce((n, b) => n + b.length, 0) / total;
  }
}
