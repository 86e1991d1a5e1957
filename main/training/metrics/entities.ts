// Entity-level precision / recall / F1 for tag sequences, computed exactly like conlleval (and seqeval's default,
// non-strict mode). `entityChunks` is a line-for-line port of the project's Python reference:
//
//   def split_tag(t):
//       return ("O", "") if t == "O" else (t[0], t[2:])
//   def chunks(tags):
//       out, start, prev_tag, prev_type = [], None, "O", ""
//       for i, t in enumerate(list(tags) + ["O"]):
//           tag, typ = split_tag(t)
//           end = (prev_tag in "BI" and tag in "BO") or (prev_tag == "I" and tag == "B") or \
//                 (prev_tag != "O" and prev_type != typ)
//           begin = (tag == "B") or (prev_tag == "O" and tag == "I") or (tag != "O" and prev_type != typ)
//           if end and start is not None:
//               out.append((start, i, prev_type)); start = None
//           if begin:
//               start = i
//           prev_tag, prev_type = tag, typ
//       return set(out)
//
// The same rules read IOB1 (`I-PER I-PER B-PER` is two entities) and BIO/IOB2. Any other prefix is taken as its first
// character, as the reference does: `E-X` and `S-X` are neither B nor I, so they only start an entity on a type
// change. Python's `in "BI"` is a substring test; tags here are one character or "O", so it means "B" or "I".
// A sentence boundary ends every open entity, so scoring sentence by sentence equals scoring the concatenation with
// an "O" between sentences (what conlleval and seqeval do). Precision, recall and F1 are micro-averaged over all
// types; a division by zero gives 0.
import { prf } from './classification';

export interface EntityChunk {
  /** Index of the first token. */
  start: number;
  /** Index one past the last token. */
  end: number;
  type: string;
}

export interface EntityTypeMetrics {
  type: string;
  precision: number;
  recall: number;
  f1: number;
  /** Number of gold entities of this type. */
  support: number;
}

export interface EntityMetrics {
  precision: number;
  recall: number;
  f1: number;
  /** One entry per type seen in gold or predictions, sorted by type name. */
  perType: EntityTypeMetrics[];
  /** Number of gold entities. */
  gold: number;
  /** Number of predicted entities. */
  pred: number;
  /** Number of predicted entities that match a gold entity exactly (start, end and type). */
  tp: number;
}

/** ("O", "") for "O", else (first character, everything after the second character). */
function splitTag(t: string, i: number): [string, string] {
  if (t === 'O') return ['O', ''];
  const chars = Array.from(t); // code points, like Python's t[0] and t[2:]
  if (chars.length === 0) throw new Error(`entityChunks: tag ${i} is empty (use "O" for outside)`);
  return [chars[0], chars.slice(2).join('')];
}

/** Entities in one sentence's tags, in order of their start. */
export function entityChunks(tags: readonly string[]): EntityChunk[] {
  const out: EntityChunk[] = [];
  let start: number | null = null;
  let prevTag = 'O';
  let prevType = '';
  for (let i = 0; i <= tags.length; i++) {
    const [tag, type] = i < tags.length ? splitTag(tags[i], i) : ['O', ''];
    const end =
      ((prevTag === 'B' || prevTag === 'I') && (tag === 'B' || tag === 'O')) ||
      (prevTag === 'I' && tag === 'B') ||
      (prevTag !== 'O' && prevType !== type);
    const begin = tag === 'B' || (prevTag === 'O' && tag === 'I') || (tag !== 'O' && prevType !== type);
    if (end && start !== null) {
      out.push({ start, end: i, type: prevType });
      start = null;
    }
    if (begin) start = i;
    prevTag = tag;
    prevType = type;
  }
  return out;
}

interface Counts {
  gold: number;
  pred: number;
  tp: number;
}

/** `gold[s]` and `pred[s]` are the tags of sentence s; they must have the same length. */
export function entityMetrics(gold: readonly (readonly string[])[], pred: readonly (readonly string[])[]): EntityMetrics {
  if (gold.length !== pred.length) {
    throw new Error(`entityMetrics: gold has ${gold.length} sentences but pred has ${pred.length}`);
  }
  const byType = new Map<string, Counts>();
  const counts = (type: string): Counts => {
    let c = byType.get(type);
    if (!c) byType.set(type, (c = { gold: 0, pred: 0, tp: 0 }));
    return c;
  };
  const total: Counts = { gold: 0, pred: 0, tp: 0 };
  for (let s = 0; s < gold.length; s++) {
    if (gold[s].length !== pred[s].length) {
      throw new Error(`entityMetrics: sentence ${s} has ${gold[s].length} gold tags but ${pred[s].length} predicted`);
    }
    let g: EntityChunk[];
    let p: EntityChunk[];
    try {
      g = entityChunks(gold[s]);
      p = entityChunks(pred[s]);
    } catch (e) {
      throw new Error(`entityMetrics: sentence ${s}: ${(e as Error).message}`);
    }
    const key = (c: EntityChunk): string => `${c.start}\u0000${c.end}\u0000${c.type}`;
    const goldKeys = new Set(g.map(key));
    for (const c of g) counts(c.type).gold++;
    for (const c of p) {
      const t = counts(c.type);
      t.pred++;
      if (goldKeys.has(key(c))) {
        t.tp++;
        total.tp++;
      }
    }
    total.gold += g.length;
    total.pred += p.length;
  }
  const perType = [...byType.keys()]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((type) => {
      const c = byType.get(type)!;
      return { type, ...prf(c.tp, c.pred, c.gold), support: c.gold };
    });
  return { ...prf(total.tp, total.pred, total.gold), perType, ...total };
}
