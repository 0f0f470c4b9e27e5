import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildManifest } from './dataset-writer';
import { openDataset } from './dataset';
import { LEDGER_COLUMNS, LedgerWriter, ledgerEntryFromRow, QUARANTINE_COLUMNS, QuarantineWriter } from './ledger';
import { writeManifest } from './manifest';
import type { Row } from './schema';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'winnow-ledger-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function readAll(sub: string, columns: typeof LEDGER_COLUMNS, shards: Awaited<ReturnType<LedgerWriter['close']>>): Promise<Row[]> {
  const stage = { name: 't', version: '1', config: {} };
  await writeManifest(join(dir, sub), buildManifest({ columns, shards, kind: sub, stage, inputs: [], stats: {} }));
  const rows: Row[] = [];
  for await (const r of (await openDataset(join(dir, sub))).rows()) rows.push(r);
  return rows;
}

describe('the ledger', () => {
  it('records id, stage, reason, signals and text, and counts by reason', async () => {
    const ledger = new LedgerWriter({ dir: join(dir, 'ledger'), stage: 'gopher' });
    ledger.add({ id: 'a', reason: 'gopher_short', signals: { words: 12, min: 50 }, source: 's1', text: 'Too short to keep.' });
    ledger.add({ id: 'b', reason: 'c4_curly_bracket', signals: { big: 2n ** 60n } });
    ledger.add({ id: 'c', reason: 'gopher_short', signals: { words: 3, min: 50 } });
    expect(ledger.counts).toEqual({ c4_curly_bracket: 1, gopher_short: 2 });
    const rows = await readAll('ledger', LEDGER_COLUMNS, await ledger.close());
    expect(rows.map(ledgerEntryFromRow)).toEqual([
      { id: 'a', stage: 'gopher', reason: 'gopher_short', signals: { words: 12, min: 50 }, source: 's1', text: 'Too short to keep.' },
      { id: 'b', stage: 'gopher', reason: 'c4_curly_bracket', signals: { big: '1152921504606846976' }, source: null, text: null },
      { id: 'c', stage: 'gopher', reason: 'gopher_short', signals: { words: 3, min: 50 }, source: null, text: null },
    ]);
  });

  it('leaves texts out when asked', async () => {
    const ledger = new LedgerWriter({ dir: join(dir, 'ledger'), stage: 's', keepText: false });
    ledger.add({ id: 'a', reason: 'r', text: 'secret' });
    const rows = await readAll('ledger', LEDGER_COLUMNS, await ledger.close());
    expect(rows[0]!['text']).toBeNull();
  });
});

describe('the quarantine', () => {
  it('keeps raw bytes up to its limit and the full size, and counts by code', async () => {
    const q = new QuarantineWriter({ dir: join(dir, 'quarantine'), rawLimit: 8 });
    q.add({ source: 'a.jsonl', line: 3, code: 'INGEST_BAD_JSON', message: 'Unexpected end of JSON input', raw: '{"text": "half' });
    q.add({ source: 'b.warc.gz', offset: 1234, code: 'INGEST_TRUNCATED_GZIP', message: 'unexpected end of file', raw: Uint8Array.from([1, 2, 3]) });
    expect(q.counts).toEqual({ INGEST_BAD_JSON: 1, INGEST_TRUNCATED_GZIP: 1 });
    const rows = await readAll('quarantine', QUARANTINE_COLUMNS, await q.close());
    expect(rows[0]).toMatchObject({ source: 'a.jsonl', line: 3, offset: null, code: 'INGEST_BAD_JSON', raw_bytes: 14 });
    expect(Buffer.from(rows[0]!['raw'] as Uint8Array).toString()).toBe('{"text":');
    expect(rows[1]).toMatchObject({ source: 'b.warc.gz', offset: 1234, line: null, raw_bytes: 3 });
    expect([...(rows[1]!['raw'] as Uint8Array)]).toEqual([1, 2, 3]);
  });

  it('rejects a negative raw limit', () => {
    expect(() => new QuarantineWriter({ dir, rawLimit: -1 })).toThrow(/rawLimit/);
  });
});
