// A deterministic WordPiece vocabulary trainer: the algorithm of Hugging Face's WordPieceTrainer (BPE merges over
// pre-tokenized words, continuing pieces prefixed with "##"), with ties broken by the merged piece's text instead of
// hash-map order — the npm `tokenizers` trainer returns a different vocabulary on every call, which would make two
// runs with the same config and seed train different models.

/** A binary max-heap of [count, piece, pair key] with lazy invalidation. */
class PairHeap {
  private readonly items: { count: number; text: string; key: number }[] = [];
  private better(a: { count: number; text: string }, b: { count: number; text: string }): boolean {
    return a.count > b.count || (a.count === b.count && a.text < b.text);
  }
  push(x: { count: number; text: string; key: number }): void {
    const h = this.items;
    h.push(x);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.better(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  pop(): { count: number; text: string; key: number } | undefined {
    const h = this.items;
    if (!h.length) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < h.length && this.better(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.better(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

const PREFIX = '##';
const SHIFT = 2 ** 21; // pair key = a * SHIFT + b (fewer than 2^21 pieces)

/**
 * Learns up to `size` pieces from word frequencies: every character (and its "##" form) first, most frequent first,
 * then merges of the most frequent adjacent pair until `size` pieces exist or no pair is left.
 */
export function trainWordPieces(wordCounts: Map<string, number>, size: number): string[] {
  const pieces: string[] = [];
  const idOf = new Map<string, number>();
  const add = (p: string): number => {
    let id = idOf.get(p);
    if (id === undefined) { id = pieces.length; pieces.push(p); idOf.set(p, id); }
    return id;
  };
  // initial alphabet, most frequent first (ties by text), word-initial characters before continuing ones
  const initial = new Map<string, number>(), continuing = new Map<string, number>();
  const words = [...wordCounts.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const [w, n] of words) {
    const chars = [...w];
    chars.forEach((c, i) => { const m = i === 0 ? initial : continuing; m.set(c, (m.get(c) ?? 0) + n); });
  }
  const byFreq = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([c]) => c);
  for (const c of byFreq(initial)) add(c);
  for (const c of byFreq(continuing)) add(PREFIX + c);
  if (pieces.length >= size) return pieces.slice(0, size);

  const symbols = words.map(([w]) => [...w].map((c, i) => idOf.get(i === 0 ? c : PREFIX + c)!));
  const counts = words.map(([, n]) => n);
  const pairCount = new Map<number, number>();
  const where = new Map<number, Set<number>>();
  const merged = (key: number) => pieces[Math.floor(key / SHIFT)]! + pieces[key % SHIFT]!.slice(PREFIX.length * Number(pieces[key % SHIFT]!.startsWith(PREFIX)));
  const bump = (key: number, by: number, word: number) => {
    pairCount.set(key, (pairCount.get(key) ?? 0) + by);
    if (by > 0) { let s = where.get(key); if (!s) where.set(key, (s = new Set())); s.add(word); }
  };
  symbols.forEach((s, w) => { for (let i = 0; i + 1 < s.length; i++) bump(s[i]! * SHIFT + s[i + 1]!, counts[w]!, w); });
  const heap = new PairHeap();
  for (const [key, count] of pairCount) heap.push({ count, text: merged(key), key });

  while (pieces.length < size) {
    const top = heap.pop();
    if (!top) break;
    const current = pairCount.get(top.key) ?? 0;
    if (current <= 0) continue;
    if (current !== top.count) { heap.push({ count: current, text: top.text, key: top.key }); continue; } // stale
    const a = Math.floor(top.key / SHIFT), b = top.key % SHIFT;
    const id = add(top.text);
    const touched = new Set<number>();
    for (const w of where.get(top.key) ?? []) {
      const s = symbols[w]!, n = counts[w]!;
      let changed = false;
      for (let i = 0; i + 1 < s.length; i++) {
        if (s[i] !== a || s[i + 1] !== b) continue;
        if (i > 0) { bump(s[i - 1]! * SHIFT + a, -n, w); bump(s[i - 1]! * SHIFT + id, n, w); touched.add(s[i - 1]! * SHIFT + id); }
        if (i + 2 < s.length) { bump(b * SHIFT + s[i + 2]!, -n, w); bump(id * SHIFT + s[i + 2]!, n, w); touched.add(id * SHIFT + s[i + 2]!); }
        bump(top.key, -n, w);
        s.splice(i, 2, id);
        changed = true;
      }
      if (changed) for (let i = 0; i + 1 < s.length; i++) touched.add(s[i]! * SHIFT + s[i + 1]!);
    }
    where.delete(top.key);
    pairCount.delete(top.key);
    for (const key of touched) {
      const c = pairCount.get(key) ?? 0;
      if (c > 0) heap.push({ count: c, text: merged(key), key });
    }
  }
  return pieces;
}
