import { INGEST_CODES } from './errors';
import { decodeUtf8, firstInvalidUtf8, type ReadResult } from './records';

/** What callers pass to {@link readText}. */
export interface TextOptions {
  /** Source name: the document's id and errors use it. */
  source: string;
  /** Largest file kept as one document (default 64 MiB). */
  maxRecordBytes?: number;
}

/**
 * Reads a plain-text file as one document (id = source). A file over the
 * limit or not valid UTF-8 is a bad record; the bytes are never held beyond the limit.
 *
 * @param bytes - the (decompressed) bytes.
 * @param options - source and limit.
 * @returns one result.
 */
export async function* readText(bytes: AsyncIterable<Uint8Array>, options: TextOptions): AsyncGenerator<ReadResult> {
  const max = options.maxRecordBytes ?? 64 * 1024 * 1024;
  const pieces: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of bytes) {
    if (size + chunk.length <= max) pieces.push(chunk);
    else if (size < max) pieces.push(chunk.subarray(0, max - size));
    size += chunk.length;
  }
  const all = Buffer.concat(pieces);
  const at = { source: options.source, offset: 0, raw: all.subarray(0, 64 * 1024) };
  if (size > max) {
    yield { ok: false, bad: { ...at, code: INGEST_CODES.recordTooLarge, message: `the file is ${size} bytes, over the ${max}-byte record limit.` } };
    return;
  }
  const text = decodeUtf8(all);
  if (text === null) {
    const bad = firstInvalidUtf8(all);
    yield { ok: false, bad: { ...at, offset: bad, code: INGEST_CODES.invalidUtf8, message: `not valid UTF-8 (first bad byte at byte ${bad}).` } };
    return;
  }
  const trimmed = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').trim();
  if (trimmed === '') return;
  yield { ok: true, doc: { id: options.source, text: trimmed, url: null, meta: null } };
}
