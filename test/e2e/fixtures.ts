// Slices of the shared datasets, small enough for an e2e run to train on in seconds.

/** The first `sentences` sentences of a CoNLL file (blank-line separated). */
export function conllHead(text: string, sentences: number): string {
  const lines = text.split('\n');
  let blanks = 0;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() === '' && ++blanks > sentences) return lines.slice(0, i).join('\n') + '\n';
  }
  return text;
}
