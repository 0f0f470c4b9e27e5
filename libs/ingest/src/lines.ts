/** One line of a byte stream. */
export interface Line {
  /** The line's bytes without `\n` (and without a trailing `\r`); for a too-long line, its first bytes. */
  bytes: Uint8Array;
  /** 1-based line number. */
  line: number;
  /** Byte offset of the line's start in the (decompressed) stream. */
  offset: number;
  /** Full size of the line in bytes, without the newline. */
  size: number;
  /** The line was longer than the limit: `bytes` holds only its head. */
  tooLong: boolean;
}

/** What callers pass to {@link splitLines}. */
export interface SplitLinesOptions {
  /** Longest line kept whole (default 64 MiB); longer ones are reported with `tooLong` and never buffered whole. */
  maxLineBytes?: number;
  /** Bytes kept of a too-long line (default 64 KiB). */
  headBytes?: number;
}

/**
 * Splits a byte stream into lines, tracking line numbers and byte offsets.
 * Memory is bounded by `maxLineBytes`: a longer line is skipped to its end
 * and reported with its head only.
 *
 * @param chunks - the bytes.
 * @param options - limits.
 * @returns the lines, including a last line without a newline.
 * @example
 * ```ts
 * for await (const l of splitLines(decode(readFileChunks('a.jsonl.gz'), { source: 'a' }))) console.log(l.line, l.size)
 * ```
 */
export async function* splitLines(chunks: AsyncIterable<Uint8Array>, options: SplitLinesOptions = {}): AsyncGenerator<Line> {
  const max = options.maxLineBytes ?? 64 * 1024 * 1024;
  const headBytes = Math.min(options.headBytes ?? 64 * 1024, max);
  let pieces: Uint8Array[] = [];
  let pending = 0; // bytes of the current line seen so far
  let lineNo = 1;
  let lineStart = 0;
  let position = 0; // offset of the current chunk's start
  const finish = (tail: Uint8Array): Line => {
    const size = pending + tail.length;
    const tooLong = size > max;
    let bytes: Uint8Array;
    if (tooLong) bytes = join(pieces, headBytes);
    else if (pieces.length === 0) bytes = tail;
    else bytes = join([...pieces, tail], size);
    let keep = bytes.length;
    let full = size;
    if (!tooLong && keep > 0 && bytes[keep - 1] === 13) {
      keep--;
      full--;
    }
    const line: Line = { bytes: bytes.subarray(0, keep), line: lineNo, offset: lineStart, size: full, tooLong };
    pieces = [];
    pending = 0;
    return line;
  };
  for await (const chunk of chunks) {
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(10, from);
      if (nl < 0) break;
      yield finish(chunk.subarray(from, nl));
      lineNo++;
      lineStart = position + nl + 1;
      from = nl + 1;
    }
    const tail = chunk.subarray(from);
    if (tail.length > 0) {
      // keep at most what a too-long line's head needs once over the limit
      if (pending + tail.length <= max) pieces.push(tail.slice());
      else if (pending < headBytes) pieces.push(tail.slice(0, headBytes - pending));
      pending += tail.length;
    }
    position += chunk.length;
  }
  if (pending > 0) yield finish(new Uint8Array(0));
}

function join(pieces: readonly Uint8Array[], limit: number): Uint8Array {
  let n = 0;
  for (const p of pieces) n += p.length;
  const out = new Uint8Array(Math.min(n, limit));
  let at = 0;
  for (const p of pieces) {
    if (at >= out.length) break;
    const take = p.subarray(0, out.length - at);
    out.set(take, at);
    at += take.length;
  }
  return out;
}
