// Renderer stores over a fake transport: the API client unwraps envelopes, the preview pages lazily.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createPinia, setActivePinia } from 'pinia';
import { call, ApiError, setTransportForTests } from '../../renderer/src/api';
import { usePreviewStore, PAGE_SIZE } from '../../renderer/src/stores/preview';
import { useDatasetsStore } from '../../renderer/src/stores/datasets';
import type { Envelope } from '../../main/api/contract';

const calls: { name: string; args: unknown }[] = [];
function fake(answer: (name: string, args: Record<string, number>) => unknown): void {
  calls.length = 0;
  setTransportForTests({
    invoke: async (name, args) => {
      calls.push({ name, args });
      try {
        return { ok: true, value: answer(name, args as Record<string, number>) } as Envelope;
      } catch (err) {
        return { ok: false, error: (err as Error).message } as Envelope;
      }
    },
    on: () => () => {},
  });
}

beforeEach(() => setActivePinia(createPinia()));

test('a failed call rejects with the error main sent', async () => {
  fake(() => {
    throw new Error('datasets.get: id: expected number');
  });
  await assert.rejects(call('datasets.get', { id: 1 }), (e: unknown) => e instanceof ApiError && /datasets\.get: id/.test(e.message));
});

test('the preview store fetches only the pages in view', async () => {
  const total = 10_000;
  fake((_name, a) => ({
    datasetId: 1,
    split: 'train',
    offset: a.offset,
    total,
    columns: ['text'],
    rows: Array.from({ length: Math.min(a.limit, total - a.offset) }, (_, i) => ({ text: `row ${a.offset + i}` })),
  }));
  const preview = usePreviewStore();
  await preview.open(1, 'train');
  assert.equal(preview.total, total);
  assert.equal(calls.length, 1);
  await preview.ensure(5_000, 40);
  assert.deepEqual(
    calls.map((c) => (c.args as { offset: number }).offset),
    [0, Math.floor(5_000 / PAGE_SIZE) * PAGE_SIZE],
  );
  assert.deepEqual(preview.row(5_010), { text: 'row 5010' });
  assert.equal(preview.row(9_000), undefined);
});

test('the datasets store keeps an editable mapping seeded from the suggestion', async () => {
  fake(() => [
    {
      id: 3,
      name: 'sst2',
      format: 'tsv',
      files: ['train.tsv'],
      splits: { train: 10 },
      rowCount: 10,
      columns: [],
      suggestion: { type: 'classification', text: 'sentence', label: 'label', reason: '' },
      sha256: '',
      createdAt: '',
    },
  ]);
  const store = useDatasetsStore();
  await store.load();
  assert.equal(store.selectedId, 3);
  assert.deepEqual(store.mappings[3], { type: 'classification', columns: { text: 'sentence', label: 'label' } });
  store.setMapping(3, { type: 'regression', columns: { text: 'sentence', label: 'label' } });
  store.resetMapping(3);
  assert.equal(store.mappings[3].type, 'classification');
});
