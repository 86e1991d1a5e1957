// Sequence packing for masked-LM pre-training: the corpus's tokenized texts are laid into rows of the model's length,
// several short texts to a row with a separator between two, so that short texts (review phrases, tweets) cost
// little padding, and a text longer than a row is read whole over several rows instead of being truncated. Every
// row starts at the start of a text (a long text's continuation rows at a cut), as fine-tuning inputs do; unlike
// RoBERTa's FULL-SENTENCES, a text that does not fit the rest of a row opens the next row (the rest is padding).

/**
 * Rows of at most `rowLength` ids holding the texts `docs` in order, `separator` between two texts in a row: a
 * text goes on the current row when it fits, else it opens a new row; a text longer than a row fills rows of its
 * own, its last piece opening a row that later texts may join. Empty texts are skipped.
 */
export function packTokenStreams(docs: readonly (readonly number[])[], rowLength: number, separator: number): number[][] {
  if (!Number.isInteger(rowLength) || rowLength < 1) throw new Error(`packing: row length must be a positive integer, not ${rowLength}`);
  const rows: number[][] = [];
  let row: number[] = [];
  const flush = () => {
    if (row.length > 0) rows.push(row);
    row = [];
  };
  for (const doc of docs) {
    if (doc.length === 0) continue;
    if (row.length > 0 && row.length + 1 + doc.length <= rowLength) {
      row.push(separator, ...doc);
      continue;
    }
    flush();
    let at = 0;
    for (; doc.length - at > rowLength; at += rowLength) rows.push(doc.slice(at, at + rowLength));
    row = doc.slice(at);
  }
  flush();
  return rows;
}
