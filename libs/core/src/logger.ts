/** Log levels, most verbose first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * What libraries log through. Libraries never call `console.*`: the CLI (or
 * the caller) passes a logger, and {@link silentLogger} is the default.
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A logger that drops everything. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** What callers pass to {@link makeLogger}. */
export interface LoggerOptions {
  /** Lowest level written (default `info`). */
  level?: LogLevel;
  /** Write JSON lines instead of text (default false). */
  json?: boolean;
  /** Where to write (default: standard error). */
  write?: (line: string) => void;
}

/**
 * A logger writing one line per message, as text (`level message key=value`) or JSON.
 *
 * @param options - level, format and destination.
 * @returns the logger.
 * @example
 * ```ts
 * const log = makeLogger({ level: 'debug' })
 * log.info('shard written', { file: 'part-00000.arrow', rows: 8192 })
 * ```
 */
export function makeLogger(options: LoggerOptions = {}): Logger {
  const min = LEVELS[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const emit = (level: LogLevel) => (message: string, fields: Record<string, unknown> = {}) => {
    if (LEVELS[level] < min) return;
    if (options.json === true) {
      write(JSON.stringify({ time: new Date().toISOString(), level, message, ...fields }));
      return;
    }
    const extra = Object.entries(fields)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    write(`${level === 'info' ? '' : `${level}: `}${message}${extra ? ` ${extra}` : ''}`);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}
