import { setTimeout as sleep } from 'node:timers/promises';
import { IngestError } from './errors';

/** What callers pass to {@link readUrlChunks}. */
export interface HttpOptions {
  /** Tries after the first one, for dropped connections and 5xx / 429 answers (default 5). */
  retries?: number;
  /** First wait between tries in ms, doubled each time (default 250). */
  backoffMs?: number;
  signal?: AbortSignal;
}

/** What a HEAD request tells about a URL. */
export interface UrlInfo {
  size: number | null;
  /** ETag or Last-Modified: what identifies this version of the content. */
  version: string | null;
}

const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

/**
 * Asks a URL's size and version (ETag or Last-Modified) with a HEAD request.
 *
 * @param url - the URL.
 * @returns size (null when not given) and version.
 * @throws IngestError `INGEST_HTTP_STATUS` for an answer other than 2xx.
 */
export async function headUrl(url: string, options: HttpOptions = {}): Promise<UrlInfo> {
  const res = await fetchWithRetries(url, { method: 'HEAD' }, options, 0);
  const length = res.headers.get('content-length');
  return { size: length === null ? null : Number(length), version: res.headers.get('etag') ?? res.headers.get('last-modified') };
}

async function fetchWithRetries(url: string, init: RequestInit, options: HttpOptions, offset: number): Promise<Response> {
  const retries = options.retries ?? 5;
  const backoff = options.backoffMs ?? 250;
  let lastError: unknown;
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) await sleep(backoff * 2 ** (attempt - 1), undefined, { signal: options.signal });
    try {
      const res = await fetch(url, { ...init, ...(options.signal === undefined ? {} : { signal: options.signal }) });
      if (res.ok) return res;
      await res.body?.cancel();
      if (!RETRYABLE_STATUS.has(res.status)) {
        throw new IngestError('INGEST_HTTP_STATUS', `the server answered ${res.status} ${res.statusText}.`, {
          file: url,
          offset,
          hint: res.status === 404 ? 'Check the URL (and the base URL of a path list).' : undefined,
        });
      }
      lastError = new Error(`HTTP ${res.status}`);
    } catch (e) {
      if (e instanceof IngestError || options.signal?.aborted === true) throw e;
      lastError = e;
    }
  }
  throw new IngestError('INGEST_HTTP_FAILED', `no answer after ${retries + 1} tries (${errorText(lastError)}).`, { file: url, offset, cause: lastError });
}

function errorText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = (e as Error & { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? e.message;
}

/**
 * Streams a URL's bytes. A connection dropped midway is resumed where it
 * stopped with a `Range` request (checked with `If-Range` against the ETag or
 * Last-Modified of the first answer, so a changed file is not spliced); a
 * server that ignores ranges is read from the start with the bytes already
 * passed on skipped. Retries use exponential backoff.
 *
 * @param url - an http(s) URL.
 * @param options - retries, backoff and abort signal.
 * @returns the body, chunk by chunk, as the consumer pulls.
 * @throws IngestError `INGEST_HTTP_STATUS` (4xx, not retried) or `INGEST_HTTP_FAILED` (retries spent), with the byte offset reached.
 * @example
 * ```ts
 * for await (const chunk of readUrlChunks('http://127.0.0.1:8080/crawl.warc.gz')) total += chunk.length
 * ```
 */
export async function* readUrlChunks(url: string, options: HttpOptions = {}): AsyncGenerator<Uint8Array> {
  const retries = options.retries ?? 5;
  const backoff = options.backoffMs ?? 250;
  let offset = 0;
  let version: string | null = null;
  let drops = 0;
  for (;;) {
    const headers: Record<string, string> = {};
    if (offset > 0) {
      headers['range'] = `bytes=${offset}-`;
      if (version !== null) headers['if-range'] = version;
    }
    const res = await fetchWithRetries(url, { headers }, options, offset);
    version ??= res.headers.get('etag') ?? res.headers.get('last-modified');
    // 200 to a range request: the server sent the whole body again; skip what we have
    let skip = offset > 0 && res.status === 200 ? offset : 0;
    if (res.status === 206) {
      const start = Number(/bytes (\d+)-/.exec(res.headers.get('content-range') ?? '')?.[1] ?? NaN);
      if (start !== offset) {
        await res.body?.cancel();
        throw new IngestError('INGEST_HTTP_FAILED', `asked for bytes from ${offset}, got a range starting at ${start}.`, { file: url, offset });
      }
    }
    if (res.body === null) return;
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        let part = chunk;
        if (skip > 0) {
          const n = Math.min(skip, part.length);
          part = part.subarray(n);
          skip -= n;
          if (part.length === 0) continue;
        }
        offset += part.length;
        yield part;
      }
      return;
    } catch (e) {
      if (options.signal?.aborted === true) throw e;
      drops++;
      if (drops > retries) {
        throw new IngestError('INGEST_HTTP_FAILED', `the connection dropped ${drops} times (${errorText(e)}).`, { file: url, offset, cause: e });
      }
      await sleep(backoff * 2 ** (drops - 1), undefined, { signal: options.signal });
    }
  }
}
