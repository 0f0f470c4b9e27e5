import type { QuarantineEntry } from '@winnow/core';

/** A document read from an input, before it becomes a row. */
export interface InputDocument {
  id: string;
  text: string;
  url: string | null;
  /** JSON object string of everything else the record carried. */
  meta: string | null;
}

/** What a reader yields: a document, or a bad record for the quarantine. */
export type ReadResult = { ok: true; doc: InputDocument } | { ok: false; bad: QuarantineEntry };

/** Fatal UTF-8 decoder: invalid bytes are bad input, not U+FFFD. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Decodes UTF-8 strictly.
 *
 * @param bytes - the bytes.
 * @returns the text, or `null` when the bytes are not valid UTF-8.
 */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Byte offset of the first invalid UTF-8 sequence (for error messages).
 *
 * @param bytes - bytes known to be invalid.
 * @returns the offset, or -1 when they are valid.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const n = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (n === 0 || i + n > bytes.length) return i;
    if (decodeUtf8(bytes.subarray(i, i + n)) === null) return i;
    i += n;
  }
  return -1;
}
