// datasets.upload*: a browser streams a dropped File in base64 chunks to a temp file under
// <dataDir>/uploads, then imports it under its original name; the temp file is always removed.
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, writeSync, closeSync, rmSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { groupFiles } from '../../data/grouping';
import { ChorusError } from '../error-codes';
import type { Handlers } from './types';
import type { CallContext } from './context';

interface Upload {
  name: string;
  size: number;
  path: string;
  fd: number;
  received: number;
}

const uploads = new Map<string, Upload>();

function take(uploadId: string, field: string): Upload {
  const u = uploads.get(uploadId);
  if (!u) throw new ChorusError('upload_not_in_progress', { field, uploadId });
  return u;
}

function discard(u: Upload): void {
  try {
    closeSync(u.fd);
  } catch {
    /* already closed */
  }
  rmSync(u.path, { force: true });
}

/** Discards and forgets the given uploads; answers how many were in progress. */
function discardIds(ids: Iterable<string>): number {
  let n = 0;
  for (const id of ids) {
    const u = uploads.get(id);
    if (!u) continue;
    discard(u);
    uploads.delete(id);
    n++;
  }
  return n;
}

/** Removes every unfinished upload (server shutdown). */
export function discardAllUploads(): void {
  discardIds([...uploads.keys()]);
}

function safeName(name: string): string {
  return name.replace(/[^\w.-]+/g, '_').slice(-100) || 'file';
}

type UploadCalls = 'datasets.uploadBegin' | 'datasets.uploadChunk' | 'datasets.uploadFinish' | 'datasets.uploadCancel';

export const uploadHandlers: Pick<Handlers, UploadCalls> = {
  'datasets.uploadBegin': ({ name, size }, ctx: CallContext) => {
    const dir = join(ctx.store.dataDir, 'uploads');
    mkdirSync(dir, { recursive: true });
    const uploadId = randomBytes(12).toString('hex');
    const path = join(dir, `${uploadId}-${safeName(name)}`);
    uploads.set(uploadId, { name, size, path, fd: openSync(path, 'w'), received: 0 });
    return { uploadId };
  },
  'datasets.uploadChunk': ({ uploadId, offset, data }) => {
    const u = take(uploadId, 'uploadId');
    if (offset !== u.received) throw new ChorusError('upload_offset_mismatch', { expected: u.received, got: offset });
    const buf = Buffer.from(data, 'base64');
    if (u.received + buf.length > u.size) throw new ChorusError('upload_exceeds_size', { size: u.size });
    writeSync(u.fd, buf);
    u.received += buf.length;
    return { received: u.received };
  },
  'datasets.uploadFinish': async ({ uploadIds, acceptBadRows }, ctx) => {
    const list = uploadIds.map((id) => take(id, 'uploadIds'));
    let cleanup = () => {};
    try {
      for (const u of list) {
        closeSync(u.fd);
        u.fd = -1;
        if (u.received !== u.size) throw new ChorusError('upload_incomplete', { name: u.name, received: u.received, size: u.size });
      }
      // A browser gives no folder, and the importer names a dataset after its folder when the file name is
      // only a split word and a number (train_5500.label). So each would-be dataset (the service's own
      // grouping) goes into a folder of its own named after its first file.
      const batchDir = join(ctx.store.dataDir, 'uploads', randomBytes(6).toString('hex'));
      cleanup = () => rmSync(batchDir, { recursive: true, force: true });
      const groups = groupFiles(
        list.map((u) => u.path),
        { displayNames: list.map((u) => u.name) },
      );
      groups.forEach((g, i) => {
        const dir = join(batchDir, String(i), safeName(g[0].file.replace(/\.[^.]*$/, '')));
        mkdirSync(dir, { recursive: true });
        for (const job of g) {
          const u = list.find((x) => resolve(x.path) === job.path)!;
          const moved = join(dir, `${randomBytes(4).toString('hex')}-${safeName(u.name)}`);
          renameSync(u.path, moved);
          u.path = moved;
        }
      });
      return await ctx.datasets.importFiles(
        list.map((u) => u.path),
        { acceptBadRows, displayNames: list.map((u) => u.name) },
        (p) => ctx.emit('import.progress', p),
      );
    } finally {
      discardIds(uploadIds);
      cleanup();
    }
  },
  'datasets.uploadCancel': ({ uploadIds }) => ({ cancelled: discardIds(uploadIds) }),
};
