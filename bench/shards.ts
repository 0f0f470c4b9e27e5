/**
 * bench/shards: write and read throughput of the shard store on real text,
 * next to a plain `fs` write and read of the same number of bytes in the same
 * run. Prints one JSON line.
 *
 * usage: npm run bench:shards -- [--mb 256] [--input datasets/spamassassin] [--tmp /tmp]
 */
import { closeSync, fsyncSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DatasetWriter, documentColumns, openDataset, type Row } from '@winnow/core';

const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '256' },
    input: { type: 'string', default: resolve(__dirname, '../datasets/spamassassin') },
    tmp: { type: 'string', default: tmpdir() },
  },
});
const targetBytes = Number(values.mb) * 1e6;

async function loadDocs(dir: string): Promise<Row[]> {
  const docs: Row[] = [];
  for await (const r of (await openDataset(dir)).rows()) docs.push(r);
  if (docs.length === 0) throw new Error(`no documents in ${dir}`);
  return docs;
}

function seconds(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function main(): Promise<void> {
  const docs = await loadDocs(values.input);
  const dir = mkdtempSync(join(values.tmp, 'winnow-bench-shards-'));
  try {
    // --- winnow: write rows into shards (Arrow IPC, checksummed, fsynced, renamed) and the manifest
    const writer = await DatasetWriter.create({ dir, columns: documentColumns(), targetBytes: 64e6 });
    let rows = 0;
    let textBytes = 0;
    let t0 = process.hrtime.bigint();
    while (textBytes < targetBytes) {
      const d = docs[rows % docs.length]!;
      writer.write({ ...d, id: `${String(d['id'])}#${Math.floor(rows / docs.length)}` });
      textBytes += (d['text'] as string).length;
      rows++;
    }
    const { shards, bytes } = await writer.close();
    const writeS = seconds(t0);

    // --- winnow: stream every row back (strings decoded)
    t0 = process.hrtime.bigint();
    let readRows = 0;
    let readChars = 0;
    for await (const { batch } of (await openDataset(dir)).batches()) {
      const text = batch.getChild('text')!;
      for (let i = 0; i < batch.numRows; i++) readChars += (text.get(i) as string).length;
      readRows += batch.numRows;
    }
    const readS = seconds(t0);
    if (readRows !== rows) throw new Error(`read ${readRows} rows, wrote ${rows}`);

    // --- winnow: stream the record batches only (I/O + IPC parsing, no string decoding)
    t0 = process.hrtime.bigint();
    let batchRowsSeen = 0;
    for await (const { batch } of (await openDataset(dir)).batches()) batchRowsSeen += batch.numRows;
    const batchS = seconds(t0);
    if (batchRowsSeen !== rows) throw new Error(`read ${batchRowsSeen} rows in batches, wrote ${rows}`);

    // --- baseline: plain fs write (1 MiB chunks, fsync) and read of the same number of bytes
    const chunk = Buffer.alloc(1 << 20, 'winnow ');
    const plain = join(dir, 'plain.bin');
    t0 = process.hrtime.bigint();
    let fd = openSync(plain, 'w');
    for (let left = bytes; left > 0; left -= chunk.length) writeSync(fd, chunk, 0, Math.min(left, chunk.length));
    fsyncSync(fd);
    closeSync(fd);
    const plainWriteS = seconds(t0);
    t0 = process.hrtime.bigint();
    fd = openSync(plain, 'r');
    while (readSync(fd, chunk, 0, chunk.length, null) > 0);
    closeSync(fd);
    const plainReadS = seconds(t0);

    const mbps = (b: number, s: number) => Number((b / 1e6 / s).toFixed(1));
    process.stdout.write(
      `${JSON.stringify({
        bench: 'shards',
        rows,
        shards: shards.length,
        arrow_mb: Number((bytes / 1e6).toFixed(1)),
        text_mb: Number((textBytes / 1e6).toFixed(1)),
        write: { mb_per_s: mbps(bytes, writeS), rows_per_s: Math.round(rows / writeS), seconds: Number(writeS.toFixed(3)) },
        read: { mb_per_s: mbps(bytes, readS), rows_per_s: Math.round(readRows / readS), chars: readChars, seconds: Number(readS.toFixed(3)) },
        read_batches: { mb_per_s: mbps(bytes, batchS), rows_per_s: Math.round(rows / batchS), seconds: Number(batchS.toFixed(3)) },
        baseline_fs: { write_mb_per_s: mbps(bytes, plainWriteS), read_mb_per_s: mbps(bytes, plainReadS) },
        ratio_vs_fs: {
          write: Number((plainWriteS / writeS).toFixed(3)),
          read: Number((plainReadS / readS).toFixed(3)),
          read_batches: Number((plainReadS / batchS).toFixed(3)),
        },
      })}\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
