const EMBEDDER_ERROR_MARKER = Symbol.for('cachecore.gateway.EmbedderError');

/** What went wrong while creating or calling an embedder. */
export type EmbedderErrorCode =
  /** The embedder spec or its options are invalid (unknown kind, bad dimensions, ...). */
  | 'embedder_config'
  /** An optional dependency or a local model folder is missing. */
  | 'embedder_unavailable'
  /** The embeddings endpoint failed, timed out or answered something unusable. */
  | 'embedder_request_failed';

/**
 * Raised by embedders. Messages say what failed and where (URL and HTTP status, or the model
 * folder), so a misconfigured L2 is diagnosable from one log line.
 */
export class EmbedderError extends Error {
  override readonly name = 'EmbedderError';
  readonly code: EmbedderErrorCode;
  /** HTTP status of the embeddings endpoint, when it answered. */
  readonly status: number | undefined;

  constructor(
    code: EmbedderErrorCode,
    message: string,
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    Object.defineProperty(this, EMBEDDER_ERROR_MARKER, { value: true });
  }

  /** `instanceof` that also works across duplicated installs of the package. */
  static isInstance(value: unknown): value is EmbedderError {
    return typeof value === 'object' && value !== null && EMBEDDER_ERROR_MARKER in value;
  }
}
