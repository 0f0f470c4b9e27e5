import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildManifest, DatasetWriter } from './dataset-writer';
import { displayValue, inspectDataset, TOP_VALUE_CAPACITY, verifyDataset } from './inspect';
import { LEDGER_COLUMNS, LedgerWriter, QUARANTINE_COLUMNS, QuarantineWriter } from './ledger';
import { readManifest, writeManifest } from './manifest';
import type { ColumnSpec, Row } from './schema';

// Real text: the Apache License 2.0 header and its section 2, and the GPL-3 copyright line.
const TEXTS = [
  'Licensed under the Apache License, Version 2.0 (the "License");',
  'you may not use this file except in compliance with the License.',
  'You may obtain a copy of the License at',
  'http://www.apache.org/licenses/LICENSE-2.0',
  'Copyright © 2007 Free Software Foundation, Inc. <https://fsf.org/>',
  'Grant of Copyright License. Subject to the terms and conditions of this License, each Contributor hereby grants to You a perpetual, worldwide, non-exclusive, no-charge, royalty-free, irrevocable copyright license to reproduce, prepare Derivative Works of, publicly display, publicly perform, sublicense, and distribute the Work and such Derivative Works in Source or Object form.',
] as const;

const COLUMNS: ColumnSpec[] = [
  { name: 'id', type: 'utf8', nullable: false },
  { name: 'text', type: 'utf8', nullable: false },
  { name: 'license', type: 'utf8' },
  { name: 'n_words', type: 'int32', nullable: false },
  { name: 'n_bytes', type: 'int64', nullable: false },
  { name: 'score', type: 'float64' },
  { name: 'has_url', type: 'bool' },
  { name: 'tokens', type: 'list<uint16>' },
  { name: 'head', type: 'binary' },
];

function rows(): Row[] {
  const t = (i: number) => TEXTS[i]!;
  const base = (i: number, id: string) => ({ id, text: t(i), n_words: t(i).split(/\s+/).length, n_bytes: Buffer.byteLength(t(i)) });
  return [
    {
      ...base(0, 'asl-1'),
      license: 'Apache-2.0',
      score: 0.5,
      has_url: false,
      tokens: Uint16Array.of(8, 5, 3, 6),
      head: Buffer.from('Lice'),
    },
    { ...base(1, 'asl-2'), license: 'Apache-2.0', score: 0.25, has_url: false, tokens: null, head: Buffer.from('you ') },
    { ...base(2, 'asl-3'), license: 'Apache-2.0', score: null, has_url: null, tokens: Uint16Array.of(3, 3, 6), head: null },
    { ...base(3, 'asl-4'), license: 'Apache-2.0', score: Number.NaN, has_url: true, tokens: Uint16Array.of(), head: Buffer.from('ht') },
    { ...base(4, 'gpl-1'), license: 'GPL-3', score: 1.5, has_url: true, tokens: Uint16Array.of(9), head: Buffer.from('Copy') },
    { ...base(5, 'asl-5'), license: null, score: -2, has_url: false, tokens: Uint16Array.of(5, 2, 9, 8), head: Buffer.from('Gran') },
  ];
}

