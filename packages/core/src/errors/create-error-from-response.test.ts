import { describe, expect, it } from 'vitest';
import { CachecoreAuthError } from './cachecore-auth-error';
import { CachecoreError } from './cachecore-error';
import { CachecoreRateLimitError } from './cachecore-rate-limit-error';
import { createErrorFromResponse } from './create-error-from-response';
import { parseRetryAfter } from './parse-retry-after';

const request = { method: 'post', url: 'https://gw.example/v1/invalidate' };

describe('createErrorFromResponse', () => {
  it('maps 401 and 403 to CachecoreAuthError with the gateway message', () => {
    const error = createErrorFromResponse({
      ...request,
      status: 401,
      statusText: 'Unauthorized',
      body: '{"error":{"message":"token expired","type":"auth","code":"expired"}}',
    });
    expect(error).toBeInstanceOf(CachecoreAuthError);
    expect(error.code).toBe('unauthorized');
    expect(error.status).toBe(401);
    expect(error.message).toBe(
      'POST https://gw.example/v1/invalidate failed with 401 Unauthorized: token expired',
    );
    expect(createErrorFromResponse({ ...request, status: 403 }).code).toBe('forbidden');
  });

  it('maps 429 to CachecoreRateLimitError with retryAfter in seconds or null', () => {
    const limited = createErrorFromResponse({
      ...request,
      status: 429,
      headers: { 'Retry-After': '7' },
    });
    expect(CachecoreRateLimitError.isInstance(limited) && limited.retryAfter).toBe(7);
    const unknown = createErrorFromResponse({ ...request, status: 429 });
    expect(CachecoreRateLimitError.isInstance(unknown) && unknown.retryAfter).toBeNull();
  });

  it('maps 400 and 5xx to CachecoreError with the status', () => {
    const badRequest = createErrorFromResponse({
      ...request,
      status: 400,
      body: { error: { message: 'bad deps header' } },
    });
    expect(badRequest.constructor).toBe(CachecoreError);
    expect([badRequest.code, badRequest.status]).toEqual(['bad_request', 400]);
    expect(badRequest.message).toMatch(/bad deps header$/);
    const serverError = createErrorFromResponse({
      ...request,
      status: 502,
      body: 'upstream exploded',
    });
    expect([serverError.code, serverError.status]).toEqual(['server_error', 502]);
    expect(serverError.message).toMatch(/502: upstream exploded$/);
  });
});

describe('isInstance', () => {
  it('recognises errors from a duplicated copy of the package by their marker', () => {
    const foreign = Object.assign(new Error('from another copy'), {
      [Symbol.for('@cachecore/core/error')]: true,
      [Symbol.for('@cachecore/core/error/rate-limit')]: true,
      retryAfter: 3,
    });
    expect(foreign instanceof CachecoreError).toBe(false);
    expect(CachecoreError.isInstance(foreign)).toBe(true);
    expect(CachecoreRateLimitError.isInstance(foreign)).toBe(true);
    expect(CachecoreAuthError.isInstance(foreign)).toBe(false);
  });

  it('keeps subclasses apart and rejects non-errors', () => {
    const auth = new CachecoreAuthError('no', { code: 'unauthorized', status: 401 });
    expect(CachecoreError.isInstance(auth)).toBe(true);
    expect(CachecoreAuthError.isInstance(auth)).toBe(true);
    expect(CachecoreRateLimitError.isInstance(auth)).toBe(false);
    expect(CachecoreError.isInstance(new Error('plain'))).toBe(false);
    expect(CachecoreError.isInstance(null)).toBe(false);
    expect(CachecoreError.isInstance('CachecoreError')).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and null for anything else', () => {
    expect(parseRetryAfter('3')).toBe(3);
    expect(parseRetryAfter(' 1.5 ')).toBe(1.5);
    expect(parseRetryAfter(new Date(Date.now() + 5_000).toUTCString())).toBeGreaterThanOrEqual(4);
    expect(parseRetryAfter(new Date(Date.now() - 5_000).toUTCString())).toBe(0);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter('-1')).toBeNull();
    expect(parseRetryAfter(null)).toBeNull();
  });
});
