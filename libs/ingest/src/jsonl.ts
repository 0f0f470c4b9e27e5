import { INGEST_CODES } from './errors';
import { splitLines } from './lines';
import { decodeUtf8, firstInvalidUtf8, type ReadResult } from './records';

/** What callers pass to {@link readJsonl}. */
export interface JsonlOptions {
  /** Source name: errors and default ids use it. */
  source: string;
  /** Field holding the text (default `text`); dotted paths reach into objects (`content.text`). */
  textField?: string;
  /** Field holding the id (default `id`); without one, the id is `<source>#L<line>`. */
  idField?: string;
  /** Field holding the URL (default `url`). */
  urlField?: string;
  /** Longest record in bytes (default 64 MiB); longer ones are quarantined without being held in memory. */
  maxRecordBytes?: number;
}

function pick(obj: Record<string, unknown>, path: string): unknown {
  let v: unknown = obj;
  for (const key of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function omit(obj: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (!keys.includes(k)) out[k] = v;
  return out;
}

/**
 * Reads JSON Lines: one object per line. Blank lines are skipped; a line that
 * is not valid UTF-8, not JSON, not an object, lacks the text field, or is over
 * the size limit is yielded as a bad record naming the line and byte offset.
 *
 * @param bytes - the (decompressed) bytes.
 * @param options - field names and limits.
 * @returns documents and bad records, in order.
 * @example
 * ```ts
 * for await (const r of readJsonl(decode(readFileChunks(p), { source: p }), { source: p, textField: 'content' })) { ... }
 * ```
 */
export async function* readJsonl(bytes: AsyncIterable<Uint8Array>, options: JsonlOptions): AsyncGenerator<ReadResult> {
  const textField = options.textField ?? 'text';
  const idField = options.idField ?? 'id';
  const urlField = options.urlField ?? 'url';
  const max = options.maxRecordBytes ?? 64 * 1024 * 1024;
  const source = options.source;
  for await (const l of splitLines(bytes, { maxLineBytes: max })) {
    const at = { source, line: l.line, offset: l.offset, raw: l.bytes };
    if (l.tooLong) {
      yield { ok: false, bad: { ...at, code: INGEST_CODES.recordTooLarge, message: `line ${l.line} is ${l.size} bytes, over the ${max}-byte record limit.` } };
      continue;
    }
    if (l.size === 0 || isBlank(l.bytes)) continue;
    const text = decodeUtf8(l.bytes);
    if (text === null) {
      const bad = firstInvalidUtf8(l.bytes);
      yield {
        ok: false,
        bad: { ...at, offset: l.offset + Math.max(bad, 0), code: INGEST_CODES.invalidUtf8, message: `line ${l.line} is not valid UTF-8 (first bad byte at column ${bad + 1}).` },
      };
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      yield { ok: false, bad: { ...at, code: INGEST_CODES.badJson, message: `line ${l.line} is not JSON: ${(e as Error).message}.` } };
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      yield { ok: false, bad: { ...at, code: INGEST_CODES.badJson, message: `line ${l.line} is JSON but not an object.` } };
      continue;
    }
    const obj = value as Record<string, unknown>;
    const body = pick(obj, textField);
    if (typeof body !== 'string') {
      const what = body === undefined ? 'has no' : `has a ${body === null ? 'null' : typeof body}`;
      yield { ok: false, bad: { ...at, code: INGEST_CODES.missingField, message: `line ${l.line} ${what} "${textField}" text field.` } };
      continue;
    }
    const rawId = pick(obj, idField);
    const rawUrl = pick(obj, urlField);
    const rest = omit(obj, [textField, idField, urlField]);
    yield {
      ok: true,
      doc: {
        id: typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : `${source}#L${l.line}`,
        text: body,
        url: typeof rawUrl === 'string' ? rawUrl : null,
        meta: Object.keys(rest).length === 0 ? null : JSON.stringify(rest),
      },
    };
  }
}

function isBlank(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 32 && b !== 9 && b !== 13) return false;
  return true;
}
