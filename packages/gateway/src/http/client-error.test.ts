import { describe, expect, it } from 'vitest';
import { useMockGateway } from '../../test/support/mock-gateway';
import { parseRawResponse, sendRaw, sendRawBytes } from '../../test/support/raw-http';
import { MAX_REQUEST_HEADER_BYTES } from './client-error';

describe('requests Node cannot parse', () => {
  const fixture = useMockGateway();

  it('answers headers over the limit with a JSON 431, not a bare status line', async () => {
    const answer = await sendRaw(fixture.gateway.url, {
      path: '/v1/models',
      headers: { 'x-padding': 'a'.repeat(MAX_REQUEST_HEADER_BYTES * 2) },
    });
    expect(answer.status).toBe(431);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.headers.connection).toBe('close');
    expect(answer.json).toEqual({
      error: {
        message: "The request headers are larger than the gateway's limit of 64 KiB.",
        type: 'invalid_request_error',
        code: 'headers_too_large',
      },
    });
    expect(fixture.upstream.requests).toEqual([]);
  });

  it('still reads headers just under the limit', async () => {
    const answer = await sendRaw(fixture.gateway.url, {
      path: '/health',
      headers: { 'x-padding': 'a'.repeat(MAX_REQUEST_HEADER_BYTES - 1024) },
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ status: 'ok' });
  });

  it.each([
    [
      'a header line without a colon',
      'GET /v1/models HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n',
    ],
    ['a broken request line', 'GET /v1/models HTTP/9\r\nHost: x\r\n\r\n'],
    [
      'a chunked body with a bad chunk size',
      'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n',
    ],
  ])('answers %s with a JSON 400 and closes', async (_, bytes) => {
    const answer = parseRawResponse(await sendRawBytes(fixture.gateway.url, bytes));
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(Number(answer.headers['content-length'])).toBe(Buffer.byteLength(answer.text));
    expect(answer.json.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'malformed_request',
    });
    expect(answer.json.error.message).toMatch(/^The request is not valid HTTP\/1\.1 \(HPE_/);
    expect(fixture.upstream.requests).toEqual([]);
  });
});
