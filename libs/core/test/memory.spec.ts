import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('streaming a dataset much larger than a batch', () => {
  it('keeps memory flat while writing and while reading', () => {
    const dir = mkdtempSync(join(tmpdir(), 'winnow-rss-'));
    try {
      const child = join(__dirname, 'stream-rss-child.ts');
      const r = spawnSync(process.execPath, ['--conditions=@winnow/source', '--import', 'tsx', child, join(dir, 'big'), '320'], {
        encoding: 'utf8',
        timeout: 240_000,
      });
      if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
      const m = JSON.parse(r.stdout.trim()) as Record<string, number>;
      // a 320 MB dataset in 256-row batches (about 1 MB each) ...
      expect(m['datasetMB']).toBeGreaterThanOrEqual(320);
      expect(m['shards']).toBeGreaterThanOrEqual(5);
      // ... grows the process by far less than its size (generous margin: 96 MB) once streaming has started
      expect(m['writePeakMB']! - m['writeRssStartMB']!).toBeLessThan(96);
      expect(m['readPeakMB']! - m['readRssStartMB']!).toBeLessThan(96);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
