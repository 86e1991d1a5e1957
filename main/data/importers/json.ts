// JSON arrays (streamed element by element), JSON Lines, and SQuAD JSON (streamed article by article).
import { ImportError, importIssue } from '../errors';
import type { CodedMessage } from '../error-catalog';
import { MAX_LINE_CHARS, readLines, readText } from './text';
import type { ParseContext, ParseItem } from './types';

interface Element {
  text: string;
  line: number;
  record?: number;
}

/**
 * Streams the elements of one array in a JSON document without parsing the rest: the top-level array
 * (`path` undefined) or the array under a top-level key (`path` = 'data' for SQuAD).
 */
async function* jsonElements(ctx: ParseContext, path?: string): AsyncGenerator<Element[]> {
  const { file } = ctx;
  const target = path === undefined ? 1 : 2; // depth inside the target array
  let depth = 0, inString = false, escape = false, line = 1, record = 0;
  let seenTop = false, inTarget = false, found = false;
  let capturing = false, parts: string[] = [], capStart = 0, capLine = 0, capLen = 0;
  let key = '', keyBuf: string[] | null = null, lastKey = '';
  let lastBytes = 0;
  for await (const { text, bytesRead } of readText(ctx.path, file, ctx.sniff, ctx.signal)) {
    if (bytesRead !== lastBytes) ctx.onBytes((lastBytes = bytesRead));
    const out: Element[] = [];
    capStart = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) line++;
      if (inString) {
        if (escape) escape = false;
        else if (c === 92) escape = true;
        else if (c === 34) {
          inString = false;
          if (keyBuf) (key = keyBuf.join('')), (keyBuf = null);
        } else if (keyBuf) keyBuf.push(text[i]);
        continue;
      }
      if (c === 32 || c === 10 || c === 13 || c === 9) continue;
      if (!seenTop) {
        seenTop = true;
        if (path === undefined && c !== 91) throw new ImportError(file, 'import_json_expected_array', {}, line);
        if (path !== undefined && c !== 123) throw new ImportError(file, 'import_json_expected_object', {}, line);
      }
      if (inTarget && depth === target && !capturing && c !== 44 && c !== 93) {
        capturing = true;
        capStart = i;
        capLine = line;
        capLen = 0;
        parts = [];
      }
      if (c === 34) {
        inString = true;
        if (path !== undefined && depth === 1) keyBuf = [];
      } else if (c === 58 && depth === 1) lastKey = key;
      else if (c === 123 || c === 91) {
        depth++;
        if (c === 91 && depth === target && (path === undefined || (depth === 2 && lastKey === path && !found))) {
          inTarget = found = true;
        }
      } else if (c === 125 || c === 93) {
        if (inTarget && depth === target && c === 93) {
          if (capturing) {
            parts.push(text.slice(capStart, i));
            out.push({ text: parts.join(''), line: capLine, record: ++record });
            capturing = false;
          }
          inTarget = false;
        }
        depth--;
        if (depth < 0) throw new ImportError(file, 'import_json_unexpected', { char: text[i] }, line);
        continue;
      } else if (c === 44 && inTarget && depth === target && capturing) {
        parts.push(text.slice(capStart, i));
        out.push({ text: parts.join(''), line: capLine, record: ++record });
        capturing = false;
      }
    }
    if (capturing) {
      parts.push(text.slice(capStart));
      capStart = 0;
      if ((capLen += text.length) > MAX_LINE_CHARS)
        throw new ImportError(file, 'import_json_record_too_long', { record: record + 1, limit: MAX_LINE_CHARS >> 20 }, capLine);
    }
    if (out.length) yield out;
  }
  if (!seenTop) throw new ImportError(file, 'import_json_empty');
  if (depth !== 0 || inString) throw new ImportError(file, 'import_json_truncated', {}, line);
  if (path !== undefined && !found) throw new ImportError(file, 'import_json_no_array', { key: path });
}

