import { Readable } from 'node:stream';
import { realDocs, toJsonl } from '../test/real-docs';
import { readJsonl } from './jsonl';
import { splitLines } from './lines';
import type { ReadResult } from './records';
import { readText } from './text';

/** Feeds bytes in small, odd-sized chunks so lines straddle chunk edges. */
function chunked(bytes: Uint8Array, size = 997): AsyncIterable<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return Readable.from(parts, { objectMode: true }) as AsyncIterable<Uint8Array>;
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('splitLines', () => {
  it('tracks line numbers and byte offsets across chunk edges, with CRLF and a last line without newline', async () => {
    const text = 'first\r\nsécond line\n\nlast';
    const lines = await collect(splitLines(chunked(Buffer.from(text), 3)));
    expect(lines.map((l) => [l.line, l.offset, Buffer.from(l.bytes).toString(), l.size])).toEqual([
      [1, 0, 'first', 5],
      [2, 7, 'sécond line', 12],
      [3, 20, '', 0],
      [4, 21, 'last', 4],
    ]);
  });

  it('reports a line over the limit with its head only, and goes on after it', async () => {
    const long = 'x'.repeat(10_000);
    const lines = await collect(splitLines(chunked(Buffer.from(`ok\n${long}\nafter\n`), 100), { maxLineBytes: 1000, headBytes: 16 }));
    expect(lines.map((l) => [l.line, l.size, l.tooLong, l.bytes.length])).toEqual([
      [1, 2, false, 2],
      [2, 10_000, true, 16],
      [3, 5, false, 5],
    ]);
    expect(lines[2]!.offset).toBe(3 + 10_001);
  });
});

describe('readJsonl', () => {
  it('reads real documents with their ids, and keeps other fields in meta', async () => {
    const docs = (await realDocs()).slice(0, 400);
    const results = await collect(readJsonl(chunked(Buffer.from(toJsonl(docs))), { source: 'mail.jsonl' }));
    expect(results.every((r) => r.ok)).toBe(true);
    const got = results.map((r) => (r as Extract<ReadResult, { ok: true }>).doc);
    expect(got.map((d) => d.id)).toEqual(docs.map((d) => d.id));
    expect(got.map((d) => d.text)).toEqual(docs.map((d) => d.text));
    expect(JSON.parse(got[0]!.meta!)).toEqual({ subject: docs[0]!.subject });
  });

  it('quarantines each kind of bad line with its line, offset and code, and reads the rest', async () => {
    const docs = (await realDocs()).slice(0, 6);
    const good = docs.map((d) => Buffer.from(JSON.stringify({ text: d.text, url: `http://127.0.0.1/${d.id}` }) + '\n'));
    const lines: Buffer[] = [
      good[0]!,
      Buffer.from('{"text": "unterminated\n'),
      good[1]!,
      Buffer.concat([Buffer.from('{"text": "caf'), Buffer.from([0xe9]), Buffer.from('"}\n')]), // latin-1 byte: not UTF-8
      good[2]!,
      Buffer.from('{"body": "no text field"}\n'),
      Buffer.from('[1, 2, 3]\n'),
      Buffer.from(`{"text": "${'y'.repeat(5000)}"}\n`),
      Buffer.from('\n'),
      good[3]!,
    ];
    const bytes = Buffer.concat(lines);
    const offsets: number[] = [];
    lines.reduce((at, l) => (offsets.push(at), at + l.length), 0);
    const results = await collect(readJsonl(chunked(bytes, 64), { source: 'bad.jsonl', maxRecordBytes: 4096 }));
    const bad = results.filter((r): r is Extract<ReadResult, { ok: false }> => !r.ok).map((r) => r.bad);
    expect(bad.map((b) => [b.code, b.line])).toEqual([
      ['INGEST_BAD_JSON', 2],
      ['INGEST_INVALID_UTF8', 4],
      ['INGEST_MISSING_FIELD', 6],
      ['INGEST_BAD_JSON', 7],
      ['INGEST_RECORD_TOO_LARGE', 8],
    ]);
    expect(bad[0]!.offset).toBe(offsets[1]);
    expect(bad[1]!.offset).toBe(offsets[3]! + 13); // the 0xe9 byte itself
    expect(bad[4]!.offset).toBe(offsets[7]);
    expect(Buffer.from(bad[0]!.raw as Uint8Array).toString()).toBe('{"text": "unterminated');
    const ok = results.filter((r): r is Extract<ReadResult, { ok: true }> => r.ok).map((r) => r.doc);
    expect(ok.map((d) => d.text)).toEqual(docs.slice(0, 4).map((d) => d.text));
    expect(ok.map((d) => d.id)).toEqual(['bad.jsonl#L1', 'bad.jsonl#L3', 'bad.jsonl#L5', 'bad.jsonl#L10']);
    expect(ok[0]!.url).toBe(`http://127.0.0.1/${docs[0]!.id}`);
  });

  it('reads the text field from a dotted path', async () => {
    const [r] = await collect(readJsonl(chunked(Buffer.from('{"doc": {"content": "Hello there."}, "id": 7}\n')), { source: 's', textField: 'doc.content' }));
    expect(r).toEqual({ ok: true, doc: { id: '7', text: 'Hello there.', url: null, meta: '{"doc":{"content":"Hello there."}}' } });
  });
});

describe('readText', () => {
  it('reads a file as one document, and quarantines invalid UTF-8 and oversized files', async () => {
    const doc = (await realDocs())[0]!;
    expect(await collect(readText(chunked(Buffer.from(`\uFEFF${doc.text}\r\n`)), { source: 'a.txt' }))).toEqual([
      { ok: true, doc: { id: 'a.txt', text: doc.text, url: null, meta: null } },
    ]);
    const [latin] = await collect(readText(chunked(Buffer.from([0x63, 0x61, 0x66, 0xe9])), { source: 'b.txt' }));
    expect(latin).toMatchObject({ ok: false, bad: { code: 'INGEST_INVALID_UTF8', offset: 3, source: 'b.txt' } });
    const [big] = await collect(readText(chunked(Buffer.from(doc.text)), { source: 'c.txt', maxRecordBytes: 10 }));
    expect(big).toMatchObject({ ok: false, bad: { code: 'INGEST_RECORD_TOO_LARGE' } });
  });
});
