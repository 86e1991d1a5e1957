// Rows of the previewed split, fetched in pages as the table scrolls.
import { defineStore } from 'pinia';
import { ref, shallowRef, triggerRef } from 'vue';
import { call } from '../api';
import { problemOf, type Problem } from '../lib/error-text';

export const PAGE_SIZE = 200;

export const usePreviewStore = defineStore('preview', () => {
  const datasetId = ref<number | undefined>();
  const split = ref<string | undefined>();
  const total = ref(0);
  const columns = ref<string[]>([]);
  const pages = shallowRef(new Map<number, Record<string, unknown>[]>());
  const error = ref<Problem | undefined>();
  const inflight = new Set<number>();
  let generation = 0;

  async function open(id: number, name: string): Promise<void> {
    if (datasetId.value === id && split.value === name) return;
    generation++;
    datasetId.value = id;
    split.value = name;
    pages.value = new Map();
    inflight.clear();
    total.value = 0;
    columns.value = [];
    error.value = undefined;
    await ensure(0, 1);
  }

  /** Makes sure rows [first, first+count) are loaded. */
  async function ensure(first: number, count: number): Promise<void> {
    if (datasetId.value === undefined || split.value === undefined) return;
    const from = Math.floor(first / PAGE_SIZE);
    const to = Math.floor(Math.max(first, first + count - 1) / PAGE_SIZE);
    const gen = generation;
    const work: Promise<void>[] = [];
    for (let p = from; p <= to; p++) {
      if (pages.value.has(p) || inflight.has(p)) continue;
      if (p > 0 && p * PAGE_SIZE >= total.value) continue;
      inflight.add(p);
      work.push(
        call('datasets.preview', { id: datasetId.value, split: split.value, offset: p * PAGE_SIZE, limit: PAGE_SIZE })
          .then((page) => {
            if (gen !== generation) return;
            total.value = page.total;
            columns.value = page.columns;
            pages.value.set(p, page.rows);
            triggerRef(pages);
          })
          .catch((err: unknown) => {
            if (gen === generation) error.value = problemOf(err);
          })
          .finally(() => inflight.delete(p)),
      );
    }
    await Promise.all(work);
  }

  function row(i: number): Record<string, unknown> | undefined {
    return pages.value.get(Math.floor(i / PAGE_SIZE))?.[i % PAGE_SIZE];
  }

  function close(): void {
    generation++;
    datasetId.value = undefined;
    split.value = undefined;
    pages.value = new Map();
  }

  return { datasetId, split, total, columns, pages, error, open, ensure, row, close };
});
