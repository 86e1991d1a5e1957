// Byte source → decoded text chunks → lines, streaming, with the encoding checks every text importer shares.
import { isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';
import { ImportError } from '../errors';

export const CHUNK_BYTES = 256 << 10; // smaller batches keep less alive per garbage collection (faster, less memory)

export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | LegacyEncoding;
/** Encodings that cannot be told from the bytes: only read when the user names them (ImportOptions.encoding). */
export const LEGACY_ENCODINGS = ['gb18030', 'gbk', 'big5', 'shift_jis', 'euc-kr', 'windows-1252'] as const;
export type LegacyEncoding = (typeof LEGACY_ENCODINGS)[number];

export interface Sniff {
  /** The first bytes of the file (up to 64 KiB). */
  head: Buffer;
  encoding: Encoding;
  bomBytes: number;
  /** The head decoded (may end mid-line; may be cut mid-character for UTF-8). */
  text: string;
}

/**
 * Reads the head of a file, decides its encoding and refuses binary or non-UTF text. `declared` (the user's choice,
 * e.g. GB18030 for a Chinese spreadsheet export) is used as given; there is no guessing between legacy encodings.
 */
export async function sniff(path: string, file: string, size: number, declared?: LegacyEncoding): Promise<Sniff> {
  const fh = await open(path, 'r');
  let head: Buffer;
  try {
    const buf = Buffer.alloc(Math.min(size, 65536));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  if (head.length === 0) throw new ImportError(file, 'import_empty_file');
  let encoding: Encoding = 'utf-8';
  let bomBytes = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) bomBytes = 3;
  else if (head[0] === 0xff && head[1] === 0xfe) (encoding = 'utf-16le'), (bomBytes = 2);
  else if (head[0] === 0xfe && head[1] === 0xff) (encoding = 'utf-16be'), (bomBytes = 2);
  if (bomBytes === head.length && size === bomBytes) throw new ImportError(file, 'import_bom_only');
  if (declared && bomBytes === 0) {
    const text = new TextDecoder(declared).decode(head);
    return { head, encoding: declared, bomBytes: 0, text };
  }
  const parquet = head.subarray(0, 4).toString('latin1') === 'PAR1';
  if (encoding === 'utf-8' && !parquet) {
    const nul = head.indexOf(0);
    if (nul !== -1) {
      const sample = head.subarray(0, Math.min(head.length, 512));
      let evenNul = 0, oddNul = 0;
      for (let i = 0; i < sample.length; i++) if (sample[i] === 0) (i % 2 ? oddNul++ : evenNul++);
      if (sample.length >= 4 && (oddNul > sample.length / 4 || evenNul > sample.length / 4) && Math.min(oddNul, evenNul) === 0)
        throw new ImportError(file, 'import_utf16_without_bom');
      throw new ImportError(file, 'import_binary', { offset: nul }, lineAt(head, nul));
    }
  }
  const text =
    encoding === 'utf-8'
      ? head.subarray(bomBytes).toString('utf8')
      : new TextDecoder(encoding).decode(head.subarray(bomBytes, bomBytes + ((head.length - bomBytes) & ~1)));
  return { head, encoding, bomBytes, text };
}

function lineAt(buf: Buffer, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (buf[i] === 10) line++;
  return line;
}

/** Offset of the first byte that makes buf invalid UTF-8, or -1. An incomplete sequence at the very end counts as valid. */
export function firstInvalidUtf8(buf: Uint8Array): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i];
    if (b < 0x80) { i++; continue; }
    let n: number, min: number;
    if (b >= 0xc2 && b <= 0xdf) (n = 1), (min = 0x80);
    else if (b >= 0xe0 && b <= 0xef) (n = 2), (min = 0x800);
    else if (b >= 0xf0 && b <= 0xf4) (n = 3), (min = 0x10000);
    else return i;
    let cp = b & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const c = buf[i + k];
      if (c === undefined) return -1;
      if ((c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return -1;
}

export interface TextChunk {
  text: string;
  bytesRead: number;
}

/** Streams a file as decoded text chunks. Throws ImportError naming the line on invalid UTF-8 or a NUL byte. */
export async function* readText(path: string, file: string, s: Sniff, signal?: AbortSignal): AsyncGenerator<TextChunk> {
  const fh = await open(path, 'r');
  // Two buffers: the next chunk is read (on the thread pool) while this one is decoded and parsed.
  const bufs = [Buffer.alloc(CHUNK_BYTES), Buffer.alloc(CHUNK_BYTES)];
  let which = 0;
  let pos = s.bomBytes;
  let carry = Buffer.alloc(0);
  const utf16 = s.encoding !== 'utf-8' ? new TextDecoder(s.encoding, { fatal: true }) : undefined; // UTF-16 or a declared legacy encoding
  const readAt = (b: Buffer, at: number): Promise<{ bytesRead: number }> => {
    const p = fh.read(b, 0, b.length, at);
    p.catch(() => undefined); // awaited below; this only keeps an abandoned read from being an unhandled rejection
    return p;
  };
  let pending: Promise<{ bytesRead: number }> | undefined;
  try {
    pending = readAt(bufs[0], pos);
    for (;;) {
      signal?.throwIfAborted();
      const buf = bufs[which];
      const current: Promise<{ bytesRead: number }> = pending!;
      const bytesRead: number = (await current).bytesRead;
      const eof: boolean = bytesRead === 0;
      pos += bytesRead;
      which ^= 1;
      pending = eof ? undefined : readAt(bufs[which], pos);
      let piece = carry.length ? Buffer.concat([carry, buf.subarray(0, bytesRead)]) : buf.subarray(0, bytesRead);
      const pieceStart = pos - bytesRead - carry.length;
      let text: string;
      if (utf16) {
        try {
          text = utf16.decode(piece, { stream: !eof });
        } catch {
          throw new ImportError(file, 'import_invalid_encoding', { encoding: s.encoding.toUpperCase(), offset: pos - bytesRead });
        }
        carry = Buffer.alloc(0);
      } else {
        // Cut at the last complete character; the rest waits for the next chunk.
        let end = piece.length;
        if (!eof) {
          let k = end - 1, back = 0;
          while (k >= 0 && back < 3 && (piece[k] & 0xc0) === 0x80) k--, back++;
          if (k >= 0 && piece[k] >= 0xc0) {
            const need = piece[k] >= 0xf0 ? 4 : piece[k] >= 0xe0 ? 3 : 2;
            if (end - k < need) end = k;
          }
        }
        const valid = isUtf8(piece.subarray(0, end));
        const bad = valid ? -1 : firstInvalidUtf8(piece.subarray(0, end));
        const tailBad = !valid && bad === -1 && eof && firstInvalidUtf8(Buffer.concat([piece.subarray(0, end), Buffer.from([0x41])])) !== -1;
        if (bad !== -1 || tailBad) {
          const at = bad !== -1 ? bad : firstInvalidUtf8(Buffer.concat([piece.subarray(0, end), Buffer.from([0x41])]));
          const line = (await linesBefore(path, pieceStart)) + countByte(piece, 10, at);
          const params = { byte: piece[at].toString(16).padStart(2, '0'), offset: pieceStart + at };
          throw new ImportError(file, looksLikeGb(piece, at) ? 'import_not_utf8_gbk' : 'import_not_utf8', params, line);
        }
        text = piece.toString('utf8', 0, end);
        carry = Buffer.from(piece.subarray(end));
        const nul = piece.subarray(0, end).indexOf(0);
        if (nul !== -1) throw new ImportError(file, 'import_nul_in_text', {}, (await linesBefore(path, pieceStart)) + countByte(piece, 10, nul));
        piece = piece.subarray(0, 0);
      }
      if (text) yield { text, bytesRead: pos };
      if (eof) return;
    }
  } finally {
    await pending?.catch(() => undefined);
    await fh.close();
  }
}

/** Whether the bytes from `at` look like GBK/GB18030 double-byte characters (lead 0x81–0xFE, trail 0x40–0xFE). */
function looksLikeGb(buf: Uint8Array, at: number): boolean {
  let pairs = 0;
  for (let i = at; i + 1 < buf.length && i < at + 64; ) {
    const b = buf[i]!;
    if (b < 0x80) { i++; continue; }
    if (b < 0x81 || b > 0xfe || buf[i + 1]! < 0x40 || buf[i + 1]! > 0xfe || buf[i + 1] === 0x7f) return false;
    pairs++;
    i += 2;
  }
  return pairs >= 2;
}

/** 1 + the number of newlines in the file before byte offset end. */
async function linesBefore(path: string, end: number): Promise<number> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(CHUNK_BYTES);
    let n = 1;
    for (let pos = 0; pos < end; ) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, end - pos), pos);
      if (!bytesRead) break;
      n += countByte(buf, 10, bytesRead);
      pos += bytesRead;
    }
    return n;
  } finally {
    await fh.close();
  }
}

