// The locale-aware formatters of lib/format.ts bound to the interface's current locale (re-rendered on a switch).
import { useI18n } from 'vue-i18n';
import {
  formatBytes, formatClock, formatCompact, formatCount, formatDateTime, formatFixed, formatPercent, formatRoughDuration, formatUnit,
} from '../lib/format';

export function useFormat() {
  const { t, locale } = useI18n();
  return {
    count: (n: number) => formatCount(n, locale.value),
    compact: (n: number) => formatCompact(n, locale.value),
    fixed: (v: number, digits: number) => formatFixed(v, digits, locale.value),
    percent: (share: number, digits = 1) => formatPercent(share, digits, locale.value),
    bytes: (n: number) => formatBytes(n, locale.value),
    clock: (seconds: number) => formatClock(seconds, locale.value),
    /** '~3 min', '< 1 sec', '—' when unknown. */
    roughDuration(seconds: number | undefined): string {
      if (seconds === undefined || !Number.isFinite(seconds)) return '—';
      if (seconds < 1) return t('common.lessThan', { value: formatUnit(1, 'second', locale.value) });
      return t('common.approx', { value: formatRoughDuration(seconds, locale.value) });
    },
    dateTime: (iso: string) => formatDateTime(iso, locale.value),
  };
}
