import { formatBytes, formatCount, formatDuration } from './format';

/** Where progress is drawn: a TTY gets a redrawn bar, anything else periodic lines. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** What callers pass to {@link Progress}. */
export interface ProgressOptions {
  /** What is running, e.g. `sample`. */
  label: string;
  /** Total input bytes, when known (drives the bar and ETA). */
  totalBytes?: number;
  /** Total tasks, when known. */
  totalTasks?: number;
  /** Where to draw (default: standard error). */
  stream?: ProgressStream;
  /** Draw nothing (default false). */
  quiet?: boolean;
  /** Milliseconds between plain lines when not on a TTY (default 10,000). */
  lineIntervalMs?: number;
  /** Milliseconds between redraws on a TTY (default 100). */
  redrawMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/** Counters a {@link Progress} tracks. */
export interface ProgressCounters {
  bytes: number;
  rows: number;
  tasks: number;
}

/**
 * Progress of a long operation: a bar with rate and ETA on a TTY, a plain line
 * every few seconds otherwise (logs, CI), nothing when quiet.
 *
 * @example
 * ```ts
 * const p = new Progress({ label: 'sample', totalBytes: 1e9, totalTasks: 40 })
 * p.add({ bytes: 1e6, rows: 1000 }); p.add({ tasks: 1 })
 * p.finish()
 * ```
 */
export class Progress {
  readonly counters: ProgressCounters = { bytes: 0, rows: 0, tasks: 0 };
  private readonly started: number;
  private lastDraw = 0;
  private readonly stream: ProgressStream;
  private readonly tty: boolean;
  private finished = false;

  constructor(private readonly options: ProgressOptions) {
    this.stream = options.stream ?? process.stderr;
    this.tty = this.stream.isTTY === true;
    this.started = this.now();
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Sets totals learned after start. */
  setTotals(totals: { bytes?: number; tasks?: number }): void {
    if (totals.bytes !== undefined) this.options.totalBytes = totals.bytes;
    if (totals.tasks !== undefined) this.options.totalTasks = totals.tasks;
  }

  /**
   * Adds to the counters and redraws when due.
   *
   * @param delta - bytes, rows and tasks done since the last call.
   */
  add(delta: Partial<ProgressCounters>): void {
    this.counters.bytes += delta.bytes ?? 0;
    this.counters.rows += delta.rows ?? 0;
    this.counters.tasks += delta.tasks ?? 0;
    this.maybeDraw();
  }

  private maybeDraw(): void {
    if (this.options.quiet === true || this.finished) return;
    const t = this.now();
    const interval = this.tty ? (this.options.redrawMs ?? 100) : (this.options.lineIntervalMs ?? 10_000);
    if (t - this.lastDraw < interval) return;
    this.lastDraw = t;
    this.draw();
  }

  /** Fraction done in [0, 1], from bytes when their total is known, else from tasks. */
  get fraction(): number | undefined {
    const { totalBytes, totalTasks } = this.options;
    if (totalBytes !== undefined && totalBytes > 0) return Math.min(1, this.counters.bytes / totalBytes);
    if (totalTasks !== undefined && totalTasks > 0) return Math.min(1, this.counters.tasks / totalTasks);
    return undefined;
  }

  /** The status text without the bar: counts, rates and ETA. */
  status(): string {
    const elapsed = Math.max(1e-3, (this.now() - this.started) / 1000);
    const { bytes, rows, tasks } = this.counters;
    const parts = [`${formatCount(rows)} rows`, `${formatBytes(bytes / elapsed)}/s`, `${formatCount(rows / elapsed)} rows/s`];
    if (this.options.totalTasks !== undefined) parts.push(`tasks ${tasks}/${this.options.totalTasks}`);
    const f = this.fraction;
    if (f !== undefined && f > 0) parts.push(`ETA ${formatDuration((elapsed * (1 - f)) / f)}`);
    parts.push(`elapsed ${formatDuration(elapsed)}`);
    return parts.join('  ');
  }

  private draw(): void {
    const f = this.fraction;
    if (this.tty) {
      const width = 24;
      const filled = f === undefined ? 0 : Math.round(f * width);
      const bar = f === undefined ? '' : `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(f * 100).toFixed(0).padStart(3)}% `;
      let line = `${this.options.label} ${bar}${this.status()}`;
      const cols = this.stream.columns ?? 120;
      if (line.length > cols - 1) line = line.slice(0, cols - 1);
      this.stream.write(`\r\x1b[2K${line}`);
    } else {
      const pct = f === undefined ? '' : ` ${(f * 100).toFixed(1)}%`;
      this.stream.write(`[${this.options.label}]${pct} ${this.status()}\n`);
    }
  }

  /** Draws the final state and ends the line. */
  finish(): void {
    if (this.finished) return;
    if (this.options.quiet !== true) {
      this.draw();
      if (this.tty) this.stream.write('\n');
    }
    this.finished = true;
  }
}
