import { readHeader } from '../headers/read-header';
import { CachecoreAuthError } from './cachecore-auth-error';
import { CachecoreError } from './cachecore-error';
import { CachecoreRateLimitError } from './cachecore-rate-limit-error';
import { parseRetryAfter } from './parse-retry-after';

/** What {@link createErrorFromResponse} needs to know about a failed gateway answer. */
export interface FailedResponseDetails {
  /** HTTP status of the answer. */
  status: number;
  /** HTTP status text, when known (used only in the message). */
  statusText?: string;
  /** Response headers in any shape; `Retry-After` is read from them. */
  headers?: unknown;
  /**
   * The response body: a parsed JSON value or the raw text. The gateway's message is taken from
   * the OpenAI-shaped `{"error": {"message": …}}` when present.
   */
  body?: unknown;
  /** Method of the request that failed, for the message. */
  method: string;
  /** URL of the request that failed, for the message. */
  url: string;
  /** The underlying error, when there is one. */
  cause?: unknown;
}

/**
 * The single place where a gateway HTTP status becomes an error class: `401`/`403` →
 * {@link CachecoreAuthError}, `429` → {@link CachecoreRateLimitError} (with `retryAfter`), `400`,
 * `5xx` and anything else → {@link CachecoreError} with `status`. The message names the method, URL
 * and status and quotes the gateway's own error message when the body carries one.
 *
 * @example
 * ```ts
 * const response = await cc.fetch(url, init);
 * if (!response.ok) {
 *   throw createErrorFromResponse({
 *     status: response.status,
 *     headers: response.headers,
 *     body: await response.text(),
 *     method: 'POST',
 *     url,
 *   });
 * }
 * ```
 */
export function createErrorFromResponse(details: FailedResponseDetails): CachecoreError {
  const { status, method, url, cause } = details;
  const statusLabel = details.statusText ? `${status} ${details.statusText}` : String(status);
  const gatewayMessage = extractGatewayErrorMessage(details.body);
  const message =
    `${method.toUpperCase()} ${url} failed with ${statusLabel}` +
    (gatewayMessage ? `: ${gatewayMessage}` : '');

  if (status === 401 || status === 403) {
    return new CachecoreAuthError(message, {
      code: status === 401 ? 'unauthorized' : 'forbidden',
      status,
      cause,
    });
  }
  if (status === 429) {
    const retryAfter = parseRetryAfter(readHeader(details.headers, 'retry-after'));
    return new CachecoreRateLimitError(message, {
      code: 'rate_limited',
      status,
      cause,
      retryAfter,
    });
  }
  return new CachecoreError(message, { code: codeForStatus(status), status, cause });
}

function codeForStatus(status: number): string {
  if (status === 400) return 'bad_request';
  if (status >= 500) return 'server_error';
  return 'http_error';
}

const maximumQuotedTextLength = 300;

/**
 * Finds the human-readable message in an error body: `{"error": {"message"}}` (OpenAI shape),
 * `{"error": "…"}`, `{"message": "…"}`, or short plain text. Returns `null` when there is none.
 */
export function extractGatewayErrorMessage(body: unknown): string | null {
  let value = body;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return null;
    try {
      value = JSON.parse(text);
    } catch {
      return text.length > maximumQuotedTextLength
        ? `${text.slice(0, maximumQuotedTextLength)}…`
        : text;
    }
  }
  if (value === null || typeof value !== 'object') return null;
  const record = value as Record<string, unknown>;
  const error = record.error;
  if (typeof error === 'string' && error !== '') return error;
  if (error !== null && typeof error === 'object') {
    const nested = (error as Record<string, unknown>).message;
    if (typeof nested === 'string' && nested !== '') return nested;
  }
  if (typeof record.message === 'string' && record.message !== '') return record.message;
  return null;
}
