import type { SeriesBuffer } from './series';

/** One line of a streaming chart. */
export interface ChartLine {
  /** Stable key (the chart is rebuilt when the set of ids changes). */
  id: string;
  label: string;
  data: SeriesBuffer;
  /** A CSS custom property naming the colour (`--chart-total`); by default the palette's next colour. */
  color?: string;
  /** Line width in CSS pixels (default 1: a hairline, which canvas draws far faster than a wider stroke). */
  width?: number;
  dash?: number[];
  /** data-testid of the line's legend entry, which also carries data-points (how many points the line holds). */
  testid?: string;
}

/** The palette ChartStream defines (light and dark): --chart-1 … --chart-8. */
export const PALETTE_SIZE = 8;
export const paletteVar = (i: number): string => `--chart-${(i % PALETTE_SIZE) + 1}`;

/** Compact number for axes and legends: 3 significant digits, exponent for the very small or large. */
export function formatValue(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a < 1e-3 || a >= 1e6) return v.toExponential(2);
  if (a >= 1000) return Math.round(v).toLocaleString('en-US');
  return Number(v.toPrecision(3)).toString();
}
