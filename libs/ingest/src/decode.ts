import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';
import { IngestError, INGEST_CODES } from './errors';

/** Compression of a byte stream, told by its first bytes. */
export type Compression = 'gzip' | 'zstd' | 'none';

/**
 * Tells the compression from magic bytes (never from the file name):
 * gzip `1f 8b`, zstd `28 b5 2f fd`, anything else is plain.
 *
 * @param head - the first bytes (at least 4 for zstd).
 * @returns the compression.
 * @example
 * ```ts
 * detectCompression(Uint8Array.of(0x1f, 0x8b, 8, 0)) // 'gzip'
 * ```
 */
export function detectCompression(head: Uint8Array): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

/** What callers pass to {@link decode}. */
export interface DecodeOptions {
  /** Name of the source, for errors. */
  source: string;
  /** Called with the compression once it is known. */
  onCompression?: (c: Compression) => void;
}

/**
 * Streams a file's bytes in chunks of up to 1 MiB.
 *
 * @param path - the file.
 * @returns its bytes.
 */
export async function* readFileChunks(path: string): AsyncGenerator<Uint8Array> {
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) yield chunk as Buffer;
}

/**
 * Decompresses a byte stream by its magic bytes: gzip (every member of a
 * multi-member file, as WARC.gz has one per record), zstd, or plain bytes
 * passed through. Pull-based: nothing is read ahead of the consumer beyond one chunk.
 *
 * @param chunks - the raw bytes.
 * @param options - source name for errors.
 * @returns the decompressed bytes.
 * @throws IngestError `INGEST_TRUNCATED_GZIP` / `INGEST_BAD_GZIP` / `INGEST_TRUNCATED_ZSTD` / `INGEST_BAD_ZSTD`
 *   with the compressed byte offset reached.
 */
export async function* decode(chunks: AsyncIterable<Uint8Array>, options: DecodeOptions): AsyncGenerator<Uint8Array> {
  const it = chunks[Symbol.asyncIterator]();
  let first = await it.next();
  // gather at least 4 bytes to see the magic
  let head: Uint8Array = first.done === true ? new Uint8Array(0) : first.value;
  while (head.length < 4 && first.done !== true) {
    first = await it.next();
    if (first.done !== true) head = concat(head, first.value);
  }
  const rest: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => ({
      next: () => (first.done === true ? Promise.resolve({ done: true as const, value: undefined }) : it.next()),
    }),
  };
  const compression = detectCompression(head);
  options.onCompression?.(compression);
  if (compression === 'none') {
    if (head.length > 0) yield head;
    yield* rest;
  } else if (compression === 'gzip') {
    yield* gunzip(head, rest, options.source);
  } else {
    yield* unzstd(head, rest, options.source);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

async function* gunzip(head: Uint8Array, rest: AsyncIterable<Uint8Array>, source: string): AsyncGenerator<Uint8Array> {
  let consumed = 0;
  async function* counted(): AsyncGenerator<Uint8Array> {
    consumed += head.length;
    yield head;
    for await (const chunk of rest) {
      consumed += chunk.length;
      yield chunk;
    }
  }
  // Node's gunzip reads every member of a concatenated (multi-member) stream
  const z = createGunzip({ chunkSize: 1 << 16 });
  const input = Readable.from(counted(), { objectMode: false, highWaterMark: 1 << 20 });
  input.on('error', (e) => z.destroy(e));
  input.pipe(z);
  try {
    for await (const chunk of z) yield chunk as Buffer;
  } catch (e) {
    const err = e as Error & { code?: string };
    const truncated = err.code === 'Z_BUF_ERROR' || /unexpected end/i.test(err.message);
    throw new IngestError(
      truncated ? INGEST_CODES.truncatedGzip : INGEST_CODES.badGzip,
      truncated ? `the gzip stream ends inside a member (${err.message}).` : `the gzip stream is corrupt (${err.message}).`,
      { file: source, offset: consumed, cause: err, hint: 'The file was cut short or damaged: fetch it again.' },
    );
  } finally {
    input.destroy();
  }
}

async function* unzstd(head: Uint8Array, rest: AsyncIterable<Uint8Array>, source: string): AsyncGenerator<Uint8Array> {
  const out: Uint8Array[] = [];
  const d = new Decompress((chunk) => out.push(chunk));
  let consumed = 0;
  const push = (chunk: Uint8Array, final: boolean) => {
    try {
      d.push(chunk, final);
    } catch (e) {
      const msg = (e as Error).message;
      const truncated = final && /unexpected EOF|end/i.test(msg);
      throw new IngestError(truncated ? INGEST_CODES.truncatedZstd : INGEST_CODES.badZstd, `the zstd stream is ${truncated ? 'cut short' : 'corrupt'} (${msg}).`, {
        file: source,
        offset: consumed,
        cause: e,
      });
    }
    consumed += chunk.length;
  };
  push(head, false);
  while (out.length > 0) yield out.shift()!;
  for await (const chunk of rest) {
    push(chunk, false);
    while (out.length > 0) yield out.shift()!;
  }
  push(new Uint8Array(0), true);
  while (out.length > 0) yield out.shift()!;
}
