/**
 * A small dataset of real text for the CLI's unit tests: paragraphs of the
 * license texts Debian ships in base-files (/usr/share/common-licenses).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetWriter, documentColumns, type Manifest } from '@winnow/core';

const LICENSES = '/usr/share/common-licenses';

/**
 * Writes `rows` license paragraphs as a document dataset.
 *
 * @param dir - the dataset folder.
 * @param rows - number of documents.
 * @param targetRows - rows per shard.
 * @returns the manifest.
 */
export async function writeLicenseDataset(dir: string, rows: number, targetRows: number): Promise<Manifest> {
  const texts: string[] = [];
  for (const name of readdirSync(LICENSES).sort()) {
    const path = join(LICENSES, name);
    if (!statSync(path).isFile()) continue;
    for (const p of readFileSync(path, 'utf8').split(/\n\s*\n/)) if (p.trim().length >= 40) texts.push(p.trim());
  }
  if (texts.length < rows) throw new Error(`expected ${rows} paragraphs in ${LICENSES}, found ${texts.length}`);
  const w = await DatasetWriter.create({
    dir,
    columns: documentColumns(),
    targetRows,
    stage: { name: 'fixture', version: '1', config: { rows } },
  });
  for (let i = 0; i < rows; i++) {
    w.write({ id: `lic-${String(i).padStart(4, '0')}`, text: texts[i]!, url: null, source: `${LICENSES}`, meta: null });
  }
  return w.close({ documents: rows });
}
