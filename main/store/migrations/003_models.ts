// 003_models: pre-trained checkpoints imported from local Hugging Face folders (the Models list). The weights and
// tokenizer files are copied under <dataDir>/models/<id>/; a row points at that copy and describes it.
export const sql = /* sql */ `
CREATE TABLE models (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL,
  architecture  TEXT NOT NULL,  -- bert, distilbert, roberta, electra
  source        TEXT NOT NULL,  -- the folder it was imported from
  folder        TEXT NOT NULL,  -- the copy Chorus reads
  vocab_size    INTEGER NOT NULL,
  max_length    INTEGER NOT NULL,
  hidden        INTEGER NOT NULL,
  layers        INTEGER NOT NULL,
  heads         INTEGER NOT NULL,
  parameters    INTEGER NOT NULL,
  bytes         INTEGER NOT NULL,
  info          TEXT NOT NULL,  -- JSON: files, dtypes, ignored and missing tensors, notes, masked-LM head present
  created_at    TEXT NOT NULL
);
`;
