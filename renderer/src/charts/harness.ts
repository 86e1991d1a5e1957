// Dev-only page (chart-harness.html): streams points into one ChartStream — by default 100,000 steps into 4 series,
// 500 steps every 16 ms, as a training run's events would arrive — while a long-task observer and a frame clock
// watch the main thread. The numbers land on window.__chartResult (read by test/e2e/chart-stream.e2e.ts).
// Query: ?points=100000&series=4&batch=500&interval=16
import { createApp, defineComponent, h, ref } from 'vue';
import ChartStream from '../components/ChartStream.vue';
import { i18n } from '../i18n';
import { SeriesBuffer } from './series';
import { paletteVar, type ChartLine } from './types';
import '../styles.css';

export interface ChartResult {
  points: number;
  series: number;
  batches: number;
  /** From the first batch until the chart drew the last one. */
  totalMs: number;
  /** Animation frames seen while streaming, and the longest gap between two. */
  frames: number;
  maxFrameGapMs: number;
  /** Chart redraws (setData calls) while streaming. */
  draws: number;
  longTaskSupported: boolean;
  longTasks: { startMs: number; durationMs: number }[];
  maxLongTaskMs: number;
  /** What the legend says each line holds at the end. */
  legendPoints: number[];
}

declare global {
  interface Window {
    __chartResult?: ChartResult;
    __chartError?: string;
  }
}

const q = new URLSearchParams(location.search);
const num = (k: string, d: number) => (Number.isFinite(Number(q.get(k))) && q.get(k) !== null ? Number(q.get(k)) : d);
const TOTAL = num('points', 100_000);
const SERIES = num('series', 4);
const BATCH = num('batch', 500);
const INTERVAL = num('interval', 16);

const buffers = Array.from({ length: SERIES }, () => new SeriesBuffer(1024));
const lines: ChartLine[] = buffers.map((data, i) => ({
  id: `s${i}`,
  label: i === SERIES - 1 ? 'weighted total' : `task_${i + 1}`,
  data,
  color: i === SERIES - 1 ? '--chart-total' : paletteVar(i),
  testid: `harness-line-${i}`,
}));
const revision = ref(0);
let draws = 0;

// Deterministic noise (a small LCG): the curves look like losses, decaying with jitter.
let seed = 12345;
const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 0x1_0000_0000);

const xs = new Float64Array(BATCH);
const ys = new Float64Array(BATCH);
function appendBatch(from: number, count: number): void {
  for (let s = 0; s < SERIES; s++) {
    const base = 0.4 + 0.35 * s;
    for (let i = 0; i < count; i++) {
      const step = from + i + 1;
      xs[i] = step;
      ys[i] = base + 2.2 * Math.exp(-step / (8_000 + 6_000 * s)) + (rand() - 0.5) * 0.18 * Math.exp(-step / 60_000);
    }
    buffers[s]!.pushMany(xs.subarray(0, count), ys.subarray(0, count));
  }
  revision.value++;
}

const longTasks: { startMs: number; durationMs: number }[] = [];
const longTaskSupported = typeof PerformanceObserver === 'function' && (PerformanceObserver.supportedEntryTypes ?? []).includes('longtask');
if (longTaskSupported) {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longTasks.push({ startMs: e.startTime, durationMs: e.duration });
  }).observe({ type: 'longtask', buffered: true });
}

const nextFrame = () => new Promise<number>((r) => requestAnimationFrame(r));

async function run(): Promise<void> {
  await nextFrame();
  await nextFrame();
  const t0 = performance.now();
  const drawsAtStart = draws;
  let frames = 0, maxGap = 0, last = t0, streaming = true;
  const tick = (t: number) => {
    if (!streaming) return;
    frames++;
    maxGap = Math.max(maxGap, t - last);
    last = t;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);

  let sent = 0, batches = 0;
  await new Promise<void>((done) => {
    const timer = setInterval(() => {
      const n = Math.min(BATCH, TOTAL - sent);
      appendBatch(sent, n);
      sent += n;
      batches++;
      if (sent >= TOTAL) {
        clearInterval(timer);
        done();
      }
    }, INTERVAL);
  });
  // The last batch is on screen once a draw follows it.
  const target = draws + 1;
  while (draws < target) await nextFrame();
  const t1 = performance.now();
  streaming = false;
  await new Promise((r) => setTimeout(r, 300)); // long-task entries are delivered asynchronously
  const during = longTasks.filter((l) => l.startMs + l.durationMs >= t0 && l.startMs <= t1);
  window.__chartResult = {
    points: TOTAL,
    series: SERIES,
    batches,
    totalMs: Math.round(t1 - t0),
    frames,
    maxFrameGapMs: Math.round(maxGap * 10) / 10,
    draws: draws - drawsAtStart,
    longTaskSupported,
    longTasks: during.map((l) => ({ startMs: Math.round(l.startMs - t0), durationMs: Math.round(l.durationMs) })),
    maxLongTaskMs: Math.round(Math.max(0, ...during.map((l) => l.durationMs))),
    legendPoints: [...document.querySelectorAll('[data-testid^="harness-line-"]')].map((el) => Number(el.getAttribute('data-points'))),
  };
}

const Harness = defineComponent({
  setup() {
    return () =>
      h('main', { class: 'harness', style: { padding: '20px 24px', maxWidth: '1280px' } }, [
        h('h1', { style: { fontSize: '16px', margin: '0 0 12px' } }, `${TOTAL.toLocaleString('en-US')} points × ${SERIES} series, ${BATCH} per ${INTERVAL} ms`),
        h(ChartStream, { lines, revision: revision.value, height: 360, label: 'streamed series', onDraw: () => draws++ }),
      ]);
  },
});

createApp(Harness).use(i18n).mount('#harness');
run().catch((err: unknown) => {
  window.__chartError = err instanceof Error ? err.message : String(err);
});
