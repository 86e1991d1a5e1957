// App-wide settings and requests: the interface language (the operating system's until the user picks one, then
// kept in localStorage), the colour theme (system / light / dark, kept in localStorage and applied as `data-theme` on
// <html>), the view another view asks the shell to show, and the demo project one click away.
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import { call } from '../api';
import type { CallResult } from '../../../main/api/contract';
import { useDatasetsStore } from './datasets';
import { LOCALES, localeFor, setLocale as applyLocale, type Locale } from '../i18n';
import { problemOf, type Problem } from '../lib/error-text';

export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];
export type AppView = 'Datasets' | 'Models' | 'Train' | 'Compare' | 'Playground';
export type ProjectRow = CallResult<'projects.createDemo'>;

export const THEME_KEY = 'chorus.theme';
export const LOCALE_KEY = 'chorus.locale';

function storage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined; // storage disabled (privacy settings): the theme then lasts for the session only
  }
}

function savedTheme(): Theme {
  const v = storage()?.getItem(THEME_KEY);
  return THEMES.includes(v as Theme) ? (v as Theme) : 'system';
}

/** The language picked in settings, else the operating system's (navigator.language: zh* → zh-CN, else en). */
function savedLocale(): Locale {
  const v = storage()?.getItem(LOCALE_KEY);
  if (LOCALES.includes(v as Locale)) return v as Locale;
  return localeFor(typeof navigator === 'undefined' ? undefined : navigator.language);
}

/** 'system' leaves the attribute off, so the stylesheet follows prefers-color-scheme. */
function applyTheme(theme: Theme): void {
  if (typeof document === 'undefined') return;
  const root = document.documentElement;
  if (theme === 'system') root.removeAttribute('data-theme');
  else root.setAttribute('data-theme', theme);
}

export const useSettingsStore = defineStore('settings', () => {
  const locale = ref<Locale>(savedLocale());
  const theme = ref<Theme>(savedTheme());
  /** A view some view asks the shell to switch to (the shell shows it, then may set this back to undefined). */
  const requestedView = ref<AppView | undefined>();
  /** The demo project once created, so the Train view can open it. */
  const demoProject = ref<ProjectRow | undefined>();
  /** The language of the demo created (its datasets differ by language). */
  const demoLanguage = ref<Locale | undefined>();
  const demoBusy = ref(false);
  const demoError = ref<Problem | undefined>();

  watch(locale, applyLocale, { immediate: true });

  /** Switches the interface language (no reload) and keeps the choice for the next start. */
  function setLocale(next: Locale): void {
    locale.value = next;
    storage()?.setItem(LOCALE_KEY, next);
  }

  watch(
    theme,
    (t) => {
      applyTheme(t);
      const s = storage();
      if (t === 'system') s?.removeItem(THEME_KEY);
      else s?.setItem(THEME_KEY, t);
    },
    { immediate: true },
  );

  function setTheme(next: Theme): void {
    theme.value = next;
  }

  function requestView(view: AppView | undefined): void {
    requestedView.value = view;
  }

  /**
   * Imports the bundled demo datasets of the interface's language (English: spam, similarity, QA; Chinese: CMRC 2018
   * reading comprehension and question types) and creates the demo project, then refreshes the datasets list.
   */
  async function createDemo(): Promise<ProjectRow | undefined> {
    if (demoBusy.value) return undefined;
    demoBusy.value = true;
    demoError.value = undefined;
    try {
      const language = locale.value;
      const row = await call('projects.createDemo', { language });
      demoProject.value = row;
      demoLanguage.value = language;
      await useDatasetsStore().load();
      return row;
    } catch (err) {
      demoError.value = problemOf(err);
      return undefined;
    } finally {
      demoBusy.value = false;
    }
  }

  return { locale, theme, requestedView, demoProject, demoLanguage, demoBusy, demoError, setLocale, setTheme, requestView, createDemo };
});
