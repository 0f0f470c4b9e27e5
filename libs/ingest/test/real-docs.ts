/**
 * Real documents for ingest's tests: the bundled SpamAssassin sample
 * (datasets/spamassassin), read back through @winnow/core.
 */
import { resolve } from 'node:path';
import { openDataset } from '@winnow/core';

export const SAMPLE = resolve(__dirname, '..', '..', '..', 'datasets', 'spamassassin');

export interface RealDoc {
  id: string;
  text: string;
  subject: string;
}

let cache: RealDoc[] | null = null;

/** The sample's documents, in order. */
export async function realDocs(): Promise<RealDoc[]> {
  if (cache !== null) return cache;
  const out: RealDoc[] = [];
  for await (const r of (await openDataset(SAMPLE)).rows({ columns: ['id', 'text', 'meta'] })) {
    const meta = JSON.parse(String(r['meta'])) as { subject?: string };
    out.push({ id: String(r['id']), text: String(r['text']), subject: meta.subject ?? '' });
  }
  cache = out;
  return out;
}

/** JSON Lines of documents: `{"id", "text", "subject"}` per line. */
export function toJsonl(docs: readonly RealDoc[]): string {
  return docs.map((d) => JSON.stringify({ id: d.id, text: d.text, subject: d.subject })).join('\n') + '\n';
}
