// Numbers, percentages, sizes, durations and dates for a locale, through Intl (formatters cached by locale and
// options). Components use them through useFormat (i18n/format.ts), which passes the interface's locale.

const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = numberFormats.get(key);
  if (!f) numberFormats.set(key, (f = new Intl.NumberFormat(locale, options)));
  return f;
}

/** A count with the locale's grouping: 50,001. */
export const formatCount = (n: number, locale: string): string => numberFormat(locale, { maximumFractionDigits: 0 }).format(n);

/** A large count in the locale's short form: 1.2M, 120K / 1.2亿, 120万. */
export const formatCompact = (n: number, locale: string): string =>
  numberFormat(locale, { notation: 'compact', maximumFractionDigits: n >= 1e8 && n < 1e9 ? 0 : 1 }).format(n);

/** A number with exactly `digits` decimals ('—' when not finite). */
export function formatFixed(v: number, digits: number, locale: string): string {
  if (!Number.isFinite(v)) return '—';
  return numberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);
}

/** A share (0.2) as a percentage with `digits` decimals: 20.0%. */
export const formatPercent = (share: number, digits: number, locale: string): string =>
  numberFormat(locale, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(Number.isFinite(share) ? share : 0);

type Unit = 'second' | 'minute' | 'hour' | 'megabyte' | 'gigabyte';
export const formatUnit = (v: number, unit: Unit, locale: string, digits = 0, display: 'narrow' | 'short' = 'short'): string =>
  numberFormat(locale, { style: 'unit', unit, unitDisplay: display, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);

/** Bytes as GB (one decimal) from 1 GiB up, else whole MB (at least 1). */
export function formatBytes(n: number, locale: string): string {
  return n >= 2 ** 30 ? formatUnit(n / 2 ** 30, 'gigabyte', locale, 1) : formatUnit(Math.max(1, Math.round(n / 2 ** 20)), 'megabyte', locale);
}

/** A time left, to the second: 45s, 3m 20s, 2h 5m (locale's words; '—' when not finite). */
export function formatClock(seconds: number, locale: string): string {
  if (!Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  const part = (v: number, unit: Unit) => formatUnit(v, unit, locale, 0, 'narrow');
  const list = new Intl.ListFormat(locale, { type: 'unit', style: 'narrow' });
  if (s < 60) return part(s, 'second');
  if (s < 3600) return list.format([part(Math.floor(s / 60), 'minute'), part(s % 60, 'second')]);
  return list.format([part(Math.floor(s / 3600), 'hour'), part(Math.floor((s % 3600) / 60), 'minute')]);
}

/** A rough duration, one unit: 12 sec, 3 min, 1.5 hr (the caller adds "about"). */
export function formatRoughDuration(seconds: number, locale: string): string {
  if (seconds < 90) return formatUnit(Math.round(seconds), 'second', locale);
  if (seconds < 5400) return formatUnit(Math.round(seconds / 60), 'minute', locale);
  return formatUnit(seconds / 3600, 'hour', locale, 1);
}

/** A moment as month, day and time of day: Mar 4, 09:15 AM / 3月4日 09:15. */
export function formatDateTime(iso: string, locale: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleString(locale, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}
