// The interface languages: English and Simplified Chinese, through vue-i18n's composition API (`useI18n()` in
// components; `i18n.global` where no component is at hand). The settings store picks the locale (the operating
// system's on first start, the user's choice after) and calls setLocale; switching needs no reload.
import { createI18n } from 'vue-i18n';
import en from './en';
import zhCN from './zh-CN';
import type { MessageSchema } from './schema';

export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

/** The locale for a browser language tag: Chinese of any region or script → zh-CN, anything else → en. */
export function localeFor(language: string | undefined): Locale {
  return language && /^zh\b/i.test(language) ? 'zh-CN' : 'en';
}

export const i18n = createI18n<[MessageSchema], Locale, false>({
  legacy: false,
  locale: 'en',
  fallbackLocale: 'en',
  messages: { en, 'zh-CN': zhCN },
  // Both locales have every key (a test checks); error codes without a text fall back to main's English message.
  fallbackWarn: false,
  missingWarn: false,
});

/** Switches every mounted component at once, and tells the page (screen readers, fonts) which language it is in. */
export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}

/** The translate function outside components (stores naming things for the user). */
export const t = i18n.global.t;
