// Small readers for ../shared/datasets and a shared small tokenizer for the training tests.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { WordPieceTokenizer } from '../../main/training/tokenizer';

export const DATASETS = resolve(import.meta.dirname, '../../../shared/datasets');
export const hasDatasets = existsSync(join(DATASETS, 'sst2/train.tsv'));

export function readSst(limit: number): { text: string; label: number }[] {
  const lines = readFileSync(join(DATASETS, 'sst2/train.tsv'), 'utf8').split('\n').slice(1).filter(Boolean);
  return lines.slice(0, limit).map((l) => {
    const i = l.lastIndexOf('\t');
    return { text: l.slice(0, i), label: Number(l.slice(i + 1)) };
  });
}

export function readConll(limit: number, file = 'train.txt'): { words: string[]; tags: string[] }[] {
  const out: { words: string[]; tags: string[] }[] = [];
  let words: string[] = [];
  let tags: string[] = [];
  const flush = (): void => {
    if (words.length) out.push({ words, tags });
    words = [];
    tags = [];
  };
  for (const raw of readFileSync(join(DATASETS, 'conll2003', file), 'utf8').split('\n')) {
    const l = raw.trim();
    if (!l) {
      flush();
      if (out.length >= limit) break;
      continue;
    }
    const cols = l.split(' ');
    if (cols[0] === '-DOCSTART-') {
      flush();
      continue;
    }
    words.push(cols[0]);
    tags.push(cols[cols.length - 1]);
  }
  flush();
  return out.slice(0, limit);
}

export function readTrec(): { raw: string; text: string }[] {
  return readFileSync(join(DATASETS, 'trec/train_5500.label'), 'latin1')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const sp = l.indexOf(' ');
      return { raw: l.slice(0, sp), text: l.slice(sp + 1).trim() };
    });
}

export interface SquadExample {
  id: string;
  question: string;
  context: string;
  answers: { text: string; answerStart: number }[];
}

export function readXquad(lang = 'en'): SquadExample[] {
  interface Raw {
    data: { paragraphs: { context: string; qas: { id: string; question: string; answers: { text: string; answer_start: number }[] }[] }[] }[];
  }
  const json = JSON.parse(readFileSync(join(DATASETS, `xquad/xquad.${lang}.json`), 'utf8')) as Raw;
  const out: SquadExample[] = [];
  for (const art of json.data)
    for (const p of art.paragraphs)
      for (const qa of p.qas)
        out.push({
          id: qa.id,
          question: qa.question,
          context: p.context,
          answers: qa.answers.map((a) => ({ text: a.text, answerStart: a.answer_start })),
        });
  return out;
}

let cached: WordPieceTokenizer | undefined;
/** A tokenizer trained on SST-2 + CoNLL + XQuAD-en text (vocab 8000). */
export function sharedTokenizer(): WordPieceTokenizer {
  if (!cached) {
    const texts = [
      ...readSst(20000).map((x) => x.text),
      ...readConll(5000).map((s) => s.words.join(' ')),
      ...[...new Set(readXquad().map((x) => x.context))],
    ];
    cached = WordPieceTokenizer.train(texts, { vocabSize: 8000 });
  }
  return cached;
}