let root: string;
let dir: string;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'winnow-inspect-'));
  dir = join(root, 'licenses');
  // 2 shards (4 + 2 rows), 2 rows per batch: statistics must add up across batches and shards
  const w = await DatasetWriter.create({
    dir,
    columns: COLUMNS,
    targetRows: 4,
    batchRows: 2,
    stage: { name: 'fixture', version: '3', config: { rows: 6 } },
  });
  await w.writeAll(rows());
  await w.close({ documents: 6 });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('inspectDataset', () => {
  it('reports the schema, rows, shards and the stage that wrote the dataset', async () => {
    const r = await inspectDataset(dir);
    const m = await readManifest(dir);
    expect(r.path).toBe(dir);
    expect(r.kind).toBe('documents');
    expect(r.rows).toBe(6);
    expect(r.bytes).toBe(m.bytes);
    expect(r.stage).toEqual({ name: 'fixture', version: '3', config: { rows: 6 }, fingerprint: m.stage.fingerprint });
    expect(r.columns.map((c) => [c.name, c.type, c.nullable])).toEqual([
      ['id', 'utf8', false],
      ['text', 'utf8', false],
      ['license', 'utf8', true],
      ['n_words', 'int32', false],
      ['n_bytes', 'int64', false],
      ['score', 'float64', true],
      ['has_url', 'bool', true],
      ['tokens', 'list<uint16>', true],
      ['head', 'binary', true],
    ]);
    const [a, b] = m.shards.map((s) => s.bytes) as [number, number];
    expect(r.shards).toEqual({
      count: 2,
      batches: 3,
      rows: { min: 2, max: 4, mean: 3 },
      bytes: { min: Math.min(a, b), max: Math.max(a, b), mean: (a + b) / 2 },
    });
    expect(r.stats).toEqual({ documents: 6 });
    expect(r.ledger).toBeNull();
    expect(r.quarantine).toBeNull();
    expect(r.verified).toBe(false);
  });

  it('gives min, max and mean of numbers, with int64 as numbers and NaN counted apart', async () => {
    const r = await inspectDataset(dir);
    const col = (name: string) => r.columns.find((c) => c.name === name)!;
    // words per text: 9, 12, 9, 1, 8, 52
    expect(col('n_words')).toMatchObject({
      count: 6,
      nulls: 0,
      stats: { kind: 'number', values: { min: 1, max: 52, mean: 91 / 6 }, nans: 0 },
    });
    // UTF-8 bytes: 63, 64, 39, 42, 67 (the © takes 2), 379
    expect(col('n_bytes')).toMatchObject({
      count: 6,
      nulls: 0,
      stats: { kind: 'number', values: { min: 39, max: 379, mean: 109 }, nans: 0 },
    });
    // 0.5, 0.25, null, NaN, 1.5, -2
    expect(col('score')).toMatchObject({
      count: 5,
      nulls: 1,
      stats: { kind: 'number', values: { min: -2, max: 1.5, mean: 0.0625 }, nans: 1 },
    });
  });

  it('counts true, false and null in a bool column', async () => {
    const r = await inspectDataset(dir);
    expect(r.columns.find((c) => c.name === 'has_url')).toMatchObject({ count: 5, nulls: 1, stats: { kind: 'bool', true: 2, false: 3 } });
  });

  it('gives list lengths in items and binary lengths in bytes', async () => {
    const r = await inspectDataset(dir);
    // tokens: 4, null, 3, 0, 1, 4 items
    expect(r.columns.find((c) => c.name === 'tokens')).toMatchObject({
      count: 5,
      nulls: 1,
      stats: { kind: 'list', length: { min: 0, max: 4, mean: 2.4 } },
    });
    // head: 4, 4, null, 2, 4, 4 bytes
    expect(r.columns.find((c) => c.name === 'head')).toMatchObject({
      count: 5,
      nulls: 1,
      stats: { kind: 'binary', length: { min: 2, max: 4, mean: 3.6 } },
    });
  });

  it('gives string lengths in characters and the top values of short strings', async () => {
    const r = await inspectDataset(dir);
    const license = r.columns.find((c) => c.name === 'license')!;
    expect(license).toMatchObject({ count: 5, nulls: 1 });
    expect(license.stats).toEqual({
      kind: 'string',
      length: { min: 5, max: 10, mean: 9 },
      top: {
        values: [
          { value: 'Apache-2.0', count: 4 },
          { value: 'GPL-3', count: 1 },
        ],
        exact: true,
        maxUndercount: 0,
        distinct: 2,
      },
    });
    const id = r.columns.find((c) => c.name === 'id')!.stats;
    expect(id).toMatchObject({ top: { distinct: 6, exact: true } });
    if (id.kind !== 'string') throw new Error('id is a string column');
    // all distinct: count 1 each, in code-unit order
    expect(id.top!.values.map((v) => v.value)).toEqual(['asl-1', 'asl-2', 'asl-3', 'asl-4', 'asl-5', 'gpl-1']);
  });

  it('reports only lengths for free text: a column with a value over 256 characters', async () => {
    const r = await inspectDataset(dir);
    // 63, 64, 39, 42, 66 (the © is one character), 379
    expect(r.columns.find((c) => c.name === 'text')!.stats).toEqual({
      kind: 'string',
      length: { min: 39, max: 379, mean: 653 / 6 },
      top: null,
    });
  });

  it('counts characters as code points, not UTF-16 units or bytes', async () => {
    const d = join(root, 'emoji');
    const w = await DatasetWriter.create({ dir: d, columns: [{ name: 'greeting', type: 'utf8' }] });
    // 'Grüße 👋': 7 code points, 8 UTF-16 units, 12 UTF-8 bytes
    w.write({ greeting: 'Grüße 👋' });
    await w.close();
    const r = await inspectDataset(d);
    expect(r.columns[0]!.stats).toMatchObject({ length: { min: 7, max: 7, mean: 7 }, top: { values: [{ value: 'Grüße 👋', count: 1 }] } });
  });

  it('returns the first N rows as samples, long text cut for display', async () => {
    const r = await inspectDataset(dir, { sample: 6 });
    expect(r.samples).toHaveLength(6);
    expect(r.samples[0]).toEqual({
      id: 'asl-1',
      text: TEXTS[0],
      license: 'Apache-2.0',
      n_words: 9,
      n_bytes: 63,
      score: 0.5,
      has_url: false,
      tokens: '[8, 5, 3, 6]',
      head: '<4 bytes: 4c696365>',
    });
    expect(r.samples[2]).toMatchObject({ score: null, has_url: null, head: null });
    expect(r.samples[5]!['text']).toBe(`${TEXTS[5].slice(0, 200)}… (+179 chars)`);
    expect((await inspectDataset(dir, { sample: 0 })).samples).toEqual([]);
    expect((await inspectDataset(dir)).samples.map((s) => s['id'])).toEqual(['asl-1', 'asl-2', 'asl-3']);
  });

  it('keeps top-value memory bounded and says by how much counts may be low', async () => {
    const d = join(root, 'many');
    const w = await DatasetWriter.create({ dir: d, columns: [{ name: 'key', type: 'utf8' }] });
    // the counters fill with distinct keys; the first "heavy" empties them (one decrement round)
    for (let i = 0; i < TOP_VALUE_CAPACITY; i++) w.write({ key: `k${i}` });
    for (let i = 0; i < 3000; i++) w.write({ key: 'heavy' });
    for (let i = 0; i < 1000; i++) w.write({ key: `late${i}` });
    await w.close();
    const r = await inspectDataset(d, { topValues: 2 });
    expect(r.columns[0]!.stats).toEqual({
      kind: 'string',
      length: expect.any(Object) as unknown,
      top: {
        values: [
          { value: 'heavy', count: 2999 },
          { value: 'late0', count: 1 },
        ],
        exact: false,
        maxUndercount: 1,
        distinct: null,
      },
    });
  });

  it('summarizes the ledger by stage and reason and the quarantine by code', async () => {
    const d = join(root, 'staged');
    const w = await DatasetWriter.create({ dir: d, columns: COLUMNS });
    await w.writeAll(rows().slice(0, 2));
    const main = await w.close();
    const gopher = new LedgerWriter({ dir: join(d, 'ledger'), stage: 'gopher', shardName: (s) => `shards/part-0000${s}.arrow` });
    gopher.add({ id: 'asl-3', reason: 'gopher_mean_word_length', signals: { value: 2.1 } });
    gopher.add({ id: 'asl-4', reason: 'gopher_mean_word_length', signals: { value: 1.5 } });
    gopher.add({ id: 'asl-5', reason: 'too_short' });
    const lang = new LedgerWriter({ dir: join(d, 'ledger'), stage: 'lang', shardName: (s) => `shards/part-0001${s}.arrow` });
    lang.add({ id: 'gpl-1', reason: 'lang_score', signals: { lang: 'en', score: 0.4 } });
    const ledgerShards = [...(await gopher.close()), ...(await lang.close())];
    const stage = { name: 'fixture', version: '1', config: {} };
    await writeManifest(
      join(d, 'ledger'),
      buildManifest({ columns: LEDGER_COLUMNS, shards: ledgerShards, kind: 'ledger', stage, inputs: [], stats: {} }),
    );
    const q = new QuarantineWriter({ dir: join(d, 'quarantine') });
    q.add({ source: 'a.jsonl', line: 3, code: 'INGEST_BAD_JSON', message: 'Unexpected token' });
    q.add({ source: 'b.warc.gz', offset: 1024, code: 'INGEST_TRUNCATED_GZIP', message: 'unexpected end of file' });
    q.add({ source: 'a.jsonl', line: 9, code: 'INGEST_BAD_JSON', message: 'Unexpected end of JSON input' });
    const qShards = await q.close();
    await writeManifest(
      join(d, 'quarantine'),
      buildManifest({ columns: QUARANTINE_COLUMNS, shards: qShards, kind: 'quarantine', stage, inputs: [], stats: {} }),
    );
    await writeManifest(d, { ...main, ledger: 'ledger', quarantine: 'quarantine' });

    const r = await inspectDataset(d, { verify: true });
    expect(r.verified).toBe(true);
    expect(r.ledger).toMatchObject({
      path: join(d, 'ledger'),
      rows: 4,
      reasons: [
        { stage: 'gopher', reason: 'gopher_mean_word_length', rows: 2 },
        { stage: 'gopher', reason: 'too_short', rows: 1 },
        { stage: 'lang', reason: 'lang_score', rows: 1 },
      ],
    });
    expect(r.quarantine).toMatchObject({
      path: join(d, 'quarantine'),
      rows: 3,
      codes: [
        { code: 'INGEST_BAD_JSON', rows: 2 },
        { code: 'INGEST_TRUNCATED_GZIP', rows: 1 },
      ],
    });
    expect((await verifyDataset(d)).shards).toHaveLength(1 + 2 + 1);
  });

  it('refuses a sample size that is not a non-negative integer, naming the option', async () => {
    await expect(inspectDataset(dir, { sample: -1 })).rejects.toThrow(/sample must be an integer >= 0/);
    await expect(inspectDataset(dir, { topValues: 1.5 })).rejects.toThrow(RangeError);
  });
});

