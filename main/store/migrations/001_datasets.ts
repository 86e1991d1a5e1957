// 001_datasets: imported datasets, the files they came from, and their examples.
// The SQL lives in a TS string so the migration works under tsx and when bundled by vite.
export const sql = /* sql */ `
CREATE TABLE datasets (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  format      TEXT NOT NULL,
  sha256      TEXT NOT NULL,
  row_count   INTEGER NOT NULL,
  splits      TEXT NOT NULL,  -- JSON { split: count }
  columns     TEXT NOT NULL,  -- JSON ColumnInfo[]
  suggestion  TEXT NOT NULL,  -- JSON TaskSuggestion
  created_at  TEXT NOT NULL
);

CREATE TABLE dataset_files (
  dataset_id  INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  name        TEXT NOT NULL,  -- base name shown to the user
  split       TEXT NOT NULL,
  sha256      TEXT NOT NULL,
  bytes       INTEGER NOT NULL,
  PRIMARY KEY (dataset_id, name)
);
CREATE INDEX dataset_files_sha256 ON dataset_files(sha256);

-- One row per example; data is the row as a JSON object, or (CSV/TSV) a JSON array of its values in the order of
-- datasets.columns. Appended in (dataset, split, idx) order.
CREATE TABLE examples (
  dataset_id  INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  split       TEXT NOT NULL,
  idx         INTEGER NOT NULL,
  data        TEXT NOT NULL,
  PRIMARY KEY (dataset_id, split, idx)
) WITHOUT ROWID;
`;
