/**
 * Child process for the memory test: writes a dataset of `mb` megabytes of real
 * text, then streams it back, sampling RSS along the way. Prints one JSON line.
 * usage: node --conditions=@winnow/source --import tsx stream-rss-child.ts <dir> <mb>
 */
import { DatasetWriter, documentColumns, openDataset } from '../src';
import { realParagraphs } from './fixtures';

async function main(): Promise<void> {
  const [dir, mbArg] = process.argv.slice(2);
  const target = Number(mbArg) * 1e6;
  const paragraphs = realParagraphs();
  const mb = (n: number) => Math.round(n / 1e6);

  // write: documents of ~20 paragraphs each
  const w = await DatasetWriter.create({ dir: dir!, columns: documentColumns(), targetBytes: 64e6, batchRows: 256 });
  let written = 0;
  let i = 0;
  let writeRssStart = 0;
  let writePeak = 0;
  while (written < target) {
    const text = Array.from({ length: 20 }, (_, k) => paragraphs[(i * 20 + k) % paragraphs.length]).join('\n\n');
    w.write({ id: `doc-${i}`, text, url: null, source: 'common-licenses', meta: null });
    written += text.length;
    i++;
    if (i === 2048) writeRssStart = process.memoryUsage().rss;
    if (i % 256 === 0) writePeak = Math.max(writePeak, process.memoryUsage().rss);
  }
  const m = await w.close();

  // read: stream every row, touching the text
  const ds = await openDataset(dir!);
  let rows = 0;
  let chars = 0;
  let readRssStart = 0;
  let readPeak = 0;
  let batches = 0;
  for await (const { batch } of ds.batches()) {
    const text = batch.getChild('text')!;
    for (let r = 0; r < batch.numRows; r++) chars += (text.get(r) as string).length;
    rows += batch.numRows;
    batches++;
    const rss = process.memoryUsage().rss;
    if (batches === 8) readRssStart = rss;
    readPeak = Math.max(readPeak, rss);
  }
  process.stdout.write(
    `${JSON.stringify({ datasetMB: mb(m.bytes), shards: m.shards.length, rows, chars, writeRssStartMB: mb(writeRssStart), writePeakMB: mb(writePeak), readRssStartMB: mb(readRssStart), readPeakMB: mb(readPeak) })}\n`,
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`${String(e)}\n`);
  process.exit(1);
});
