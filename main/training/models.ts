// The Models list: pre-trained checkpoint folders imported from disk. Importing checks the whole folder first (every
// tensor by name and shape, the tokenizer loads), then copies the files Chorus reads into <dataDir>/models/<id>/, so
// a run can always start from the model even after the download folder is gone.
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { importCheckpoint } from '../engine/io';
import type { Store } from '../store';
import { ModelStore, type ModelRow } from '../store/models';
import { WordPieceTokenizer } from './tokenizer';

/** Files of a checkpoint folder that Chorus reads besides config.json and the weights (which the import lists). */
const TOKENIZER_FILES = ['model.safetensors.index.json', 'tokenizer.json', 'vocab.txt', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.json', 'merges.txt'];

export class ModelService {
  readonly models: ModelStore;

  constructor(private readonly store: Store) {
    this.models = new ModelStore(store);
  }

  private folderOf(id: number): string {
    return join(this.store.dataDir, 'models', String(id));
  }

  /** Checks and copies a checkpoint folder; the same folder imported again returns the existing entry. */
  import(dir: string, o: { name?: string } = {}): { model: ModelRow; existing: boolean } {
    const c = importCheckpoint(resolve(dir));
    const tokenizer = WordPieceTokenizer.fromCheckpoint(c.source.path); // fails here, before anything is copied
    if (tokenizer.vocabSize > c.config.vocabSize)
      throw new Error(`${c.source.path}: the tokenizer has ${tokenizer.vocabSize} tokens but the model's vocabulary only ${c.config.vocabSize}`);
    const same = this.models.list().find((m) => m.source === c.source.path && m.bytes === c.source.bytes && existsSync(m.folder));
    if (same) return { model: same, existing: true };
    const files = [...c.source.files.map((f) => basename(f)), ...TOKENIZER_FILES.filter((f) => existsSync(join(c.source.path, f)))];
    const model = this.models.add({
      name: o.name ?? (basename(c.source.path) || c.architecture), architecture: c.architecture, source: c.source.path,
      vocabSize: c.config.vocabSize, maxLength: c.source.maxLength, hidden: c.source.hidden, layers: c.source.layers, heads: c.source.heads,
      parameters: c.source.parameters, bytes: c.source.bytes,
      info: { files, dtypes: c.source.dtypes, ignored: c.ignored, missing: c.missing, notes: c.notes, mlmHead: c.mlmHead !== undefined },
    }, (id) => {
      const folder = this.folderOf(id), tmp = `${folder}.partial`;
      rmSync(tmp, { recursive: true, force: true });
      mkdirSync(tmp, { recursive: true });
      for (const f of ['config.json', ...files]) copyFileSync(join(c.source.path, f), join(tmp, f));
      rmSync(folder, { recursive: true, force: true });
      renameSync(tmp, folder); // the row commits only once the copy is complete
      return folder;
    });
    return { model, existing: false };
  }

  list(): ModelRow[] {
    return this.models.list();
  }

  /** Removes a model and its files (runs that started from it keep their own weights). */
  delete(id: number): void {
    const m = this.models.get(id);
    this.models.delete(id);
    rmSync(m.folder, { recursive: true, force: true });
  }
}