function countByte(buf: Uint8Array, byte: number, end: number): number {
  let n = 0;
  for (let i = 0; i < end; i++) if (buf[i] === byte) n++;
  return n;
}

export interface LineBatch {
  lines: string[];
  /** 1-based number of lines[0]. */
  first: number;
  bytesRead: number;
}

/** The longest line (or JSON element) an importer accepts; longer ones would only exhaust memory. */
export const MAX_LINE_CHARS = 64 << 20;

/** Splits decoded text into lines (LF or CRLF), one batch per chunk, keeping line numbers. The last line may lack a newline. */
export async function* readLines(chunks: AsyncIterable<TextChunk>, file = ''): AsyncGenerator<LineBatch> {
  let rest: string[] = [];
  let restLen = 0;
  let next = 1;
  let bytesRead = 0;
  for await (const c of chunks) {
    bytesRead = c.bytesRead;
    if (c.text.indexOf('\n') === -1) {
      // No line ends here: keep the pieces (joining them on every chunk would be quadratic).
      rest.push(c.text);
      restLen += c.text.length;
      if (restLen > MAX_LINE_CHARS) throw new ImportError(file, 'import_line_too_long', { limit: MAX_LINE_CHARS >> 20 }, next);
      continue;
    }
    const text = rest.length ? rest.join('') + c.text : c.text;
    const lines = text.split('\n');
    const last = lines.pop()!;
    rest = last ? [last] : [];
    restLen = last.length;
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i];
      if (l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
    }
    if (lines.length) yield { lines, first: next, bytesRead };
    next += lines.length;
  }
  const tail = rest.join('');
  if (tail) yield { lines: [tail.endsWith('\r') ? tail.slice(0, -1) : tail], first: next, bytesRead };
}
