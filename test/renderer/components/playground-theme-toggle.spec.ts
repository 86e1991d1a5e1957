// The theme toggle (lives in the app header; tested here with the Playground's components): system / light / dark,
// applied as data-theme on <html> and kept in localStorage.
import { beforeEach, describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import AppThemeToggle from '../../../renderer/src/components/AppThemeToggle.vue';
import { THEME_KEY, useSettingsStore } from '../../../renderer/src/stores/settings';

describe('AppThemeToggle', () => {
  beforeEach(() => {
    localStorage.clear();
    document.documentElement.removeAttribute('data-theme');
    setActivePinia(createPinia());
  });

  it('starts on system (no data-theme), then applies and remembers the choice', async () => {
    const w = mount(AppThemeToggle);
    expect(document.documentElement.hasAttribute('data-theme')).toBe(false);
    expect(w.get('[data-testid=theme-system]').attributes('aria-pressed')).toBe('true');

    await w.get('[data-testid=theme-dark]').trigger('click');
    expect(document.documentElement.getAttribute('data-theme')).toBe('dark');
    expect(localStorage.getItem(THEME_KEY)).toBe('dark');
    expect(w.get('[data-testid=theme-dark]').attributes('aria-pressed')).toBe('true');

    await w.get('[data-testid=theme-system]').trigger('click');
    expect(document.documentElement.hasAttribute('data-theme')).toBe(false);
    expect(localStorage.getItem(THEME_KEY)).toBeNull();
  });

  it('restores a saved theme', () => {
    localStorage.setItem(THEME_KEY, 'light');
    expect(useSettingsStore().theme).toBe('light');
    expect(document.documentElement.getAttribute('data-theme')).toBe('light');
  });

  it('ignores a saved value it does not know', () => {
    localStorage.setItem(THEME_KEY, 'sepia');
    expect(useSettingsStore().theme).toBe('system');
  });

  it('every choice is a button (reachable with Tab)', () => {
    const w = mount(AppThemeToggle);
    expect(w.findAll('button').map((b) => b.attributes('data-testid'))).toEqual(['theme-system', 'theme-light', 'theme-dark']);
  });
});
