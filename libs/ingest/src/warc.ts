import { WARCParser } from 'warcio';
import { INGEST_CODES } from './errors';
import { decodeHtml, htmlToText } from './html';
import { decodeUtf8, type ReadResult } from './records';

/** WARC record types that carry documents; others (request, metadata, warcinfo, revisit) are skipped and counted. */
export const WARC_DOCUMENT_TYPES = ['response', 'resource', 'conversion'] as const;

/** What callers pass to {@link readWarc}. */
export interface WarcOptions {
  /** Source name, for errors. */
  source: string;
  /** Largest record payload kept (default 64 MiB); larger ones are quarantined, never held whole. */
  maxRecordBytes?: number;
  /** Called for each record skipped on purpose, with the reason (`type:request`, `status:404`, `content:image/png`, ...). */
  onSkip?: (reason: string) => void;
}

/** HTML media types. */
const HTML = /^(text\/html|application\/xhtml\+xml)\b/i;
/** Plain text media types (WET conversion records are text/plain). */
const TEXT = /^text\/plain\b/i;

function mediaType(value: string | null | undefined): { type: string; charset: string | null } {
  const v = (value ?? '').trim();
  const type = (v.split(';')[0] ?? '').trim().toLowerCase();
  const m = /charset\s*=\s*["']?([\w.:-]+)/i.exec(v);
  return { type, charset: m?.[1]?.toLowerCase() ?? null };
}

/**
 * Reads WARC 1.0/1.1 records (with webrecorder's `warcio` parser) and turns
 * `response`, `resource` and `conversion` records into documents: HTML through
 * {@link htmlToText} (charset from the HTTP header, else the page), `text/plain`
 * (WET) as it is. The id is the WARC-Record-ID; url, date and content type are kept.
 * Records of other types, non-2xx responses and other content types are skipped
 * with a reason; oversized payloads are quarantined.
 *
 * @param bytes - the decompressed WARC bytes.
 * @param options - source name and limits.
 * @returns documents and bad records, in file order.
 * @example
 * ```ts
 * for await (const r of readWarc(decode(readFileChunks(p), { source: p }), { source: p })) if (r.ok) console.log(r.doc.url)
 * ```
 */
export async function* readWarc(bytes: AsyncIterable<Uint8Array>, options: WarcOptions): AsyncGenerator<ReadResult> {
  const max = options.maxRecordBytes ?? 64 * 1024 * 1024;
  const skip = options.onSkip ?? (() => undefined);
  const parser = new WARCParser(bytes);
  for await (const record of parser) {
    const type = record.warcType ?? 'unknown';
    if (!(WARC_DOCUMENT_TYPES as readonly string[]).includes(type)) {
      skip(`type:${type}`);
      continue;
    }
    const offset = parser.offset;
    const url = record.warcTargetURI ?? null;
    // crawler bookkeeping stored as resources (wget's arguments, logs) is not content
    if (url?.startsWith('metadata:') === true) {
      skip('uri:metadata');
      continue;
    }
    const http = record.httpHeaders;
    if (type === 'response' && http) {
      const status = Number(http.statusCode);
      if (!(status >= 200 && status < 300)) {
        skip(`status:${status}`);
        continue;
      }
    }
    const { type: media, charset } = mediaType(type === 'response' && http ? http.headers.get('content-type') : record.warcContentType);
    const isHtml = HTML.test(media);
    if (!isHtml && !TEXT.test(media)) {
      skip(`content:${media || 'none'}`);
      continue;
    }
    // read the payload, up to the limit
    const parts: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of record) {
      if (size + chunk.length <= max) parts.push(chunk);
      size += chunk.length;
    }
    const at = { source: options.source, offset };
    if (size > max) {
      yield {
        ok: false,
        bad: { ...at, code: INGEST_CODES.recordTooLarge, message: `WARC record ${record.warcHeader('WARC-Record-ID') ?? ''} is ${size} bytes, over the ${max}-byte record limit.`, raw: parts[0]?.subarray(0, 64 * 1024) ?? null },
      };
      continue;
    }
    const payload = Buffer.concat(parts);
    let text: string;
    const meta: Record<string, unknown> = { warc_type: type, warc_date: record.warcDate ?? null, content_type: media };
    if (isHtml) {
      const extracted = htmlToText(payload, { headerCharset: charset });
      text = extracted.text;
      meta['title'] = extracted.title;
      meta['charset'] = extracted.charset;
    } else {
      const decoded = charset === null || charset === 'utf-8' ? decodeUtf8(payload) : decodeHtml(payload, charset).html;
      if (decoded === null) {
        yield { ok: false, bad: { ...at, code: INGEST_CODES.invalidUtf8, message: `WARC record ${record.warcHeader('WARC-Record-ID') ?? ''} is not valid UTF-8.`, raw: payload.subarray(0, 64 * 1024) } };
        continue;
      }
      text = decoded.trim();
    }
    if (text === '') {
      skip('empty_text');
      continue;
    }
    const id = (record.warcHeader('WARC-Record-ID') ?? `${options.source}@${offset}`).replace(/^<|>$/g, '');
    yield { ok: true, doc: { id, text, url, meta: JSON.stringify(meta) } };
  }
}
