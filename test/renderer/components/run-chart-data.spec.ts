// The data side of the streaming charts: growing series, min/max decimation, joining series on one x axis.
import { describe, expect, it } from 'vitest';
import { SeriesBuffer } from '../../../renderer/src/charts/series';
import { alignSeries, decimateMinMax, xExtent } from '../../../renderer/src/charts/decimate';
import { formatValue } from '../../../renderer/src/charts/types';

describe('SeriesBuffer', () => {
  it('grows by doubling and keeps every point', () => {
    const b = new SeriesBuffer(2);
    for (let i = 1; i <= 1000; i++) b.push(i, i * 2);
    expect(b.length).toBe(1000);
    expect(b.x[999]).toBe(1000);
    expect(b.lastY()).toBe(2000);
    b.pushMany([1001, 1002], [1, 2]);
    expect(b.length).toBe(1002);
  });

  it('drops the points at or past a step that comes again (a replay)', () => {
    const b = new SeriesBuffer();
    for (const s of [10, 20, 30, 40]) b.push(s, s);
    b.push(25, -1);
    expect([...b.x]).toEqual([10, 20, 25]);
    b.push(25, -2);
    expect(b.toArray()).toEqual([{ x: 10, y: 10 }, { x: 20, y: 20 }, { x: 25, y: -2 }]);
    b.pushMany([15, 16], [0, 0]);
    expect([...b.x]).toEqual([10, 15, 16]);
    expect(b.truncateFrom(16)).toBe(1);
    expect(b.nearest(14)).toBe(1);
    expect(b.max()).toEqual({ x: 10, y: 10 });
  });
});

describe('decimateMinMax', () => {
  it('leaves short series alone', () => {
    const s = { x: [1, 2, 3], y: [3, 2, 1], length: 3 };
    expect(decimateMinMax(s, 1, 3, 10)).toBe(s);
  });

  it('keeps at most the min and max of each pixel column, the first and last point, in x order', () => {
    const n = 100_000;
    const x = new Float64Array(n), y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = i + 1;
      y[i] = Math.sin(i / 50) + (i === 54_321 ? 10 : 0); // one spike must survive
    }
    const d = decimateMinMax({ x, y, length: n }, 1, n, 500);
    expect(d.length).toBeLessThanOrEqual(2 * 500 + 2);
    expect(d.x[0]).toBe(1);
    expect(d.x[d.length - 1]).toBe(n);
    for (let i = 1; i < d.length; i++) expect(d.x[i]!).toBeGreaterThan(d.x[i - 1]!);
    expect(Math.max(...Array.from(d.y))).toBe(y[54_321]);
    expect(Math.min(...Array.from(d.y))).toBeCloseTo(-1, 3);
  });
});

describe('alignSeries', () => {
  it('joins series on the union of their x values, null where one has no point', () => {
    const a = { x: [1, 2, 4], y: [10, 20, 40], length: 3 };
    const b = { x: [2, 3], y: [200, 300], length: 2 };
    expect(alignSeries([a, b])).toEqual([[1, 2, 3, 4], [10, 20, null, 40], [null, 200, 300, null]]);
    expect(xExtent([a, b])).toEqual([1, 4]);
    expect(xExtent([{ x: [], y: [], length: 0 }])).toBeUndefined();
  });
});

describe('formatValue', () => {
  it('keeps three significant digits, exponents for the tiny', () => {
    expect(formatValue(0.123456)).toBe('0.123');
    expect(formatValue(0.00005)).toBe('5.00e-5');
    expect(formatValue(12345.6)).toBe('12,346');
    expect(formatValue(undefined)).toBe('—');
  });
});
