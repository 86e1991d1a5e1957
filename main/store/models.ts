// Imported pre-trained models in the database (the Models list). Files live under <dataDir>/models/<id>/; this store
// records them and never touches files.
import type Database from 'better-sqlite3';
import { NotFoundError } from '../data/errors';
import type { Store } from './index';

export interface ModelInfo {
  files: string[];
  dtypes: string[];
  /** Checkpoint tensors left out (task heads, buffers). */
  ignored: string[];
  /** Encoder parameters the checkpoint lacks, initialised fresh when a run starts from it. */
  missing: string[];
  notes: string[];
  /** Whether the checkpoint carries a masked-LM head (continued pre-training starts from it). */
  mlmHead: boolean;
}

export interface ModelRow {
  id: number;
  name: string;
  architecture: string;
  source: string;
  folder: string;
  vocabSize: number;
  maxLength: number;
  hidden: number;
  layers: number;
  heads: number;
  parameters: number;
  bytes: number;
  info: ModelInfo;
  createdAt: string;
}

interface RawModel {
  id: number; name: string; architecture: string; source: string; folder: string; vocab_size: number; max_length: number; hidden: number;
  layers: number; heads: number; parameters: number; bytes: number; info: string; created_at: string;
}

const toModel = (r: RawModel): ModelRow => ({
  id: r.id, name: r.name, architecture: r.architecture, source: r.source, folder: r.folder, vocabSize: r.vocab_size, maxLength: r.max_length,
  hidden: r.hidden, layers: r.layers, heads: r.heads, parameters: r.parameters, bytes: r.bytes, info: JSON.parse(r.info) as ModelInfo, createdAt: r.created_at,
});

export type NewModel = Omit<ModelRow, 'id' | 'createdAt' | 'folder'>;

export class ModelStore {
  private readonly db: Database.Database;
  private readonly s;

  constructor(store: Store) {
    this.db = store.db;
    this.s = {
      insert: this.db.prepare(`INSERT INTO models (name, architecture, source, folder, vocab_size, max_length, hidden, layers, heads, parameters, bytes, info, created_at)
        VALUES (@name, @architecture, @source, '', @vocabSize, @maxLength, @hidden, @layers, @heads, @parameters, @bytes, @info, @createdAt)`),
      setFolder: this.db.prepare('UPDATE models SET folder = ? WHERE id = ?'),
      get: this.db.prepare<[number], RawModel>('SELECT * FROM models WHERE id = ?'),
      byName: this.db.prepare<[string], RawModel>('SELECT * FROM models WHERE name = ? ORDER BY id'),
      list: this.db.prepare<[], RawModel>('SELECT * FROM models ORDER BY id DESC'),
      delete: this.db.prepare('DELETE FROM models WHERE id = ?'),
    };
  }

  /** Records a model whose files `place(id)` puts in place (returning their folder); nothing is recorded if it throws. */
  add(m: NewModel, place: (id: number) => string): ModelRow {
    return this.db.transaction(() => {
      const id = Number(this.s.insert.run({ ...m, info: JSON.stringify(m.info), createdAt: new Date().toISOString() }).lastInsertRowid);
      this.s.setFolder.run(place(id), id);
      return this.get(id);
    })();
  }

  get(id: number): ModelRow {
    const r = this.s.get.get(id);
    if (!r) throw new NotFoundError(`model ${id} does not exist`);
    return toModel(r);
  }

  /** By id (digits) or name; throws naming the candidates when a name is ambiguous or unknown. */
  find(ref: string): ModelRow {
    if (/^\d+$/.test(ref)) return this.get(Number(ref));
    const rows = this.s.byName.all(ref);
    if (rows.length === 1) return toModel(rows[0]!);
    if (rows.length > 1) throw new Error(`${rows.length} models are named '${ref}' (ids ${rows.map((r) => r.id).join(', ')}); use an id`);
    throw new NotFoundError(`no imported model with id or name '${ref}'`);
  }

  list(): ModelRow[] {
    return this.s.list.all().map(toModel);
  }

  delete(id: number): void {
    this.get(id);
    this.s.delete.run(id);
  }
}
