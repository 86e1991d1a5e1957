// App-wide settings and requests: the colour theme (system / light / dark, kept in localStorage and applied as
// `data-theme` on <html>), the view another view asks the shell to show, and the demo project one click away.
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import { call } from '../api';
import type { CallResult } from '../../../main/api/contract';
import { useDatasetsStore } from './datasets';

export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];
export type AppView = 'Datasets' | 'Train' | 'Compare' | 'Playground';
export type ProjectRow = CallResult<'projects.createDemo'>;

export const THEME_KEY = 'chorus.theme';

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

/** 'system' leaves the attribute off, so the stylesheet follows prefers-color-scheme. */
function applyTheme(theme: Theme): void {
  if (typeof document === 'undefined') return;
  const root = document.documentElement;
  if (theme === 'system') root.removeAttribute('data-theme');
  else root.setAttribute('data-theme', theme);
}

export const useSettingsStore = defineStore('settings', () => {
  const theme = ref<Theme>(savedTheme());
  /** A view some view asks the shell to switch to (the shell shows it, then may set this back to undefined). */
  const requestedView = ref<AppView | undefined>();
  /** The demo project once created, so the Train view can open it. */
  const demoProject = ref<ProjectRow | undefined>();
  const demoBusy = ref(false);
  const demoError = ref<string | undefined>();

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

  /** Imports the bundled demo datasets and creates the three-task demo project, then refreshes the datasets list. */
  async function createDemo(): Promise<ProjectRow | undefined> {
    if (demoBusy.value) return undefined;
    demoBusy.value = true;
    demoError.value = undefined;
    try {
      const row = await call('projects.createDemo', {});
      demoProject.value = row;
      await useDatasetsStore().load();
      return row;
    } catch (err) {
      demoError.value = err instanceof Error ? err.message : String(err);
      return undefined;
    } finally {
      demoBusy.value = false;
    }
  }

  return { theme, requestedView, demoProject, demoBusy, demoError, setTheme, requestView, createDemo };
});
