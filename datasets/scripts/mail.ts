/**
 * Small RFC 822 / MIME helpers that turn a raw mail message into readable
 * text: header unfolding, RFC 2047 encoded words, quoted-printable and base64
 * transfer encodings, charsets, multipart bodies and an HTML-to-text fallback.
 * Enough for the SpamAssassin corpus; not a general mail library.
 *
 * Until a part's charset is known its bytes are handled as a "binary string"
 * (one char per byte, as `Buffer#toString('latin1')` gives), so splitting and
 * regular expressions never damage multi-byte text.
 */
import { TextDecoder } from 'node:util';

/** Header fields by lower-cased name; the first occurrence of a name wins; values unfolded, not RFC 2047-decoded. */
export type MailHeaders = Map<string, string>;

/** A parsed `Content-Type`: lower-cased `type/subtype` and parameters by lower-cased name. */
export interface ContentType {
  type: string;
  params: Map<string, string>;
}

/** What {@link parseMail} returns. */
export interface ParsedMail {
  /** The top-level header fields. */
  headers: MailHeaders;
  /** `Subject` with encoded words decoded, or null when absent. */
  subject: string | null;
  /** `From` with encoded words decoded, or null when absent. */
  from: string | null;
  /** `Date` as written, or null when absent. */
  date: string | null;
  /** `Message-ID` without its angle brackets, or null when absent. */
  messageId: string | null;
  /** Content types of the leaf parts, in message order (`['text/plain']` for a simple mail). */
  parts: string[];
  /** The readable body (see {@link parseMail}), LF line ends, trimmed; empty when there is none. */
  text: string;
}

/** Where a part's text came from; `none` for parts without readable text (images, signatures, attachments). */
type TextKind = 'plain' | 'html' | 'none';

interface PartText {
  kind: TextKind;
  text: string;
}

/** Multipart nesting deeper than this is read as opaque (malformed or hostile input). */
const MAX_DEPTH = 16;