function parseElement(ctx: ParseContext, e: Element): ParseItem {
  let value: unknown;
  try {
    value = JSON.parse(e.text);
  } catch (err) {
    return { issue: importIssue({ file: ctx.file, line: e.line, record: e.record }, 'row_invalid_json', { detail: (err as Error).message }) };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { issue: importIssue({ file: ctx.file, line: e.line, record: e.record }, 'row_not_object', { found: describe(value) }) };
  return { data: value as Record<string, unknown>, line: e.line, record: e.record };
}

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`;
}

export async function* parseJsonArray(ctx: ParseContext): AsyncGenerator<ParseItem[]> {
  for await (const batch of jsonElements(ctx)) yield batch.map((e) => parseElement(ctx, e));
}

export async function* parseJsonl(ctx: ParseContext): AsyncGenerator<ParseItem[]> {
  for await (const batch of readLines(readText(ctx.path, ctx.file, ctx.sniff, ctx.signal), ctx.file)) {
    ctx.onBytes(batch.bytesRead);
    const out: ParseItem[] = [];
    batch.lines.forEach((text, i) => {
      if (text.trim() !== '') out.push(parseElement(ctx, { text, line: batch.first + i }));
    });
    if (out.length) yield out;
  }
}

/** SQuAD v1.1/v2 JSON: one row per question { id, title, question, context, answers: [{ text, answer_start }] }. */
export async function* parseSquad(ctx: ParseContext): AsyncGenerator<ParseItem[]> {
  const { file } = ctx;
  let q = 0;
  for await (const batch of jsonElements(ctx, 'data')) {
    const out: ParseItem[] = [];
    for (const e of batch) {
      let article: { title?: unknown; paragraphs?: unknown };
      try {
        article = JSON.parse(e.text);
      } catch (err) {
        out.push({ issue: importIssue({ file, line: e.line, record: e.record }, 'row_article_invalid_json', { article: e.record ?? 0, detail: (err as Error).message }) });
        continue;
      }
      if (!article || !Array.isArray(article.paragraphs)) {
        out.push({ issue: importIssue({ file, line: e.line, record: e.record }, 'row_article_no_paragraphs', { article: e.record ?? 0 }) });
        continue;
      }
      const title = typeof article.title === 'string' ? article.title : '';
      for (const p of article.paragraphs as { context?: unknown; qas?: unknown }[]) {
        const context = p?.context;
        const qas = Array.isArray(p?.qas) ? (p.qas as Record<string, unknown>[]) : [];
        for (const qa of qas) {
          q++;
          const where = { file, line: e.line, record: q };
          const id = String(qa?.id ?? q);
          if (typeof context !== 'string') {
            out.push({ issue: importIssue(where, 'row_question_no_context', { id }) });
            continue;
          }
          if (typeof qa?.question !== 'string') {
            out.push({ issue: importIssue(where, 'row_question_no_question', { id }) });
            continue;
          }
          const answers = Array.isArray(qa.answers) ? (qa.answers as { text?: unknown; answer_start?: unknown }[]) : [];
          const bad = answers.map((a) => checkAnswer(a, context)).find((r) => r !== undefined);
          if (bad) {
            out.push({ issue: importIssue(where, bad.code, { id, ...bad.params }) });
            continue;
          }
          out.push({
            data: {
              id,
              title,
              question: qa.question,
              context,
              answers: answers.map((a) => ({ text: a.text, answer_start: a.answer_start })),
              ...(qa.is_impossible !== undefined ? { is_impossible: Boolean(qa.is_impossible) } : {}),
            },
            line: e.line,
            record: q,
          });
        }
      }
    }
    if (out.length) yield out;
  }
}

/** What is wrong with an answer (its code and params, less the question id), or undefined. */
function checkAnswer(a: { text?: unknown; answer_start?: unknown }, context: string): CodedMessage | undefined {
  if (typeof a?.text !== 'string' || typeof a.answer_start !== 'number' || !Number.isInteger(a.answer_start))
    return { code: 'row_answer_fields', params: {} };
  const start = a.answer_start;
  // answer_start counts Unicode code points (as Python does), not UTF-16 units.
  const astral = /[\uD800-\uDBFF]/.test(context);
  const chars = astral ? Array.from(context) : undefined;
  const textLen = astral ? Array.from(a.text).length : a.text.length;
  const ctxLen = chars ? chars.length : context.length;
  if (start < 0 || start + textLen > ctxLen)
    return { code: 'row_answer_outside', params: { answer: clip(a.text), start, length: ctxLen } };
  const at = chars ? chars.slice(start, start + textLen).join('') : context.slice(start, start + textLen);
  if (at !== a.text) {
    const unit = context.indexOf(a.text);
    const found = chars && unit >= 0 ? Array.from(context.slice(0, unit)).length : unit;
    const answer = clip(a.text);
    return found >= 0 ? { code: 'row_answer_moved', params: { answer, start, found } } : { code: 'row_answer_missing', params: { answer, start } };
  }
  return undefined;
}

function clip(s: string): string {
  return s.length > 40 ? s.slice(0, 40) + '…' : s;
}
