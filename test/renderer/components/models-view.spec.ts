// The Models view over a fake transport: the list with size, vocabulary, max length and source; importing a folder
// by its path (and optional name); deleting through the confirm dialog; errors in the interface's language.
import { afterEach, describe, expect, it } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia } from 'pinia';
import ModelsView from '../../../renderer/src/views/ModelsView.vue';
import { setTransportForTests } from '../../../renderer/src/api';
import { setLocale } from '../../../renderer/src/i18n';
import type { Envelope, ModelRow } from '../../../main/api/contract';

const MODEL: ModelRow = {
  id: 3, name: 'tiny', architecture: 'bert', source: '/data/tiny-bert', folder: '/chorus/models/3', vocabSize: 30, maxLength: 16, hidden: 8, layers: 2,
  heads: 2, parameters: 4_242_000, bytes: 17 * 2 ** 20,
  info: { files: ['model.safetensors', 'vocab.txt'], dtypes: ['F32'], ignored: ['cls.seq_relationship.weight'], missing: ['bert.pooler.dense.weight'], notes: ['a note'], mlmHead: true },
  createdAt: '2025-01-01T00:00:00.000Z',
};

let list: ModelRow[] = [];
const calls: { name: string; args: Record<string, unknown> }[] = [];
function backend(): void {
  calls.length = 0;
  setTransportForTests({
    invoke: async (name, raw) => {
      const args = raw as Record<string, unknown>;
      calls.push({ name, args });
      if (name === 'models.list') return { ok: true, value: list } as Envelope;
      if (name === 'models.import') {
        if (args.path === '/nowhere') return { ok: false, error: 'models.import: /nowhere: no such folder' } as Envelope;
        const model = { ...MODEL, id: 4, name: String(args.name ?? 'base') };
        list = [model, ...list];
        return { ok: true, value: { model, existing: false } } as Envelope;
      }
      if (name === 'models.delete') {
        if (args.id === 3 && !list.some((m) => m.id === 3)) return { ok: false, error: 'models.delete: model 3 does not exist', code: 'model_not_found', params: { id: 3 } } as Envelope;
        list = list.filter((m) => m.id !== args.id);
        return { ok: true, value: { deleted: args.id } } as Envelope;
      }
      return { ok: false, error: `unexpected ${name}` } as Envelope;
    },
    on: () => () => {},
  });
}

const wrappers: VueWrapper[] = [];
async function view(): Promise<VueWrapper> {
  backend();
  const w = mount(ModelsView, { global: { plugins: [createPinia()] }, attachTo: document.body });
  wrappers.push(w);
  await flushPromises();
  return w;
}
afterEach(() => {
  for (const w of wrappers.splice(0)) w.unmount();
  setTransportForTests(undefined);
});

describe('ModelsView', () => {
  it('says so when there are no models', async () => {
    list = [];
    const w = await view();
    expect(w.get('[data-testid="models-empty"]').text()).toMatch(/No models yet/);
    expect(w.find('[data-testid="model-list"]').exists()).toBe(false);
  });

  it('lists a model with its shape, parameters, size, vocabulary, max length and source; details on expand', async () => {
    list = [MODEL];
    const w = await view();
    const card = w.get('[data-testid="model-3"]');
    expect(card.get('[data-testid="model-name"]').text()).toContain('tiny');
    expect(card.text()).toContain('bert');
    expect(card.text()).toContain('masked-LM head');
    expect(card.get('[data-testid="model-shape"]').text()).toBe('2 × 8 · 2 heads');
    expect(card.get('[data-testid="model-parameters"]').text()).toBe('4.2M');
    expect(card.get('[data-testid="model-size"]').text()).toBe('17 MB');
    expect(card.get('[data-testid="model-vocab"]').text()).toBe('30');
    expect(card.get('[data-testid="model-max-length"]').text()).toBe('16');
    expect(card.get('[data-testid="model-source"]').text()).toBe('/data/tiny-bert');
    const details = card.get('[data-testid="model-details-3"]');
    expect(details.text()).toContain('bert.pooler.dense.weight');
    expect(details.text()).toContain('cls.seq_relationship.weight');
    expect(details.text()).toContain('a note');
  });

  it('imports a folder by its path and optional name, then clears the form', async () => {
    list = [MODEL];
    const w = await view();
    const submit = w.get('[data-testid="model-import-submit"]');
    expect(submit.attributes('disabled')).toBeDefined();
    await w.get('[data-testid="model-import-path"]').setValue(' /data/base ');
    await w.get('[data-testid="model-import-name"]').setValue('base model');
    await w.get('[data-testid="model-import"]').trigger('submit');
    await flushPromises();
    expect(calls.filter((c) => c.name === 'models.import').map((c) => c.args)).toEqual([{ path: '/data/base', name: 'base model' }]);
    expect(w.find('[data-testid="model-4"]').exists()).toBe(true);
    expect(w.get('[data-testid="model-imported"]').text()).toContain('“base model” was imported.');
    expect((w.get('[data-testid="model-import-path"]').element as HTMLInputElement).value).toBe('');
  });

  it('shows an import error and keeps what was typed', async () => {
    list = [];
    const w = await view();
    await w.get('[data-testid="model-import-path"]').setValue('/nowhere');
    await w.get('[data-testid="model-import"]').trigger('submit');
    await flushPromises();
    expect(w.get('[data-testid="error"]').text()).toBe('models.import: /nowhere: no such folder');
    expect((w.get('[data-testid="model-import-path"]').element as HTMLInputElement).value).toBe('/nowhere');
  });

  it('deletes through the confirm dialog; a coded error shows in the interface language', async () => {
    list = [MODEL];
    const w = await view();
    await w.get('[data-testid="model-delete"]').trigger('click');
    expect(document.body.textContent).toContain('Delete model?');
    await w.get('[data-testid="confirm"]').trigger('click');
    await flushPromises();
    expect(calls.filter((c) => c.name === 'models.delete').map((c) => c.args)).toEqual([{ id: 3 }]);
    expect(w.find('[data-testid="model-3"]').exists()).toBe(false);
    expect(w.find('[data-testid="models-empty"]').exists()).toBe(true);

    // Deleted elsewhere meanwhile: the error comes by its code, in Chinese.
    list = [MODEL];
    const again = await view();
    list = [];
    setLocale('zh-CN');
    await again.get('[data-testid="model-delete"]').trigger('click');
    await again.get('[data-testid="confirm"]').trigger('click');
    await flushPromises();
    expect(again.get('[data-testid="error"]').text()).toBe('模型 3 不存在');
  });
});
