import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { realDocs, toJsonl } from '../test/real-docs';
import { decode, detectCompression, readFileChunks, type Compression } from './decode';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'winnow-decode-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function decodeFile(path: string): Promise<{ text: string; compression: Compression }> {
  let compression: Compression = 'none';
  const parts: Uint8Array[] = [];
  for await (const c of decode(readFileChunks(path), { source: path, onCompression: (x) => (compression = x) })) parts.push(c);
  return { text: Buffer.concat(parts).toString('utf8'), compression };
}

describe('decode', () => {
  it('tells gzip, zstd and plain bytes apart by magic bytes, not by name', () => {
    expect(detectCompression(Uint8Array.of(0x1f, 0x8b, 8, 0))).toBe('gzip');
    expect(detectCompression(Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0))).toBe('zstd');
    expect(detectCompression(Buffer.from('{"text": 1}'))).toBe('none');
    expect(detectCompression(new Uint8Array(0))).toBe('none');
  });

  it('reads every member of a multi-member gzip file (one member per record, as in WARC.gz)', async () => {
    const docs = (await realDocs()).slice(0, 200);
    const path = join(dir, 'members.data'); // no telling extension on purpose
    writeFileSync(path, Buffer.concat(docs.map((d) => gzipSync(`${d.text}\n\u0000\n`))));
    const { text, compression } = await decodeFile(path);
    expect(compression).toBe('gzip');
    expect(text).toBe(docs.map((d) => `${d.text}\n\u0000\n`).join(''));
  });

  it('reads zstd written by the zstd tool, and plain files as they are', async () => {
    const jsonl = toJsonl((await realDocs()).slice(0, 300));
    const plain = join(dir, 'docs.jsonl');
    writeFileSync(plain, jsonl);
    execFileSync('zstd', ['-q', '-f', '-19', plain, '-o', join(dir, 'docs.bin')]);
    expect(await decodeFile(join(dir, 'docs.bin'))).toEqual({ text: jsonl, compression: 'zstd' });
    expect(await decodeFile(plain)).toEqual({ text: jsonl, compression: 'none' });
  });

  it('reports a truncated gzip file with its code and the byte offset reached', async () => {
    const whole = gzipSync(toJsonl((await realDocs()).slice(0, 100)));
    const path = join(dir, 'cut.jsonl.gz');
    writeFileSync(path, whole.subarray(0, Math.floor(whole.length / 2)));
    await expect(decodeFile(path)).rejects.toMatchObject({ code: 'INGEST_TRUNCATED_GZIP', file: path, offset: Math.floor(whole.length / 2) });
  });

  it('reports a corrupt gzip member and a truncated zstd file', async () => {
    const gz = Buffer.from(gzipSync(toJsonl((await realDocs()).slice(0, 50))));
    gz[gz.length - 6]! ^= 0xff; // damage the CRC
    const bad = join(dir, 'crc.gz');
    writeFileSync(bad, gz);
    await expect(decodeFile(bad)).rejects.toMatchObject({ code: 'INGEST_BAD_GZIP', file: bad });
    const zst = readFileSync(join(dir, 'docs.bin'));
    const cut = join(dir, 'cut.zst');
    writeFileSync(cut, zst.subarray(0, zst.length - 100));
    await expect(decodeFile(cut)).rejects.toMatchObject({ code: 'INGEST_TRUNCATED_ZSTD', file: cut });
  });
});
