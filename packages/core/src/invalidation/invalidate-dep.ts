import { CachecoreError } from '../errors/cachecore-error';
import { createErrorFromResponse } from '../errors/create-error-from-response';
import { parseRetryAfter } from '../errors/parse-retry-after';
import { assertValidDepId } from '../headers/dep';
import { TOKEN_HEADER } from '../protocol/header-names';
import { validateDepHash } from '../protocol/validate-dep';
import { fetchFollowingRedirects } from '../transport/follow-redirects';
import {
  computeBackoffMilliseconds,
  MAX_HONOURED_RETRY_AFTER_SECONDS,
  sleep,
} from './wait-before-retry';

/** Options of one invalidation. */
export interface InvalidateOptions {
  /**
   * The dependency's new current hash. Entries expecting any other hash stop being served.
   * @default a random UUID chosen by the gateway
   */
  newHash?: string;
  /** Cancels the call (including waits between retries). */
  signal?: AbortSignal;
}

/** A successful invalidation. */
export interface InvalidateSuccess {
  /** The dependency id that was invalidated. */
  depId: string;
  ok: true;
  /** The dependency's current hash on the gateway from now on. */
  newHash: string;
  /** How many cache entries the gateway deleted. */
  keysDeleted: number;
}

/** A failed invalidation, as reported by `invalidateMany`. */
export interface InvalidateFailure {
  /** The dependency id whose invalidation failed. */
  depId: string;
  ok: false;
  /** Why it failed. */
  error: CachecoreError;
}

/** One dependency's outcome in `invalidateMany`. */
export type InvalidateResult = InvalidateSuccess | InvalidateFailure;

/** Everything one invalidation call needs; `CachecoreClient` fills it in. */
export interface InvalidateDepRequest extends InvalidateOptions {
  depId: string;
  /** Gateway root URL, without a trailing slash. */
  gatewayUrl: string;
  tenantToken: string;
  /** Per-attempt timeout in milliseconds. */
  timeout: number;
  fetch: typeof globalThis.fetch;
}

const maxRetries = 2;

/**
 * `POST {gatewayUrl}/v1/invalidate` with retries: `429` and `5xx` are retried at most twice,
 * waiting for `Retry-After` when it is at most 10 s (a longer one throws at once) or an exponential
 * backoff with jitter when absent. Every other failure throws straight away, mapped by
 * `createErrorFromResponse`.
 */
export async function invalidateDep(request: InvalidateDepRequest): Promise<InvalidateSuccess> {
  const { depId, newHash, signal } = request;
  assertValidDepId(depId);
  if (newHash !== undefined) {
    const problem = newHash === '' ? 'it is empty' : validateDepHash(newHash);
    if (problem !== null) {
      throw new CachecoreError(`Invalid newHash for dependency "${depId}": ${problem}.`, {
        code: 'invalid_options',
      });
    }
  }
  const url = `${request.gatewayUrl}/v1/invalidate`;
  const body = JSON.stringify(
    newHash === undefined ? { dep_id: depId } : { dep_id: depId, new_hash: newHash },
  );

  for (let attempt = 0; ; attempt++) {
    const { response, text } = await sendInvalidation(request, url, body);
    if (response.ok) return parseSuccess(text, depId, newHash, url);

    const error = createErrorFromResponse({
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
      body: text,
      method: 'POST',
      url,
    });
    const retryable = response.status === 429 || response.status >= 500;
    if (!retryable || attempt >= maxRetries) throw error;
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
    if (retryAfter !== null && retryAfter > MAX_HONOURED_RETRY_AFTER_SECONDS) throw error;
    const delay = retryAfter !== null ? retryAfter * 1000 : computeBackoffMilliseconds(attempt);
    try {
      await sleep(delay, signal);
    } catch (reason) {
      throw abortedError(url, reason);
    }
  }
}

/** One attempt: sends the call and reads the whole (small, JSON) answer under the same timeout. */
async function sendInvalidation(
  request: InvalidateDepRequest,
  url: string,
  body: string,
): Promise<{ response: Response; text: string }> {
  const timeoutSignal = AbortSignal.timeout(request.timeout);
  const signal = request.signal ? AbortSignal.any([request.signal, timeoutSignal]) : timeoutSignal;
  try {
    // Redirects are followed like cc.fetch's: the token never goes to another origin.
    const response = await fetchFollowingRedirects(request.fetch, url, {
      method: 'POST',
      headers: new Headers({
        'Content-Type': 'application/json',
        Accept: 'application/json',
        [TOKEN_HEADER]: request.tenantToken,
        Authorization: `Bearer ${request.tenantToken}`,
      }),
      body,
      signal,
    });
    return { response, text: await response.text() };
  } catch (cause) {
    if (request.signal?.aborted) throw abortedError(url, request.signal.reason);
    if (timeoutSignal.aborted) {
      throw new CachecoreError(`POST ${url} timed out after ${request.timeout} ms.`, {
        code: 'timeout',
        cause,
      });
    }
    throw new CachecoreError(`POST ${url} failed: ${describeCause(cause)}.`, {
      code: 'network',
      cause,
    });
  }
}

function parseSuccess(
  text: string,
  depId: string,
  requestedHash: string | undefined,
  url: string,
): InvalidateSuccess {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new CachecoreError(`POST ${url} answered 2xx with a body that is not JSON.`, {
      code: 'invalid_response',
      cause,
    });
  }
  const record = (parsed ?? {}) as Record<string, unknown>;
  const newHash = typeof record.new_hash === 'string' ? record.new_hash : requestedHash;
  if (record.ok === false || newHash === undefined) {
    throw new CachecoreError(
      `POST ${url} answered without confirming the invalidation of "${depId}".`,
      { code: 'invalid_response' },
    );
  }
  const keysDeleted = typeof record.keys_deleted === 'number' ? record.keys_deleted : 0;
  return { depId, ok: true, newHash, keysDeleted };
}

function abortedError(url: string, reason: unknown): CachecoreError {
  return new CachecoreError(`POST ${url} was aborted by the caller.`, {
    code: 'aborted',
    cause: reason,
  });
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = cause.cause instanceof Error ? ` (${cause.cause.message})` : '';
    return `${cause.message}${inner}`;
  }
  return String(cause);
}