function toBinary(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

function fromBinary(binary: string): Uint8Array {
  return Buffer.from(binary, 'latin1');
}

/**
 * Converts CRLF (and stray CR) line ends to LF.
 *
 * @param s - any text.
 * @returns the text with LF line ends only.
 */
export function normalizeNewlines(s: string): string {
  return s.replace(/\r\n?/g, '\n');
}

/** windows-1252 bytes 0x80..0x9F (WHATWG index); the other bytes are the same code points as latin1. */
const CP1252_C1 =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/**
 * Decodes windows-1252 (what WHATWG calls latin1, iso-8859-1 and us-ascii).
 * Done by hand because Node 20.18.3+ `TextDecoder` reads 0x80..0x9F as C1
 * controls (nodejs/node#60888) where the standard has € ‚ “ ” – — ™ ...
 *
 * @param bytes - the encoded text.
 * @returns the decoded text.
 */
export function decodeWindows1252(bytes: Uint8Array): string {
  return toBinary(bytes).replace(/[\x80-\x9f]/g, (c) => CP1252_C1[c.charCodeAt(0) - 0x80] ?? c);
}

/** Charset names some mailers wrote that are not WHATWG labels. */
const CHARSET_ALIASES: Record<string, string> = { chinesebig5: 'big5', gb2312_charset: 'gb2312' };

/**
 * Decodes bytes in a declared charset with `TextDecoder` (WHATWG labels, so
 * `us-ascii` and `iso-8859-1` read as windows-1252; Outlook's `chinesebig5`
 * is read as big5). When the charset is missing or unknown (`default`,
 * `unknown-8bit`), strict UTF-8 is tried, then latin1 (windows-1252).
 *
 * @param bytes - the encoded text.
 * @param charset - the declared charset label, if any.
 * @returns the decoded text.
 * @example
 * ```ts
 * decodeCharset(Uint8Array.from([0x63, 0x61, 0x66, 0xe9]), 'iso-8859-1') // 'café'
 * ```
 */
export function decodeCharset(bytes: Uint8Array, charset?: string | null): string {
  const given = charset?.trim().toLowerCase();
  const label = given === undefined ? undefined : (CHARSET_ALIASES[given] ?? given);
  if (label) {
    let decoder: TextDecoder | null = null;
    try {
      decoder = new TextDecoder(label);
    } catch {
      // a label the runtime does not know (e.g. "default"): guess below
    }
    if (decoder) return decoder.encoding === 'windows-1252' ? decodeWindows1252(bytes) : decoder.decode(bytes);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return decodeWindows1252(bytes);
  }
}

function qpToBinary(s: string): string {
  return s.replace(/=[ \t]*\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function base64ToBinary(s: string): string {
  const lines: string[] = [];
  for (const raw of s.split('\n')) {
    const line = raw.trim();
    if (line === '' && lines.length === 0) continue;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(line)) break;
    lines.push(line);
    if (line.endsWith('=')) break;
  }
  return Buffer.from(lines.join(''), 'base64').toString('latin1');
}

/**
 * Decodes quoted-printable (RFC 2045 §6.7): `=XX` escapes and `=` soft line
 * breaks; malformed escapes are kept as written.
 *
 * @param s - the encoded text (one char per byte).
 * @returns the decoded bytes.
 * @example
 * ```ts
 * decodeQuotedPrintable('caf=C3=A9=\nbar') // the UTF-8 bytes of 'cafébar'
 * ```
 */
export function decodeQuotedPrintable(s: string): Uint8Array {
  return fromBinary(qpToBinary(s));
}

/**
 * Decodes base64 up to the end of the data: the first padded line, empty line
 * or line with other characters ends it, so text a mailing list appended after
 * a base64 body (a footer) is not decoded into garbage.
 *
 * @param s - the encoded text.
 * @returns the decoded bytes.
 */
export function decodeBase64(s: string): Uint8Array {
  return fromBinary(base64ToBinary(s));
}

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

/**
 * Decodes RFC 2047 encoded words (`=?charset?B|Q?...?=`) in a header value.
 * Whitespace between adjacent encoded words is dropped, as the RFC says, and
 * adjacent words in the same charset are decoded together (some mailers split
 * a multi-byte character across two words). Raw 8-bit text outside encoded
 * words (not allowed, but common in spam) is decoded in `rawCharset`.
 *
 * @param value - a raw header value (one char per byte).
 * @param rawCharset - charset for 8-bit bytes outside encoded words, e.g. the body's.
 * @returns the decoded value.
 * @example
 * ```ts
 * decodeEncodedWords('=?iso-8859-1?Q?Caf=E9_ouvert?=') // 'Café ouvert'
 * ```
 */
export function decodeEncodedWords(value: string, rawCharset?: string | null): string {
  const raw = (text: string): string => (/[\x80-\xff]/.test(text) ? decodeCharset(fromBinary(text), rawCharset) : text);
  const run = { label: '', bytes: '', open: false };
  const flush = (): string => {
    const text = run.open ? decodeCharset(fromBinary(run.bytes), run.label) : '';
    run.open = false;
    return text;
  };
  let out = '';
  let last = 0;
  for (const m of value.matchAll(ENCODED_WORD)) {
    const between = value.slice(last, m.index);
    const label = (m[1] ?? '').split('*')[0]?.toLowerCase() ?? ''; // RFC 2231 language suffix: utf-8*en
    const data = m[3] ?? '';
    const bytes = m[2]?.toUpperCase() === 'B' ? base64ToBinary(data) : qpToBinary(data.replace(/_/g, ' '));
    if (run.open && /^\s*$/.test(between) && run.label === label) {
      run.bytes += bytes;
    } else {
      out += flush();
      out += last > 0 && /^\s*$/.test(between) ? '' : raw(between);
      Object.assign(run, { label, bytes, open: true });
    }
    last = m.index + m[0].length;
  }
  return out + flush() + raw(value.slice(last));
}

/**
 * Splits a message or MIME part at its first empty line.
 *
 * @param s - the message or part, LF line ends.
 * @returns the header block and the body (empty when there is no empty line).
 */
export function splitHeaderBody(s: string): { header: string; body: string } {
  if (s.startsWith('\n')) return { header: '', body: s.slice(1) };
  const at = s.indexOf('\n\n');
  return at < 0 ? { header: s, body: '' } : { header: s.slice(0, at), body: s.slice(at + 2) };
}

/**
 * Parses a header block: unfolds continuation lines, skips lines that are not
 * fields (such as the mbox `From ` line) and keeps the first value of each name.
 *
 * @param header - the header block, LF line ends.
 * @returns fields by lower-cased name.
 * @example
 * ```ts
 * parseHeaders('Subject: New\n  Sequences Window').get('subject') // 'New Sequences Window'
 * ```
 */
export function parseHeaders(header: string): MailHeaders {
  const fields: [string, string][] = [];
  let current: [string, string] | null = null;
  for (const line of header.split('\n')) {
    if (/^[ \t]/.test(line)) {
      if (current) current[1] = `${current[1]} ${line.trim()}`.trim();
      continue;
    }
    const m = /^([!-9;-~]+)[ \t]*:(.*)$/.exec(line);
    current = m ? [(m[1] ?? '').toLowerCase(), (m[2] ?? '').trim()] : null;
    if (current) fields.push(current);
  }
  const headers: MailHeaders = new Map();
  for (const [name, value] of fields) if (!headers.has(name)) headers.set(name, value);
  return headers;
}

/**
 * Parses a `Content-Type` value; tolerates a missing `;` before parameters,
 * quoted values, folding and stray spaces.
 *
 * @param value - the raw value; undefined or null for an absent header.
 * @returns type and parameters; `text/plain` when absent or unreadable.
 * @example
 * ```ts
 * parseContentType('multipart/alternative; boundary="=_x"').params.get('boundary') // '=_x'
 * ```
 */
export function parseContentType(value: string | null | undefined): ContentType {
  const s = value ?? '';
  const typeMatch = /^\s*([\w!#$&^.+-]+\/[\w!#$&^.+-]+)/.exec(s);
  const params = new Map<string, string>();
  for (const m of s.slice(typeMatch?.[0].length ?? 0).matchAll(/([\w.*-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/g)) {
    const key = (m[1] ?? '').toLowerCase();
    if (!params.has(key)) params.set(key, m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? ''));
  }
  return { type: typeMatch?.[1]?.toLowerCase() ?? 'text/plain', params };
}

/**
 * Splits a multipart body into its raw parts; preamble and epilogue are
 * dropped, and a missing closing delimiter ends the last part at the end.
 * When no delimiter line matches exactly, delimiters are matched again with
 * whitespace ignored (some spam declares `=Multipart Boundary` and writes
 * `--= Multipart Boundary`).
 *
 * @param body - the multipart body, LF line ends.
 * @param boundary - the `boundary` parameter.
 * @returns the parts, each its own headers + body.
 */
export function splitMultipart(body: string, boundary: string): string[] {
  const parts = splitOnDelimiter(body, `--${boundary}`, (line) => line.trimEnd());
  return parts.length > 0 ? parts : splitOnDelimiter(body, `--${boundary}`.replace(/\s+/g, ''), (line) => line.replace(/\s+/g, ''));
}

function splitOnDelimiter(body: string, delimiter: string, bareLine: (line: string) => string): string[] {
  const parts: string[] = [];
  let current: string[] | null = null;
  for (const line of body.split('\n')) {
    const bare = bareLine(line);
    if (bare === delimiter || bare === `${delimiter}--`) {
      if (current) parts.push(current.join('\n'));
      if (bare !== delimiter) return parts;
      current = [];
    } else {
      current?.push(line);
    }
  }
  if (current) parts.push(current.join('\n'));
  return parts;
}

// prettier-ignore
const ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', copy: '©', reg: '®', trade: '™', hellip: '…',
  mdash: '—', ndash: '–', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', bull: '•', middot: '·', euro: '€',
  pound: '£', yen: '¥', cent: '¢', deg: '°', laquo: '«', raquo: '»', times: '×', eacute: 'é', egrave: 'è', aacute: 'á',
};

/**
 * Decodes numeric and common named HTML character references; unknown names
 * are kept; `&#128;`..`&#159;` read as windows-1252, as browsers read them.
 *
 * @param s - text with references.
 * @returns the decoded text.
 */
export function decodeHtmlEntities(s: string): string {
  return s.replace(/&(#[xX][0-9A-Fa-f]{1,6}|#[0-9]{1,7}|[A-Za-z]{2,8});?/g, (whole, ref: string) => {
    if (!ref.startsWith('#')) return ENTITIES[ref] ?? ENTITIES[ref.toLowerCase()] ?? whole;
    const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    if (code >= 0x80 && code <= 0x9f) return CP1252_C1[code - 0x80] ?? whole; // as browsers do: &#147; is “
    return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : whole;
  });
}

/**
 * Crude HTML to text: drops comments, `<head>`, `<script>` and `<style>`,
 * turns block tags into line breaks, removes inline formatting tags, replaces
 * other tags by a space, decodes character references and collapses blanks.
 *
 * @param html - an HTML document or fragment.
 * @returns its visible text.
 * @example
 * ```ts
 * htmlToText('<p>Hello&nbsp;<b>world</b></p>') // 'Hello world'
 * ```
 */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(head|script|style|title)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<\/?(br|p|div|tr|li|ul|ol|h[1-6]|table|blockquote|pre|center|hr|dd|dt)\b[^>]*>/gi, '\n')
    .replace(/<\/?(a|b|i|u|em|strong|font|span|small|big|sup|sub|s|strike|tt|abbr|nobr|wbr)\b[^>]*>/gi, '')
    .replace(/<[!/?]?[A-Za-z][^>]*>/g, ' ');
  return decodeHtmlEntities(text)
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const COMMON_TAG = /<\/?(a|b|i|p|br|font|table|tr|td|div|span|img|center|strong|hr)\b[^>]*>/gi;

/**
 * Whether a body sent as text/plain is really HTML, as much old spam is.
 *
 * @param text - a decoded body.
 * @returns true when it starts with a doctype, has `<html>` or `<body>` tags, or
 *   has 25 or more common tags (`<br>`, `<font>`, `<td>`, ...); a mail that only
 *   talks about a few tags stays plain.
 */
export function looksLikeHtml(text: string): boolean {
  return /^\s*<!doctype html/i.test(text) || /<\/?(html|body)\b[^>]*>/i.test(text) || (text.match(COMMON_TAG)?.length ?? 0) >= 25;
}

/**
 * Decodes one leaf part's body: transfer encoding, then charset, then LF line ends.
 *
 * @param body - the raw body (one char per byte).
 * @param headers - the part's header fields.
 * @returns the body text.
 */
export function decodeBody(body: string, headers: MailHeaders): string {
  const cte = headers.get('content-transfer-encoding')?.trim().toLowerCase();
  const binary = cte === 'base64' ? base64ToBinary(body) : cte === 'quoted-printable' ? qpToBinary(body) : body;
  return normalizeNewlines(decodeCharset(fromBinary(binary), parseContentType(headers.get('content-type')).params.get('charset')));
}

/** What a walk over a message's parts collects besides the text. */
interface Walk {
  /** Leaf content types in order. */
  parts: string[];
  /** The first charset declared by a leaf part. */
  charset: string | null;
}

/** Readable text of one entity (the message or a part), recursing into multiparts. */
function entityText(headers: MailHeaders, body: string, depth: number, walk: Walk): PartText {
  const ct = parseContentType(headers.get('content-type'));
  const boundary = ct.params.get('boundary');
  if (ct.type.startsWith('multipart/') && boundary && depth < MAX_DEPTH) {
    const children = splitMultipart(body, boundary).map((raw) => {
      const part = splitHeaderBody(raw);
      return entityText(parseHeaders(part.header), part.body, depth + 1, walk);
    });
    const readable = children.filter((c) => c.kind !== 'none' && c.text !== '');
    if (ct.type === 'multipart/alternative') return readable.find((c) => c.kind === 'plain') ?? readable[0] ?? { kind: 'none', text: '' };
    if (readable.length === 0) return { kind: 'none', text: '' };
    return { kind: readable.some((c) => c.kind === 'plain') ? 'plain' : 'html', text: readable.map((c) => c.text).join('\n\n') };
  }
  if (ct.type === 'message/rfc822' && depth < MAX_DEPTH) {
    const inner = splitHeaderBody(body);
    return entityText(parseHeaders(inner.header), inner.body, depth + 1, walk);
  }
  // a multipart without a usable boundary is read like text/plain
  const type = ct.type.startsWith('multipart/') ? 'text/plain' : ct.type;
  walk.parts.push(type);
  walk.charset ??= ct.params.get('charset') ?? null;
  if (depth > 0 && /^\s*attachment\b/i.test(headers.get('content-disposition') ?? '')) return { kind: 'none', text: '' };
  if (type === 'text/plain') {
    const text = decodeBody(body, headers);
    return looksLikeHtml(text) ? { kind: 'html', text: htmlToText(text) } : { kind: 'plain', text: text.trim() };
  }
  if (type === 'text/html' || type === 'text/enriched') return { kind: 'html', text: htmlToText(decodeBody(body, headers)) };
  return { kind: 'none', text: '' };
}

/**
 * Parses a raw mail message into its header fields, a few decoded headers and
 * a readable body.
 *
 * The body: text/plain parts as they are (tag-stripped if they are really
 * HTML); text/html parts tag-stripped where they are the only choice (in
 * `multipart/alternative` the text/plain alternative wins); the readable parts
 * of other multiparts joined by an empty line; attachments, images and
 * signatures skipped.
 *
 * @param raw - the message bytes, headers and body.
 * @returns the parsed mail.
 * @example
 * ```ts
 * const mail = parseMail(readFileSync('easy-ham-1/00001.7c53336b37003a9286aba55d2945844c.txt'))
 * mail.subject // 'Re: New Sequences Window'
 * ```
 */
export function parseMail(raw: Uint8Array): ParsedMail {
  const { header, body } = splitHeaderBody(normalizeNewlines(toBinary(raw)));
  const headers = parseHeaders(header);
  const walk: Walk = { parts: [], charset: null };
  const text = normalizeNewlines(entityText(headers, body, 0, walk).text).trim();
  // raw 8-bit header text (no encoded words) is most likely in the body's charset
  const decoded = (name: string): string | null => {
    const v = headers.get(name);
    return v === undefined ? null : decodeEncodedWords(v, walk.charset).trim();
  };
  const messageId = headers.get('message-id')?.replace(/^\s*<(.*)>\s*$/, '$1') ?? null;
  return {
    headers,
    subject: decoded('subject'),
    from: decoded('from'),
    date: headers.get('date') ?? null,
    messageId,
    parts: walk.parts,
    text,
  };
}
