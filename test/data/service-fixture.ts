// Shared setup for data tests: a temporary directory holding a fresh store and a DatasetService over it.
import { before, after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../main/store/index';
import { DatasetService } from '../../main/data/dataset-service';

export interface ServiceFixture {
  dir: string;
  store: Store;
  svc: DatasetService;
}

/** Registers before/after hooks; the returned object is filled in by `before` and cleaned up by `after`. */
export function useServiceFixture(prefix: string, dbPath = 'chorus.db'): ServiceFixture {
  const fx = {} as ServiceFixture;
  before(() => {
    fx.dir = mkdtempSync(join(tmpdir(), prefix));
    fx.store = openStore(join(fx.dir, dbPath));
    fx.svc = new DatasetService(fx.store);
  });
  after(() => {
    fx.store.close();
    rmSync(fx.dir, { recursive: true, force: true });
  });
  return fx;
}
