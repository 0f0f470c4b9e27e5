import { WinnowError, type WinnowErrorOptions } from '@winnow/core';

/** Stable codes of bad input found while ingesting; also the quarantine's `code` column. */
export const INGEST_CODES = {
  sourceNotFound: 'INGEST_SOURCE_NOT_FOUND',
  emptyFile: 'INGEST_EMPTY_FILE',
  truncatedGzip: 'INGEST_TRUNCATED_GZIP',
  badGzip: 'INGEST_BAD_GZIP',
  truncatedZstd: 'INGEST_TRUNCATED_ZSTD',
  badZstd: 'INGEST_BAD_ZSTD',
  invalidUtf8: 'INGEST_INVALID_UTF8',
  badJson: 'INGEST_BAD_JSON',
  missingField: 'INGEST_MISSING_FIELD',
  recordTooLarge: 'INGEST_RECORD_TOO_LARGE',
  unknownFormat: 'INGEST_UNKNOWN_FORMAT',
  httpStatus: 'INGEST_HTTP_STATUS',
  httpFailed: 'INGEST_HTTP_FAILED',
} as const;

/** One of {@link INGEST_CODES}. */
export type IngestCode = (typeof INGEST_CODES)[keyof typeof INGEST_CODES];

/**
 * An input problem that stops reading a whole source (a truncated or corrupt
 * compressed stream, a missing file). Record-level problems are not thrown:
 * readers yield them as bad records, which the stage quarantines.
 *
 * @example
 * ```ts
 * throw new IngestError('INGEST_TRUNCATED_GZIP', 'the gzip stream ends early.', { file: 'a.jsonl.gz', offset: 4096 })
 * ```
 */
export class IngestError extends WinnowError {
  constructor(code: IngestCode, message: string, options: WinnowErrorOptions = {}) {
    super(code, message, options);
  }
}
