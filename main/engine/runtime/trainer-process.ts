// How a process that runs train steps is started, and the per-step memory hand-back that goes with it.
//
// onnxruntime-node (1.30) copies every fetched output into a new ArrayBuffer, so each train step allocates three
// parameter-sized buffers (params/m/v: 273 MB a step on minilm) that become garbage right away. glibc serves
// allocations above its mmap threshold (dynamic, at most 32 MiB) with fresh mmap'd pages and unmaps them on free:
// every step page-faulted those bytes back in (67k minor faults a step on minilm, ~17 % of its step time). With the
// threshold above the largest buffer the allocations come from the heap and are reused; a GC after each run that
// dropped big copies (GraphSession.run) returns them before the next step asks again, so the heap does not grow
// (measured in test/bench/engine.ts, --trainer-process 0|1).

/** glibc tunables (ignored by other C libraries): big blocks from the heap, and freed space kept for reuse. */
export const TRAINER_MALLOC_TUNABLES = ['glibc.malloc.mmap_threshold=1073741824', 'glibc.malloc.trim_threshold=1073741824'];
/** Node flags of a trainer process: `gc` reachable, to return the binding's output copies every step. */
export const TRAINER_NODE_FLAGS = ['--expose-gc'];

const tunableName = (t: string) => t.split('=')[0]!;
const tunablesIn = (env: NodeJS.ProcessEnv) => (env.GLIBC_TUNABLES ?? '').split(':').filter(Boolean);

/** `base` with TRAINER_MALLOC_TUNABLES merged into GLIBC_TUNABLES (values already set there win). */
export function trainerEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const have = tunablesIn(base);
  const names = new Set(have.map(tunableName));
  return { ...base, GLIBC_TUNABLES: [...have, ...TRAINER_MALLOC_TUNABLES.filter((t) => !names.has(tunableName(t)))].join(':') };
}

/** Whether this process was started with trainerEnv (or its own values of those tunables) and TRAINER_NODE_FLAGS. */
export function isTrainerProcess(): boolean {
  const names = new Set(tunablesIn(process.env).map(tunableName));
  return typeof (globalThis as { gc?: unknown }).gc === 'function' && TRAINER_MALLOC_TUNABLES.every((t) => names.has(tunableName(t)));
}

/** Below this many bytes of fetched state a step's copies are small enough to leave to V8's own schedule. */
const COLLECT_ABOVE_BYTES = 64 * 2 ** 20;

/**
 * After a run whose dropped output copies came to `bytes` (GraphSession.run): a full GC when the process exposes one
 * and the copies are big (a few ms on the trainer's small JS heap); otherwise nothing.
 */
export function returnOutputCopies(bytes: number): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc && bytes >= COLLECT_ABOVE_BYTES) gc();
}
