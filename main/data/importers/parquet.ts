// Parquet through hyparquet, one row group at a time so memory stays bounded by the largest row group.
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, toJson } from 'hyparquet';
import { ImportError } from '../errors';
import type { ParseContext, ParseItem } from './types';

export async function* parseParquet(ctx: ParseContext): AsyncGenerator<ParseItem[]> {
  const { file } = ctx;
  const buf = await asyncBufferFromFile(ctx.path);
  let meta;
  try {
    meta = await parquetMetadataAsync(buf);
  } catch (err) {
    throw new ImportError(file, 'import_invalid_parquet', { detail: (err as Error).message });
  }
  let rowStart = 0;
  let record = 0;
  let bytes = 0;
  for (const rg of meta.row_groups) {
    ctx.signal?.throwIfAborted();
    const rowEnd = rowStart + Number(rg.num_rows);
    let rows: Record<string, unknown>[];
    try {
      rows = await parquetReadObjects({ file: buf, metadata: meta, rowStart, rowEnd });
    } catch (err) {
      throw new ImportError(file, 'import_parquet_row_group', { start: rowStart, end: rowEnd, detail: (err as Error).message }, undefined, rowStart + 1);
    }
    yield rows.map((row) => ({ data: toJson(row) as Record<string, unknown>, record: ++record }));
    bytes += Number(rg.total_byte_size);
    ctx.onBytes(Math.min(ctx.size, bytes));
    rowStart = rowEnd;
  }
}
