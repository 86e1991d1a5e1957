// 002_runs: projects (saved run-config drafts), training runs with their metrics, evaluations, checkpoints and the
// predictions of their best checkpoint. Tensors live in files under <dataDir>/runs/<id>/; rows point at them.
export const sql = /* sql */ `
CREATE TABLE projects (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  config      TEXT NOT NULL,  -- JSON run-config draft
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);

CREATE TABLE runs (
  id            INTEGER PRIMARY KEY,
  project_id    INTEGER REFERENCES projects(id) ON DELETE SET NULL,
  parent_id     INTEGER REFERENCES runs(id) ON DELETE CASCADE,  -- a single-task baseline points at its run
  baseline_task TEXT,                                           -- the task a baseline trains alone
  name          TEXT NOT NULL,
  config        TEXT NOT NULL,  -- frozen JSON RunConfig (dataset references resolved to ids)
  status        TEXT NOT NULL CHECK (status IN ('queued','running','paused','stopped','completed','failed','diverged','interrupted')),
  step          INTEGER NOT NULL DEFAULT 0,
  total_steps   INTEGER,
  plan          TEXT,           -- JSON RunPlan, recorded when training starts
  summary       TEXT,           -- JSON final metrics per task
  error         TEXT,
  pid           INTEGER,
  created_at    TEXT NOT NULL,
  started_at    TEXT,
  updated_at    TEXT NOT NULL,
  finished_at   TEXT
);
CREATE INDEX runs_parent ON runs(parent_id);
CREATE INDEX runs_project ON runs(project_id);
CREATE INDEX runs_status ON runs(status);

CREATE TABLE run_metrics (
  run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  split   TEXT NOT NULL,  -- 'train' | 'validation'
  task    TEXT NOT NULL,  -- task name, '' for run-wide values (lr, loss, tokens_per_s, mean)
  name    TEXT NOT NULL,
  step    INTEGER NOT NULL,
  value   REAL NOT NULL,
  PRIMARY KEY (run_id, split, task, name, step)
) WITHOUT ROWID;

CREATE TABLE evaluations (
  run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step    INTEGER NOT NULL,
  task    TEXT NOT NULL,
  result  TEXT NOT NULL,  -- JSON: every metric, per-class values and the confusion matrix included
  PRIMARY KEY (run_id, step, task)
) WITHOUT ROWID;

CREATE TABLE checkpoints (
  run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step        INTEGER NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('periodic','best','final')),
  path        TEXT NOT NULL,  -- relative to the data folder
  metric      REAL,
  created_at  TEXT NOT NULL,
  PRIMARY KEY (run_id, kind, step)
);

CREATE TABLE predictions (
  run_id   INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  task     TEXT NOT NULL,
  example  INTEGER NOT NULL,  -- index in the task's validation set
  input    TEXT NOT NULL,     -- JSON
  gold     TEXT,              -- JSON
  output   TEXT NOT NULL,     -- JSON
  correct  INTEGER,           -- 1 / 0, NULL where not applicable
  PRIMARY KEY (run_id, task, example)
) WITHOUT ROWID;
`;