describe('checksum verification', () => {
  it('detects a flipped byte when inspecting with verify, and verifyDataset names every bad shard', async () => {
    const d = join(root, 'damaged');
    const w = await DatasetWriter.create({ dir: d, columns: COLUMNS, targetRows: 2 });
    await w.writeAll(rows());
    const m = await w.close();
    expect(m.shards).toHaveLength(3);
    for (const k of [0, 2]) {
      const file = join(d, m.shards[k]!.file);
      const bytes = readFileSync(file);
      bytes[bytes.length >> 1]! ^= 0x40;
      writeFileSync(file, bytes);
    }
    await expect(inspectDataset(d, { verify: true })).rejects.toMatchObject({
      code: 'CORE_SHARD_CHECKSUM',
      file: join(d, 'shards/part-00000.arrow'),
    });
    const v = await verifyDataset(d);
    expect(v.ok).toBe(false);
    expect(v.shards.map((s) => s.ok)).toEqual([false, true, false]);
    expect(v.failures.map((f) => [f.file, f.error?.code])).toEqual([
      [join(d, 'shards/part-00000.arrow'), 'CORE_SHARD_CHECKSUM'],
      [join(d, 'shards/part-00002.arrow'), 'CORE_SHARD_CHECKSUM'],
    ]);
    expect((await verifyDataset(dir)).ok).toBe(true);
  });
});

describe('displayValue', () => {
  it('cuts long strings and shortens lists and bytes', () => {
    expect(displayValue('x'.repeat(250))).toBe(`${'x'.repeat(200)}… (+50 chars)`);
    expect(displayValue(Uint32Array.from({ length: 20 }, (_, i) => i))).toBe(
      '[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, … (20 items)]',
    );
    expect(displayValue(new Uint8Array(20))).toBe(`<20 bytes: ${'00'.repeat(16)}…>`);
    expect(displayValue(12n)).toBe(12);
    expect(displayValue(undefined)).toBeNull();
  });
});
