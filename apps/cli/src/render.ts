/**
 * Text for people: dataset reports, verification results and stage summaries.
 * Presentation only; every number comes from the libraries.
 */
import {
  formatBytes,
  formatCount,
  formatDuration,
  formatTable,
  type Cell,
  type ColumnReport,
  type DatasetReport,
  type DisplayValue,
  type RunSummary,
  type VerifyReport,
} from '@winnow/core';
import { displayPath } from './context';

/** Widest a top value is shown in the Columns table (longer ones keep their start and end). */
const TOP_VALUE_WIDTH = 40;
/** Top values shown per column in the Columns table (`--json` has them all). */
const TOP_VALUES_SHOWN = 3;

/**
 * A dataset report as text: a header, then the sections Schema, Shards,
 * Columns, Ledger reasons (and Quarantine), Samples.
 *
 * @param r - the report.
 * @returns the text, ending with a newline.
 */
export function renderReport(r: DatasetReport): string {
  const out: string[] = [];
  const fp = r.stage.fingerprint.slice(0, 12);
  out.push(
    keyValues([
      ['dataset', displayPath(r.path)],
      ['kind', `${r.kind} (schema v${r.schemaVersion}, written by winnow ${r.codeVersion} at ${r.createdAt})`],
      ['stage', `${r.stage.name} v${r.stage.version}, fingerprint ${fp}`],
      ['config', JSON.stringify(r.stage.config) ?? '{}'],
      ...r.inputs.map((i, n): [string, string] => [
        n === 0 ? 'inputs' : '',
        `${displayPath(i.path)} (fingerprint ${i.fingerprint.slice(0, 12)})`,
      ]),
      ['rows', formatCount(r.rows)],
      ['bytes', `${formatBytes(r.bytes)} in ${formatCount(r.shards.count)} shard${r.shards.count === 1 ? '' : 's'}`],
      ['checksums', r.verified ? 'verified: every shard matches the manifest' : 'not verified (pass --verify, or run winnow verify)'],
    ]),
  );

  out.push(section('Schema'));
  out.push(
    formatTable(
      ['column', 'type', 'nullable', 'description'],
      r.columns.map((c) => [c.name, c.type, c.nullable ? 'yes' : 'no', c.description ?? '']),
    ),
  );

  out.push(section('Shards'));
  const { shards } = r;
  out.push(
    formatTable(
      ['per shard', 'min', 'max', 'mean', 'total'],
      [
        ['rows', ...range(shards.rows), r.rows],
        ['bytes', bytes(shards.bytes?.min), bytes(shards.bytes?.max), bytes(shards.bytes?.mean), bytes(r.bytes)],
      ],
    ),
  );
  out.push(`${formatCount(shards.count)} shard${shards.count === 1 ? '' : 's'}, ${formatCount(shards.batches)} record batches`);

  out.push(section('Columns'));
  out.push(formatTable(['column', 'type', 'non-null', 'nulls', 'of', 'min', 'max', 'mean', 'top values'], r.columns.map(columnRow)));
  out.push('of: value, chars (strings, in characters), items (lists), bytes (binary). ~ marks approximate counts.');

  out.push(section('Ledger reasons'));
  if (r.ledger === null) {
    out.push('none: the manifest names no ledger (stage outputs have one, in ledger/).');
  } else {
    out.push(`${displayPath(r.ledger.path)}: ${formatCount(r.ledger.rows)} removed rows, ${formatBytes(r.ledger.bytes)}`);
    if (r.ledger.reasons.length > 0)
      out.push(
        formatTable(
          ['stage', 'reason', 'removed'],
          r.ledger.reasons.map((x) => [x.stage, x.reason, x.rows]),
        ),
      );
  }
  if (r.quarantine !== null) {
    out.push(section('Quarantine'));
    out.push(`${displayPath(r.quarantine.path)}: ${formatCount(r.quarantine.rows)} bad input records, ${formatBytes(r.quarantine.bytes)}`);
    if (r.quarantine.codes.length > 0)
      out.push(
        formatTable(
          ['code', 'records'],
          r.quarantine.codes.map((x) => [x.code, x.rows]),
        ),
      );
  }

  out.push(section('Samples'));
  if (r.samples.length === 0) out.push('none (pass --sample N)');
  const types = new Map(r.columns.map((c) => [c.name, c.type]));
  r.samples.forEach((row, i) => {
    out.push(`#${i + 1}`);
    out.push(keyValues(Object.entries(row).map(([k, v]) => [k, sampleText(v, types.get(k) === 'utf8')])));
  });
  return `${out.join('\n')}\n`;
}

function section(title: string): string {
  return `\n${title}\n`;
}

