import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDataset } from './dataset';
import { DatasetWriter } from './dataset-writer';
import { SchemaMismatchError } from './errors';
import { documentColumns } from './schema';
import { ShardWriter } from './shard-writer';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'winnow-sw-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const doc = (i: number) => ({ id: `d${i}`, text: `The quick brown fox, line ${i}.`, url: null, source: 'test', meta: null });

describe('ShardWriter', () => {
  it('makes a shard visible only once it is complete', async () => {
    const w = new ShardWriter({ dir, columns: documentColumns(), targetRows: 100, batchRows: 10 });
    for (let i = 0; i < 150; i++) w.write(doc(i));
    // the first shard is done, the second is still being written under a hidden temporary name
    expect(readdirSync(join(dir, 'shards'))).toEqual(expect.arrayContaining(['part-00000.arrow']));
    expect(readdirSync(join(dir, 'shards')).filter((n) => !n.startsWith('.'))).toEqual(['part-00000.arrow']);
    const shards = await w.close();
    expect(shards.map((s) => [s.file, s.rows, s.batches])).toEqual([
      ['shards/part-00000.arrow', 100, 10],
      ['shards/part-00001.arrow', 50, 5],
    ]);
    expect(readdirSync(join(dir, 'shards'))).toEqual(['part-00000.arrow', 'part-00001.arrow']);
  });

  it('keeps bytes in order when small and large pieces mix (read back and checksummed)', async () => {
    // batches of 100 rows x ~3 KB: value buffers of about 300 KB, between the sink's direct-write size and its buffer size
    const w = await DatasetWriter.create({ dir, columns: documentColumns(), batchRows: 100 });
    const texts: string[] = [];
    for (let i = 0; i < 450; i++) {
      const text = `${i}: ${'The licenses for most software are designed to take away your freedom to share and change it. '.repeat(3 + (i % 60))}`;
      texts.push(text);
      w.write({ ...doc(i), text });
    }
    await w.close();
    const ds = await openDataset(dir, { verify: true });
    let i = 0;
    for await (const r of ds.rows({ columns: ['text'] })) expect(r['text']).toBe(texts[i++]);
    expect(i).toBe(450);
  });

  it('leaves nothing behind when aborted', () => {
    const w = new ShardWriter({ dir, columns: documentColumns(), batchRows: 5 });
    for (let i = 0; i < 12; i++) w.write(doc(i));
    w.abort();
    expect(readdirSync(join(dir, 'shards'))).toEqual([]);
  });

  it('rejects rows that do not fit the columns, naming the column', () => {
    const w = new ShardWriter({ dir, columns: documentColumns([{ name: 'score', type: 'float32' }]) });
    expect(() => w.write({ ...doc(1), score: 'high' })).toThrow(SchemaMismatchError);
    expect(() => w.write({ ...doc(1), text: null })).toThrow(/"text" may not be null/);
    expect(() => w.write({ ...doc(1), scroe: 1 })).toThrow(/not in the schema: scroe/);
    w.abort();
  });

  it('validates its options, naming the field', () => {
    expect(() => new ShardWriter({ dir, columns: documentColumns(), targetRows: 0 })).toThrow(/targetRows must be a positive integer/);
    expect(() => new ShardWriter({ dir, columns: [] })).toThrow(/at least one column/);
  });

  it('writes no shard for no rows', async () => {
    const w = new ShardWriter({ dir, columns: documentColumns() });
    expect(await w.close()).toEqual([]);
  });
});
