// The language control in the app header: the system's language on first start, the user's choice after (kept in
// localStorage), switched in place: every mounted component re-renders in the new language.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import AppLocaleSelect from '../../../renderer/src/components/AppLocaleSelect.vue';
import RunStatusBadge from '../../../renderer/src/components/RunStatusBadge.vue';
import { LOCALE_KEY, useSettingsStore } from '../../../renderer/src/stores/settings';
import { i18n } from '../../../renderer/src/i18n';

describe('AppLocaleSelect', () => {
  beforeEach(() => {
    localStorage.clear();
    setActivePinia(createPinia());
  });
  afterEach(() => vi.restoreAllMocks());

  it('starts in the system language: English for en-US, without keeping a choice', () => {
    vi.spyOn(navigator, 'language', 'get').mockReturnValue('en-US');
    const w = mount(AppLocaleSelect);
    expect((w.get('[data-testid=locale-select]').element as HTMLSelectElement).value).toBe('en');
    expect(i18n.global.locale.value).toBe('en');
    expect(localStorage.getItem(LOCALE_KEY)).toBeNull();
  });

  it('starts in Chinese where the system speaks Chinese (any region)', () => {
    vi.spyOn(navigator, 'language', 'get').mockReturnValue('zh-TW');
    useSettingsStore();
    expect(i18n.global.locale.value).toBe('zh-CN');
    expect(document.documentElement.lang).toBe('zh-CN');
  });

  it('switches every mounted component at once and remembers the choice', async () => {
    vi.spyOn(navigator, 'language', 'get').mockReturnValue('en-US');
    const picker = mount(AppLocaleSelect);
    const badge = mount(RunStatusBadge, { props: { status: 'completed' } });
    expect(badge.text()).toBe('completed');

    await picker.get('[data-testid=locale-select]').setValue('zh-CN');
    expect(badge.text()).toBe('已完成');
    expect(picker.get('label').attributes('title')).toBe('语言');
    expect(localStorage.getItem(LOCALE_KEY)).toBe('zh-CN');
    expect(document.documentElement.lang).toBe('zh-CN');

    await picker.get('[data-testid=locale-select]').setValue('en');
    expect(badge.text()).toBe('completed');
    expect(localStorage.getItem(LOCALE_KEY)).toBe('en');
  });

  it('a kept choice wins over the system language', () => {
    localStorage.setItem(LOCALE_KEY, 'en');
    vi.spyOn(navigator, 'language', 'get').mockReturnValue('zh-CN');
    expect(useSettingsStore().locale).toBe('en');
    expect(i18n.global.locale.value).toBe('en');
  });
});
