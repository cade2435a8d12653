import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenantToken } from '../auth/create-tenant-token';
import { type Gateway, startGateway } from '../gateway';

const SECRET = 'responses-route-secret';

/** An upstream whose stream fails after its first text, then claims completion (vLLM style). */
function startFailingStreamUpstream(): Promise<{
  server: Server;
  url: string;
  calls: () => number;
}> {
  let calls = 0;
  const server = createServer((request, response) => {
    calls += 1;
    request.resume();
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    const send = (type: string, fields: Record<string, unknown>) =>
      response.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...fields })}\n\n`);
    send('response.output_text.delta', { delta: 'Partial' });
    send('error', { message: 'the model crashed' });
    send('response.completed', {
      response: { id: 'resp_x', object: 'response', status: 'completed', model: 'm', output: [] },
    });
    response.end();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}/v1`, calls: () => calls });
    }),
  );
}

async function ask(gateway: Gateway, token: string, body: Record<string, unknown>) {
  const response = await fetch(`${gateway.url}/v1/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-cachecore-token': token },
    body: JSON.stringify({ model: 'gpt-4o-mini', store: false, ...body }),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe('POST /v1/responses', () => {
  let gateway: Gateway;
  let token: string;
  beforeAll(async () => {
    gateway = await startGateway({
      upstream: 'mock',
      mockLatencyMs: 5,
      jwtSecret: SECRET,
      logLevel: 'silent',
    });
    token = await createTenantToken({ secret: SECRET, tenantId: `responses-${randomUUID()}` });
  });
  afterAll(() => gateway.close());

  it('serves a near-duplicate stateless request from the semantic cache', async () => {
    await ask(gateway, token, { input: 'What time zone is Lisbon in?' });
    const similar = await ask(gateway, token, { input: 'what time zone is lisbon in' });
    expect(similar.headers.get('x-cache')).toBe('HIT_L2');
    expect(JSON.parse(similar.text).output[0].content[0].text).toBe(
      'Echo: What time zone is Lisbon in?',
    );
    const other = await ask(gateway, token, { input: 'What time zone is Porto in?' });
    expect(other.headers.get('x-cache')).toBe('MISS');
  });

  it('answers 400 for a body without input', async () => {
    const answer = await ask(gateway, token, { input: undefined });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('input');
  });

  it('relays a stream that failed but never caches it', async () => {
    const upstream = await startFailingStreamUpstream();
    await using failing = await startGateway({
      upstream: upstream.url,
      jwtSecret: SECRET,
      logLevel: 'silent',
    });
    const first = await ask(failing, token, { input: 'Crash please', stream: true });
    expect(first.text).toContain('the model crashed');
    const second = await ask(failing, token, { input: 'Crash please', stream: true });
    expect(second.headers.get('x-cache')).toBe('MISS');
    expect(upstream.calls()).toBe(2);
    upstream.server.close();
  });
});
