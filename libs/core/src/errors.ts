/**
 * Typed errors of `@winnow/core`. Every class has a stable `code` that callers
 * (and the CLI's exit summary) can match on, a message that says what was
 * expected, what was found and what to do, and where it happened.
 */

/** Where an error happened: a file and, when known, a byte offset or line. */
export interface ErrorLocation {
  /** Path or URL of the file, shard or source. */
  file?: string;
  /** Byte offset into `file`. */
  offset?: number;
  /** 1-based line number in `file`. */
  line?: number;
}

/** Options every winnow error takes. */
export interface WinnowErrorOptions extends ErrorLocation {
  /** The lower-level error this one explains. */
  cause?: unknown;
  /** What the user can do about it. */
  hint?: string;
}

/**
 * Base class of every error winnow throws on purpose.
 *
 * @example
 * ```ts
 * try { await openDataset('out/') } catch (e) {
 *   if (e instanceof WinnowError) console.error(e.code, e.file)
 * }
 * ```
 */
export class WinnowError extends Error {
  /** Stable identifier of the failure, e.g. `CORE_SHARD_CHECKSUM`. */
  readonly code: string;
  readonly file: string | undefined;
  readonly offset: number | undefined;
  readonly line: number | undefined;
  readonly hint: string | undefined;

  /**
   * @param code - stable failure code.
   * @param message - what was expected, what was found.
   * @param options - location, cause and hint.
   * @param locate - prefix the message with the location (off when `message` already names it).
   */
  constructor(code: string, message: string, options: WinnowErrorOptions = {}, locate = true) {
    super(locate ? formatMessage(message, options) : message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.file = options.file;
    this.offset = options.offset;
    this.line = options.line;
    this.hint = options.hint;
  }

  /** A plain object for JSON output and for crossing worker-thread boundaries. */
  toJSON(): SerializedError {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.file === undefined ? {} : { file: this.file }),
      ...(this.offset === undefined ? {} : { offset: this.offset }),
      ...(this.line === undefined ? {} : { line: this.line }),
      ...(this.hint === undefined ? {} : { hint: this.hint }),
    };
  }
}

function formatMessage(message: string, options: WinnowErrorOptions): string {
  const where: string[] = [];
  if (options.file !== undefined) where.push(options.file);
  if (options.line !== undefined) where.push(`line ${options.line}`);
  if (options.offset !== undefined) where.push(`byte ${options.offset}`);
  const prefix = where.length > 0 ? `${where.join(', ')}: ` : '';
  const hint = options.hint === undefined ? '' : ` ${options.hint}`;
  return `${prefix}${message}${hint}`;
}

/** The JSON form of a {@link WinnowError}. */
export interface SerializedError extends ErrorLocation {
  name: string;
  code: string;
  message: string;
  hint?: string;
  stack?: string;
}

/** A dataset folder has no readable `manifest.json`. */
export class DatasetNotFoundError extends WinnowError {
  constructor(dir: string, options: WinnowErrorOptions = {}) {
    super('CORE_DATASET_NOT_FOUND', 'no dataset here: manifest.json is missing.', {
      hint: 'Point to a folder written by winnow (it holds manifest.json and shards/), or rerun the stage that writes it.',
      ...options,
      file: dir,
    });
  }
}

/** `manifest.json` exists but is not valid. */
export class ManifestError extends WinnowError {
  constructor(file: string, detail: string, options: WinnowErrorOptions = {}) {
    super('CORE_MANIFEST_INVALID', `invalid manifest: ${detail}.`, { ...options, file });
  }
}

/** A dataset was written by a schema version this code cannot read. */
export class SchemaVersionError extends WinnowError {
  constructor(file: string, found: number, supported: number) {
    super('CORE_SCHEMA_VERSION', `schema version ${found} is not supported (this winnow reads version ${supported}).`, {
      file,
      hint: 'Rebuild the dataset with this version of winnow.',
    });
  }
}

/** A shard's bytes do not match the checksum or size recorded in the manifest. */
export class ShardChecksumError extends WinnowError {
  constructor(file: string, expected: string, actual: string) {
    super('CORE_SHARD_CHECKSUM', `shard is corrupted: expected ${expected}, found ${actual}.`, {
      file,
      hint: 'The file changed after it was written (disk error, partial copy, manual edit). Restore it or rerun the stage that wrote it.',
    });
  }
}

/** A shard listed in the manifest is missing or cannot be parsed as Arrow IPC. */
export class ShardReadError extends WinnowError {
  constructor(file: string, detail: string, options: WinnowErrorOptions = {}) {
    super('CORE_SHARD_UNREADABLE', `cannot read shard: ${detail}.`, { ...options, file });
  }
}

/** A row does not fit the writer's schema (wrong type, missing non-null column). */
export class SchemaMismatchError extends WinnowError {
  constructor(detail: string, options: WinnowErrorOptions = {}) {
    super('CORE_SCHEMA_MISMATCH', detail, options);
  }
}

/** A config file or option failed validation; `field` names the offending key. */
export class ConfigError extends WinnowError {
  /** Dotted path of the invalid field, e.g. `shards.targetBytes`. */
  readonly field: string | undefined;

  constructor(message: string, options: WinnowErrorOptions & { field?: string } = {}) {
    super('CORE_CONFIG_INVALID', message, options);
    this.field = options.field;
  }
}

/** An output folder holds a dataset written with a different config or input. */
export class OutputConflictError extends WinnowError {
  constructor(dir: string, detail: string) {
    super('CORE_OUTPUT_CONFLICT', detail, {
      file: dir,
      hint: 'Choose another --out folder, or pass --overwrite to replace it.',
    });
  }
}

/** A task of a stage failed; `cause` holds the task's own error. */
export class TaskFailedError extends WinnowError {
  readonly taskIndex: number;

  constructor(stage: string, taskIndex: number, cause: SerializedError | Error) {
    const located = cause instanceof WinnowError || !(cause instanceof Error);
    const hint = located ? (cause as SerializedError).hint : undefined;
    // the cause's message ends with its hint: keep the hint as a field, not twice in the text
    const inner = hint !== undefined && cause.message.endsWith(` ${hint}`) ? cause.message.slice(0, -hint.length - 1) : cause.message;
    super(
      'CORE_TASK_FAILED',
      `stage ${stage}, task ${taskIndex} failed: ${inner}`,
      { cause, ...(located ? pickLocation(cause) : {}), ...(hint === undefined ? {} : { hint }) },
      false,
    );
    this.taskIndex = taskIndex;
  }
}

function pickLocation(e: ErrorLocation): ErrorLocation {
  const out: ErrorLocation = {};
  if (e.file !== undefined) out.file = e.file;
  if (e.offset !== undefined) out.offset = e.offset;
  if (e.line !== undefined) out.line = e.line;
  return out;
}

/**
 * Turns anything thrown into a {@link SerializedError} that can cross a
 * worker-thread boundary without losing its code and location.
 *
 * @param e - what was thrown.
 * @returns its plain-object form.
 * @example
 * ```ts
 * const s = serializeError(new ShardReadError('a.arrow', 'truncated')) // s.code === 'CORE_SHARD_UNREADABLE'
 * ```
 */
export function serializeError(e: unknown): SerializedError {
  if (e instanceof WinnowError) return { ...e.toJSON(), ...(e.stack === undefined ? {} : { stack: e.stack }) };
  if (e instanceof Error) {
    return { name: e.name, code: 'UNEXPECTED', message: e.message, ...(e.stack === undefined ? {} : { stack: e.stack }) };
  }
  return { name: 'Error', code: 'UNEXPECTED', message: String(e) };
}
