// Imported datasets, the selected one, and the user's edits to each suggested task mapping.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { call } from '../api';
import { problemOf, type Problem } from '../lib/error-text';
import type { DatasetSummary, SuggestedTaskType } from '../../../main/data/types';

export type MappingField = 'text' | 'textPair' | 'label' | 'question' | 'context' | 'answers';

export interface TaskMapping {
  type: SuggestedTaskType | 'unknown';
  columns: Partial<Record<MappingField, string>>;
}

function mappingFrom(d: DatasetSummary): TaskMapping {
  const s = d.suggestion;
  const columns: TaskMapping['columns'] = {};
  for (const f of ['text', 'textPair', 'label', 'question', 'context', 'answers'] as const) if (s[f]) columns[f] = s[f];
  return { type: s.type, columns };
}

export const useDatasetsStore = defineStore('datasets', () => {
  const datasets = ref<DatasetSummary[]>([]);
  const selectedId = ref<number | undefined>();
  const loading = ref(false);
  const loaded = ref(false);
  const error = ref<Problem | undefined>();
  const mappings = ref<Record<number, TaskMapping>>({});

  const selected = computed(() => datasets.value.find((d) => d.id === selectedId.value));

  async function load(): Promise<void> {
    loading.value = true;
    try {
      datasets.value = await call('datasets.list', {});
      for (const d of datasets.value) mappings.value[d.id] ??= mappingFrom(d);
      if (selectedId.value !== undefined && !selected.value) selectedId.value = undefined;
      if (selectedId.value === undefined && datasets.value.length) selectedId.value = datasets.value[0].id;
      error.value = undefined;
    } catch (err) {
      error.value = problemOf(err);
    } finally {
      loading.value = false;
      loaded.value = true;
    }
  }

  function select(id: number): void {
    selectedId.value = id;
  }

  async function remove(id: number): Promise<void> {
    try {
      await call('datasets.delete', { id });
      delete mappings.value[id];
      if (selectedId.value === id) selectedId.value = undefined;
      await load();
    } catch (err) {
      error.value = problemOf(err);
    }
  }

  function setMapping(id: number, mapping: TaskMapping): void {
    mappings.value[id] = mapping;
  }

  function resetMapping(id: number): void {
    const d = datasets.value.find((x) => x.id === id);
    if (d) mappings.value[id] = mappingFrom(d);
  }

  return { datasets, selectedId, selected, loading, loaded, error, mappings, load, select, remove, setMapping, resetMapping };
});
