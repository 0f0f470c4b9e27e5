/**
 * Real text for core's tests: the license texts Debian ships in base-files
 * (/usr/share/common-licenses), split into paragraphs. Present on every
 * Debian machine, CI included; no lorem ipsum.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetWriter, documentColumns, type ColumnSpec, type Manifest, type Row } from '../src';

const LICENSES = '/usr/share/common-licenses';

let cache: string[] | null = null;

/** Paragraphs of real prose (at least 40 characters each), in a stable order. */
export function realParagraphs(): string[] {
  if (cache !== null) return cache;
  const out: string[] = [];
  for (const name of readdirSync(LICENSES).sort()) {
    const path = join(LICENSES, name);
    if (!statSync(path).isFile()) continue;
    for (const p of readFileSync(path, 'utf8').split(/\n\s*\n/)) {
      const text = p.trim();
      if (text.length >= 40) out.push(text);
    }
  }
  if (out.length < 500) throw new Error(`expected real text in ${LICENSES}, found ${out.length} paragraphs`);
  cache = out;
  return out;
}

/** Extra columns of the fixture dataset, one of each kind the store supports. */
export const FIXTURE_SIGNALS: ColumnSpec[] = [
  { name: 'n_words', type: 'int32', nullable: false },
  { name: 'n_chars', type: 'int64', nullable: false },
  { name: 'upper_frac', type: 'float64', nullable: true },
  { name: 'score32', type: 'float32', nullable: true },
  { name: 'has_url', type: 'bool', nullable: true },
  { name: 'byte_sum', type: 'uint32', nullable: true },
  { name: 'word_lengths', type: 'list<uint16>', nullable: true },
  { name: 'head', type: 'binary', nullable: true },
];

/**
 * The i-th fixture document: real paragraph text with signals computed from it.
 *
 * @param i - index; paragraphs cycle, ids stay unique.
 */
export function fixtureRow(i: number): Row {
  const paragraphs = realParagraphs();
  const text = paragraphs[i % paragraphs.length]!;
  const words = text.split(/\s+/).filter(Boolean);
  const letters = text.replace(/[^A-Za-z]/g, '');
  const upper = letters.replace(/[^A-Z]/g, '').length;
  return {
    id: `lic-${String(i).padStart(7, '0')}`,
    text,
    url: i % 4 === 0 ? null : `https://www.debian.org/legal/${i % paragraphs.length}`,
    source: `${LICENSES}#${i % paragraphs.length}`,
    meta: i % 5 === 0 ? null : JSON.stringify({ paragraph: i % paragraphs.length, round: Math.floor(i / paragraphs.length) }),
    n_words: words.length,
    n_chars: text.length,
    upper_frac: letters.length === 0 ? null : upper / letters.length,
    score32: i % 7 === 0 ? null : Math.fround(words.length / 100),
    has_url: i % 3 === 0 ? null : /https?:\/\//.test(text),
    byte_sum: i % 11 === 0 ? null : [...Buffer.from(text)].reduce((a, b) => (a + b) >>> 0, 0),
    word_lengths: i % 13 === 0 ? null : Uint16Array.from(words.slice(0, 50).map((w) => w.length)),
    head: i % 9 === 0 ? null : Buffer.from(text.slice(0, 16), 'utf8'),
  };
}

/**
 * Writes a fixture dataset of real text.
 *
 * @param dir - output folder.
 * @param rows - number of documents.
 * @param options - shard and batch targets.
 */
export async function writeFixtureDataset(
  dir: string,
  rows: number,
  options: { targetRows?: number; targetBytes?: number; batchRows?: number } = {},
): Promise<Manifest> {
  const w = await DatasetWriter.create({ dir, columns: documentColumns(FIXTURE_SIGNALS), ...options, stage: { name: 'fixture', version: '1', config: { rows } } });
  for (let i = 0; i < rows; i++) w.write(fixtureRow(i));
  return w.close({ documents: rows });
}
