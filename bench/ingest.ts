/**
 * bench/ingest: WARC reading on one core, on a real crawl (the Debian HTML manuals
 * fixture, repeated to ~100 MB uncompressed as a multi-member WARC.gz), next to
 * Node's own gunzip of the same file and warcio's plain record iteration in the
 * same run. Prints one JSON line.
 *
 * usage: npm run bench:ingest -- [--mb 100]
 */
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import { WARCParser } from 'warcio';
import { decode, readFileChunks, readWarc } from '@winnow/ingest';

const { values } = parseArgs({ options: { mb: { type: 'string', default: '100' } } });
const FIXTURE = resolve(__dirname, '../libs/ingest/test/fixtures/debian-docs.warc.gz');

const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;

async function gunzipBytes(path: string): Promise<number> {
  let n = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }).pipe(createGunzip())) n += (chunk as Buffer).length;
  return n;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'winnow-bench-ingest-'));
  try {
    // the fixture's gzip members, repeated: still a valid multi-member WARC.gz
    const one = readFileSync(FIXTURE);
    const oneRaw = await gunzipBytes(FIXTURE);
    const copies = Math.max(1, Math.ceil((Number(values.mb) * 1e6) / oneRaw));
    const path = join(dir, 'crawl.warc.gz');
    writeFileSync(path, Buffer.concat(Array.from({ length: copies }, () => one)));

    let t0 = process.hrtime.bigint();
    const raw = await gunzipBytes(path);
    const gunzipS = seconds(t0);

    t0 = process.hrtime.bigint();
    let warcioRecords = 0;
    for await (const record of new WARCParser(createReadStream(path, { highWaterMark: 1 << 20 }))) {
      await record.readFully();
      warcioRecords++;
    }
    const warcioS = seconds(t0);

    t0 = process.hrtime.bigint();
    let docs = 0;
    let chars = 0;
    for await (const r of readWarc(decode(readFileChunks(path), { source: path }), { source: path })) {
      if (r.ok) {
        docs++;
        chars += r.doc.text.length;
      }
    }
    const winnowS = seconds(t0);

    const mbps = (s: number) => Number((raw / 1e6 / s).toFixed(1));
    process.stdout.write(
      `${JSON.stringify({
        bench: 'ingest-warc',
        warc_mb_uncompressed: Number((raw / 1e6).toFixed(1)),
        records: warcioRecords,
        html_docs: docs,
        text_mb: Number((chars / 1e6).toFixed(1)),
        winnow_read_warc: { mb_per_s: mbps(winnowS), docs_per_s: Math.round(docs / winnowS), seconds: Number(winnowS.toFixed(3)) },
        baseline_node_gunzip: { mb_per_s: mbps(gunzipS) },
        baseline_warcio_iteration: { mb_per_s: mbps(warcioS) },
        ratio_vs_gunzip: Number((gunzipS / winnowS).toFixed(3)),
        ratio_vs_warcio: Number((warcioS / winnowS).toFixed(3)),
        extraction_share: Number(Math.max(0, 1 - warcioS / winnowS).toFixed(3)),
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
