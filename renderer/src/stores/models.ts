// Imported pre-trained models (the Models view, and the model panel's "imported model" choice): the list, importing a
// local Hugging Face checkpoint folder by its path, and deleting one.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { call } from '../api';
import { problemOf, type Problem } from '../lib/error-text';
import type { ModelRow } from '../../../main/api/contract';

export type { ModelRow };

export const useModelsStore = defineStore('models', () => {
  /** Newest first, as main lists them. */
  const models = ref<ModelRow[]>([]);
  const loaded = ref(false);
  const importing = ref(false);
  const error = ref<Problem | undefined>();
  /** What the latest import did: the model, and whether the same folder was imported before. */
  const lastImport = ref<{ model: ModelRow; existing: boolean } | undefined>();

  async function load(): Promise<void> {
    try {
      models.value = await call('models.list', {});
      error.value = undefined;
    } catch (err) {
      error.value = problemOf(err);
    } finally {
      loaded.value = true;
    }
  }

  /** Checks and copies a checkpoint folder; answers the model, or undefined (the reason is in `error`). */
  async function importFolder(path: string, name?: string): Promise<ModelRow | undefined> {
    const folder = path.trim();
    if (!folder || importing.value) return undefined;
    importing.value = true;
    lastImport.value = undefined;
    try {
      const res = await call('models.import', { path: folder, ...(name?.trim() ? { name: name.trim() } : {}) });
      lastImport.value = res;
      models.value = [res.model, ...models.value.filter((m) => m.id !== res.model.id)];
      error.value = undefined;
      return res.model;
    } catch (err) {
      error.value = problemOf(err);
      return undefined;
    } finally {
      importing.value = false;
    }
  }

  async function remove(id: number): Promise<void> {
    try {
      await call('models.delete', { id });
      models.value = models.value.filter((m) => m.id !== id);
      if (lastImport.value?.model.id === id) lastImport.value = undefined;
      error.value = undefined;
    } catch (err) {
      error.value = problemOf(err);
    }
  }

  return { models, loaded, importing, error, lastImport, load, importFolder, remove };
});
