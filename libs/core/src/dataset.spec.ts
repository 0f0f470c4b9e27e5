import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pl from 'nodejs-polars';
import { fixtureRow, writeFixtureDataset } from '../test/fixtures';
import { DatasetNotFoundError, ManifestError, ShardChecksumError } from './errors';
import { openDataset } from './dataset';
import { columnsFromArrow, type Row } from './schema';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'winnow-ds-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Normalizes a value for comparison across readers (typed arrays, buffers, bigints). */
function plain(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Uint8Array && !(v instanceof Buffer)) return [...v];
  if (Buffer.isBuffer(v)) return [...v];
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>);
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

function plainRow(r: Row): Record<string, unknown> {
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)]));
}

describe('a dataset written by winnow', () => {
  it('reads back every value of every column type unchanged', async () => {
    const m = await writeFixtureDataset(dir, 1200, { targetRows: 500, batchRows: 128 });
    expect(m.shards.map((s) => s.rows)).toEqual([500, 500, 200]);
    const ds = await openDataset(dir, { verify: true });
    let i = 0;
    for await (const row of ds.rows()) {
      expect(plainRow(row)).toEqual(plainRow(fixtureRow(i)));
      i++;
    }
    expect(i).toBe(1200);
  });

  it('is read with identical values by an independent reader (polars)', async () => {
    const m = await writeFixtureDataset(dir, 700, { targetRows: 300, batchRows: 100 });
    let i = 0;
    for (const shard of m.shards) {
      const raw = pl.readIPC(readFileSync(join(dir, shard.file)));
      expect(raw.height).toBe(shard.rows);
      expect(raw.columns).toEqual(m.columns.map((c) => c.name));
      // polars cannot hand Binary values to JS: decode them in polars (the fixture's bytes are UTF-8)
      const df = raw.withColumns(pl.col('head').cast(pl.Utf8));
      for (const rec of df.toRecords()) {
        const expected = plainRow(fixtureRow(i++));
        const head = expected['head'] as number[] | null;
        expected['head'] = head === null ? null : Buffer.from(head).toString('utf8');
        const got = Object.fromEntries(Object.entries(rec).map(([k, v]) => [k, plain(v)]));
        // polars widens float32 to a JS number: compare it at float32 precision
        expect(got['score32'] === null ? null : Math.fround(got['score32'] as number)).toEqual(expected['score32']);
        delete got['score32'];
        delete expected['score32'];
        expect(got).toEqual(expected);
      }
    }
    expect(i).toBe(700);
  });

  it('stores a schema in each shard that maps back to the manifest columns', async () => {
    const m = await writeFixtureDataset(dir, 50);
    const ds = await openDataset(dir);
    const first = await ds.batches().next();
    if (first.done === true) throw new Error('no batch');
    const fromArrow = columnsFromArrow(first.value.batch.schema);
    expect(fromArrow).toEqual(m.columns.map(({ name, type, nullable }) => ({ name, type, nullable: nullable ?? true })));
  });

  it('rolls shards at a byte target', async () => {
    const m = await writeFixtureDataset(dir, 2000, { targetBytes: 200_000, batchRows: 64 });
    expect(m.shards.length).toBeGreaterThan(3);
    for (const s of m.shards.slice(0, -1)) expect(s.bytes).toBeGreaterThanOrEqual(200_000);
    // a shard overshoots its target by at most one batch
    for (const s of m.shards) expect(s.bytes).toBeLessThan(200_000 + 64 * 4096);
    expect(m.rows).toBe(2000);
  });

  it('streams batch by batch in shard order', async () => {
    await writeFixtureDataset(dir, 1000, { targetRows: 400, batchRows: 100 });
    const ds = await openDataset(dir);
    const seen: string[] = [];
    for await (const b of ds.batches()) seen.push(`${b.shard}:${b.index}:${b.batch.numRows}`);
    expect(seen).toEqual(['0:0:100', '0:1:100', '0:2:100', '0:3:100', '1:0:100', '1:1:100', '1:2:100', '1:3:100', '2:0:100', '2:1:100']);
  });

  it('reports a flipped byte in a shard, naming the shard', async () => {
    const m = await writeFixtureDataset(dir, 600, { targetRows: 200 });
    const shard = join(dir, m.shards[1]!.file);
    const bytes = readFileSync(shard);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    writeFileSync(shard, bytes);
    const ds = await openDataset(dir);
    await expect(ds.verify()).rejects.toThrow(ShardChecksumError);
    await expect(ds.verify()).rejects.toThrow(/part-00001\.arrow/);
    await expect(openDataset(dir, { verify: true })).rejects.toMatchObject({ code: 'CORE_SHARD_CHECKSUM', file: shard });
    // shards before the damaged one still verify
    await expect(ds.verifyShard(0)).resolves.toBeUndefined();
  });

  it('reports a truncated shard by its size before parsing it', async () => {
    const m = await writeFixtureDataset(dir, 300, { targetRows: 300 });
    const shard = join(dir, m.shards[0]!.file);
    writeFileSync(shard, readFileSync(shard).subarray(0, 1000));
    const ds = await openDataset(dir);
    await expect(ds.rows().next()).rejects.toMatchObject({ code: 'CORE_SHARD_CHECKSUM', file: shard });
  });

  it('refuses a folder without a manifest and a manifest that is not valid', async () => {
    await expect(openDataset(dir)).rejects.toThrow(DatasetNotFoundError);
    writeFileSync(join(dir, 'manifest.json'), '{"format": "winnow.dataset", "schemaVersion": 1}');
    await expect(openDataset(dir)).rejects.toThrow(ManifestError);
    await expect(openDataset(dir)).rejects.toThrow(/field kind/);
  });
});
