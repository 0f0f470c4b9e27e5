import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { closePool, openDataset, runStage, type Row } from '@winnow/core';
import { realDocs, toJsonl, type RealDoc } from '../test/real-docs';
import { nameInputFiles } from './ingest-stage';
import { resolveInputs } from './sources';

const STAGE = { module: require.resolve('./ingest-stage'), export: 'ingestStage' };
const quiet = { quiet: true };

let dir: string;
let corpus: string;
let docs: RealDoc[];

beforeAll(async () => {
  docs = await realDocs();
  dir = mkdtempSync(join(tmpdir(), 'winnow-ingest-'));
  corpus = join(dir, 'corpus');
  mkdirSync(join(corpus, 'mail', 'ham'), { recursive: true });
  mkdirSync(join(corpus, 'notes'), { recursive: true });
  // 400 documents as multi-member gzip (one member per 50 lines), 400 as zstd, 400 plain, 5 as text files
  const jsonl = (from: number, to: number) => toJsonl(docs.slice(from, to));
  writeFileSync(
    join(corpus, 'mail', 'ham', 'part-1.jsonl.gz'),
    Buffer.concat(Array.from({ length: 8 }, (_, k) => gzipSync(jsonl(k * 50, k * 50 + 50)))),
  );
  writeFileSync(join(corpus, 'mail', 'part-2.jsonl'), jsonl(400, 800));
  execFileSync('zstd', ['-q', '-f', join(corpus, 'mail', 'part-2.jsonl'), '-o', join(corpus, 'mail', 'part-2.jsonl.zst')]);
  writeFileSync(join(corpus, 'mail', 'part-3.jsonl'), jsonl(800, 1200));
  rmSync(join(corpus, 'mail', 'part-2.jsonl'));
  for (let i = 0; i < 5; i++) writeFileSync(join(corpus, 'notes', `note-${i}.txt`), docs[1200 + i]!.text);
});
afterAll(async () => {
  await closePool();
  rmSync(dir, { recursive: true, force: true });
});

async function ingest(out: string, inputs: string[], extra: Record<string, unknown> = {}, options: Record<string, unknown> = {}) {
  const files = nameInputFiles(await resolveInputs(inputs));
  return runStage({ stage: STAGE, config: { files, taskBytes: 200_000, ...extra }, inputs: [], out: join(dir, out), progress: quiet, ...options });
}

async function rows(path: string): Promise<Row[]> {
  const out: Row[] = [];
  for await (const r of (await openDataset(path)).rows()) out.push(r);
  return out;
}

describe('the ingest stage', () => {
  it('reads gzip, zstd, plain JSONL and text files from a folder into the same documents', async () => {
    const s = await ingest('all', [corpus], {}, { workers: 2 });
    expect(s.quarantined).toEqual({});
    expect(s.counters).toMatchObject({ files: 8, documents: 1205, compression_gzip: 1, compression_zstd: 1, compression_none: 6, format_jsonl: 3, format_text: 5 });
    const got = await rows(s.out);
    expect(got).toHaveLength(1205);
    const byId = new Map(got.map((r) => [String(r['id']), r]));
    for (const d of docs.slice(0, 1200)) expect(byId.get(d.id)?.['text']).toBe(d.text);
    expect(byId.get('spamassassin/easy-ham-1/00001')!['source']).toBe('mail/ham/part-1.jsonl.gz');
    expect(JSON.parse(String(byId.get(docs[0]!.id)!['meta']))).toEqual({ subject: docs[0]!.subject });
    expect(byId.get('notes/note-0.txt')!['text']).toBe(docs[1200]!.text);
    expect(s.tasks.total).toBeGreaterThan(2);
  });

  it('writes identical shards with 1 and 2 workers', async () => {
    const one = await ingest('w1', [corpus], {}, { workers: 1 });
    const two = await ingest('w2', [corpus], {}, { workers: 2 });
    expect(two.manifest!.shards).toEqual(one.manifest!.shards);
  });

  it('quarantines a truncated gzip file, an empty file and bad lines, keeping every good record', async () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad);
    const gz = gzipSync(toJsonl(docs.slice(0, 300)));
    writeFileSync(join(bad, 'cut.jsonl.gz'), gz.subarray(0, Math.floor(gz.length * 0.6)));
    writeFileSync(join(bad, 'empty.jsonl'), '');
    writeFileSync(join(bad, 'lines.jsonl'), `${toJsonl(docs.slice(0, 2))}{"text": oops}\n${toJsonl(docs.slice(2, 4))}`);
    const s = await ingest('bad-skip', [bad], {}, { workers: 2 });
    expect(s.quarantined).toEqual({ INGEST_BAD_JSON: 1, INGEST_EMPTY_FILE: 1, INGEST_TRUNCATED_GZIP: 1 });
    const q = await rows(join(s.out, 'quarantine'));
    const byCode = Object.fromEntries(q.map((r) => [String(r['code']), r]));
    expect(byCode['INGEST_BAD_JSON']).toMatchObject({ source: 'lines.jsonl', line: 3 });
    expect(byCode['INGEST_TRUNCATED_GZIP']).toMatchObject({ source: 'cut.jsonl.gz', offset: Math.floor(gz.length * 0.6) });
    expect(byCode['INGEST_EMPTY_FILE']).toMatchObject({ source: 'empty.jsonl' });
    // the complete records before the cut are kept
    const kept = await rows(s.out);
    const fromCut = kept.filter((r) => r['source'] === 'cut.jsonl.gz');
    expect(fromCut.length).toBeGreaterThan(100);
    expect(fromCut.map((r) => r['text'])).toEqual(docs.slice(0, fromCut.length).map((d) => d.text));
    expect(kept.filter((r) => r['source'] === 'lines.jsonl')).toHaveLength(4);

    await expect(ingest('bad-fail', [join(bad, 'lines.jsonl')], {}, { workers: 1, onError: 'fail' })).rejects.toMatchObject({
      code: 'CORE_TASK_FAILED',
      file: 'lines.jsonl',
      line: 3,
    });
  });

  it('reads a real WARC crawl into one document per HTML page, counting what it skips', async () => {
    const warc = join(__dirname, '..', 'test', 'fixtures', 'debian-docs.warc.gz');
    const s = await ingest('warc', [warc], {}, { workers: 2 });
    expect(s.counters).toMatchObject({ files: 1, format_warc: 1, compression_gzip: 1, documents: 60, 'skipped_type:request': 71 });
    expect(s.quarantined).toEqual({});
    const got = await rows(s.out);
    expect(got).toHaveLength(60);
    for (const r of got) {
      expect(r['source']).toBe('debian-docs.warc.gz');
      expect(String(r['url'])).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/(libffi|valgrind)\//);
      expect(String(r['id'])).toMatch(/^urn:uuid:/);
    }
  });

  it('names an input that matches nothing', async () => {
    await expect(resolveInputs([join(dir, 'nope', '*.jsonl')])).rejects.toMatchObject({ code: 'INGEST_SOURCE_NOT_FOUND' });
    await expect(resolveInputs([join(dir, 'missing.jsonl')])).rejects.toThrow(/no input file matches/);
  });
});
