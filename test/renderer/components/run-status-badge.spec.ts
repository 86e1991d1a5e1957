import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import RunStatusBadge from '../../../renderer/src/components/RunStatusBadge.vue';

describe('RunStatusBadge', () => {
  it('names the status', () => {
    const w = mount(RunStatusBadge, { props: { status: 'interrupted' } });
    expect(w.text().toLowerCase()).toContain('interrupted');
  });
});