function keyValues(pairs: readonly (readonly [string, string])[]): string {
  const width = Math.max(0, ...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`.trimEnd()).join('\n');
}

function bytes(n: number | undefined): string {
  return n === undefined ? '' : formatBytes(n);
}

/** Strings quoted with escapes (a newline shows as \n); lists and bytes as rendered by core. */
function sampleText(v: DisplayValue, utf8: boolean): string {
  return utf8 && typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function columnRow(c: ColumnReport): Cell[] {
  const base: Cell[] = [c.name, c.type, c.count, c.nulls];
  const s = c.stats;
  switch (s.kind) {
    case 'number':
      return [...base, 'value', ...range(s.values), s.nans > 0 ? `${formatCount(s.nans)} NaN` : ''];
    case 'bool':
      return [...base, '', null, null, null, `true ${formatCount(s.true)}, false ${formatCount(s.false)}`];
    case 'list':
      return [...base, 'items', ...range(s.length), ''];
    case 'binary':
      return [...base, 'bytes', ...range(s.length), ''];
    case 'string': {
      let top: string;
      if (s.top === null) top = '(free text: lengths only)';
      else if (s.top.values.length === 0) top = '';
      else if (s.top.exact && s.top.distinct === c.count && c.count > 1) top = `all ${formatCount(c.count)} distinct`;
      else {
        const approx = s.top.exact ? '' : '~';
        top = s.top.values
          .slice(0, TOP_VALUES_SHOWN)
          .map((v) => `${clip(JSON.stringify(v.value))} ${approx}${formatCount(v.count)}`)
          .join(', ');
        if (s.top.distinct !== null && s.top.distinct > TOP_VALUES_SHOWN) top += ` (${formatCount(s.top.distinct)} distinct)`;
      }
      return [...base, 'chars', ...range(s.length), top];
    }
  }
}

function clip(text: string): string {
  if (text.length <= TOP_VALUE_WIDTH) return text;
  const half = (TOP_VALUE_WIDTH - 1) >> 1;
  return `${text.slice(0, half)}…${text.slice(-half)}`;
}

/** A statistic rounded for the table: whole numbers from 100 up, 2 decimals from 1, else 3 significant digits (JSON keeps the exact value). */
function rounded(n: number | undefined): number | undefined {
  if (n === undefined || Number.isInteger(n)) return n;
  const a = Math.abs(n);
  if (a >= 100) return Math.round(n);
  if (a >= 1) return Math.round(n * 100) / 100;
  return Number(n.toPrecision(3));
}

function range(r: { min: number; max: number; mean: number } | null): Cell[] {
  return [rounded(r?.min), rounded(r?.max), rounded(r?.mean)];
}

/**
 * A verification report as text: one line per bad shard, then a total.
 *
 * @param r - the report.
 * @returns the text.
 */
export function renderVerify(r: VerifyReport): string {
  const total = r.shards.reduce((n, s) => n + s.bytes, 0);
  const lines = r.failures.map((f) => `BAD  ${displayPath(f.file)}: ${f.error?.message ?? 'failed'}`);
  const head = `${formatCount(r.shards.length)} shard${r.shards.length === 1 ? '' : 's'} (${formatBytes(total)}) of ${displayPath(r.path)}`;
  lines.push(r.ok ? `ok: ${head} match their manifests` : `${formatCount(r.failures.length)} of ${head} do not match their manifests`);
  return `${lines.join('\n')}\n`;
}

function threadsText(ids: readonly number[]): string {
  if (ids.length === 0) return 'none (nothing ran)';
  if (ids.length === 1 && ids[0] === 0) return 'the main thread (--workers 0)';
  return `${ids.length} worker thread${ids.length === 1 ? '' : 's'} (ids ${ids.join(', ')})`;
}

/**
 * A stage run's summary as text: what ran, rows in and out, removals by
 * reason, quarantined records by code, bytes, rate and threads.
 *
 * @param s - the summary.
 * @returns the text.
 */
export function renderSummary(s: RunSummary): string {
  const out: string[] = [];
  const removed = Object.values(s.removed).reduce((a, b) => a + b, 0);
  const quarantined = Object.values(s.quarantined).reduce((a, b) => a + b, 0);
  const seconds = s.durationMs / 1000;
  if (s.reused) {
    out.push(
      `${s.stage}: nothing to do: ${displayPath(s.out)} is up to date (fingerprint ${s.fingerprint.slice(0, 12)}); all ${formatCount(s.tasks.total)} tasks reused, 0 ran.`,
    );
  } else if (!s.complete) {
    out.push(
      `${s.stage}: this slice is done; ${formatCount(s.tasks.pending)} task(s) are left to other slices (the last one to finish writes the manifest).`,
    );
  } else {
    out.push(`${s.stage}: wrote ${displayPath(s.out)}`);
  }
  const rate =
    s.reused || seconds <= 0 ? 'n/a (nothing ran)' : `${formatBytes(s.bytesIn / seconds)}/s, ${formatCount(s.rowsIn / seconds)} rows/s`;
  out.push(
    keyValues([
      [
        'tasks',
        `${formatCount(s.tasks.ran)} ran, ${formatCount(s.tasks.reused)} reused${s.tasks.pending > 0 ? `, ${formatCount(s.tasks.pending)} left to other slices` : ''} (of ${formatCount(s.tasks.total)})`,
      ],
      [
        'rows',
        `${formatCount(s.rowsIn)} in, ${formatCount(s.rowsOut)} out, ${formatCount(removed)} removed, ${formatCount(quarantined)} quarantined`,
      ],
      ['bytes', `${formatBytes(s.bytesIn)} in, ${formatBytes(s.bytesOut)} out`],
      ['time', formatDuration(seconds)],
      ['rate', rate],
      ['threads', threadsText(s.threads)],
    ]),
  );
  if (removed > 0) out.push('', formatTable(['removed by reason', 'rows'], Object.entries(s.removed)));
  if (quarantined > 0) out.push('', formatTable(['quarantined by code', 'records'], Object.entries(s.quarantined)));
  return `${out.join('\n')}\n`;
}
