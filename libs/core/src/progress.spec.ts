import { formatBytes, formatDuration, formatTable } from './format';
import { Progress } from './progress';

function sink(isTTY: boolean) {
  const out: string[] = [];
  return { out, stream: { isTTY, columns: 200, write: (s: string) => out.push(s) } };
}

describe('Progress', () => {
  it('redraws one bar with rate and ETA on a TTY', () => {
    let t = 0;
    const { out, stream } = sink(true);
    const p = new Progress({ label: 'sample', totalBytes: 1000, totalTasks: 4, stream, now: () => t });
    t = 2000;
    p.add({ bytes: 250, rows: 100, tasks: 1 });
    expect(out.at(-1)).toMatch(/^\r\x1b\[2Ksample \[######-+\]  25% 100 rows  125 B\/s  50 rows\/s  tasks 1\/4  ETA 0:06/);
    p.finish();
    expect(out.at(-1)).toBe('\n');
  });

  it('prints a plain line at intervals when not on a TTY', () => {
    let t = 0;
    const { out, stream } = sink(false);
    const p = new Progress({ label: 'sample', totalTasks: 10, stream, lineIntervalMs: 5000, now: () => t });
    for (let i = 1; i <= 10; i++) {
      t = i * 1000;
      p.add({ tasks: 1, rows: 10 });
    }
    p.finish();
    expect(out).toHaveLength(3); // at 1 s, 6 s, and the final line
    for (const line of out) expect(line).toMatch(/^\[sample\] .*\n$/);
    expect(out.at(-1)).toMatch(/100\.0% 100 rows/);
  });

  it('draws nothing when quiet', () => {
    const { out, stream } = sink(true);
    const p = new Progress({ label: 'x', stream, quiet: true });
    p.add({ rows: 5 });
    p.finish();
    expect(out).toEqual([]);
  });
});

describe('formatting', () => {
  it('aligns numbers right and text left in tables', () => {
    expect(formatTable(['reason', 'removed'], [['lang', 1200], ['gopher_repetition', 3]])).toBe(
      ['reason             removed', '-----------------  -------', 'lang                 1,200', 'gopher_repetition        3'].join('\n'),
    );
  });

  it('writes sizes and durations for people', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1_234_567)).toBe('1.23 MB');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(Number.NaN)).toBe('--:--');
  });
});
