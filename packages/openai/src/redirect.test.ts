// The official SDK through cc.fetch: a gateway that redirects to another origin must not hand the
// tenant token (sent by the transport and as the SDK's own API key) to that origin.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CachecoreClient } from '@cachecore/core';
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';

const token = 'cc_live_k1.eyJhbGciOiJIUzI1NiJ9.eyJ0ZW5hbnRfaWQiOiJ0MSJ9.c2lnbmF0dXJl';

interface Recorded {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const completion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 0,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Hi' } }],
};

let gatewayServer: Server;
let otherServer: Server;
let gatewayOrigin: string;
let otherOrigin: string;
const gatewayRequests: Recorded[] = [];
const otherRequests: Recorded[] = [];

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function recordInto(
  list: Recorded[],
  answer: (path: string) => [number, Record<string, string>, string],
) {
  return createServer(async (request, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    list.push({ path: request.url ?? '', headers: request.headers, body });
    const [status, headers, text] = answer(request.url ?? '');
    response.writeHead(status, headers).end(text);
  });
}

beforeAll(async () => {
  otherServer = recordInto(otherRequests, () => [
    200,
    { 'content-type': 'application/json' },
    JSON.stringify(completion),
  ]);
  otherOrigin = await listen(otherServer);
  gatewayServer = recordInto(gatewayRequests, (path) => [
    307,
    { location: `${otherOrigin}${path}` },
    '',
  ]);
  gatewayOrigin = await listen(gatewayServer);
});

afterAll(async () => {
  gatewayServer.closeAllConnections();
  otherServer.closeAllConnections();
  await Promise.all([
    new Promise((resolve) => gatewayServer.close(resolve)),
    new Promise((resolve) => otherServer.close(resolve)),
  ]);
});

it('follows a 307 to another origin without the token, the deps or the tenant bearer', async () => {
  const cc = new CachecoreClient({ gatewayUrl: gatewayOrigin, tenantJwt: token });
  // The worst case: the SDK's own API key is the tenant token, so Authorization carries it too.
  const openai = new OpenAI({ baseURL: cc.baseURL, apiKey: token, fetch: cc.fetch, maxRetries: 0 });
  const body = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Hello?' }] };

  const answer = await cc.requestContext({ deps: ['table:orders'] }, () =>
    openai.chat.completions.create(body),
  );

  expect(answer.choices[0]?.message.content).toBe('Hi');
  expect(gatewayRequests[0]?.headers['x-cachecore-token']).toBe(token);
  expect(gatewayRequests[0]?.headers['x-cachecore-deps']).toEqual(expect.any(String));
  expect(otherRequests).toHaveLength(1);
  const landed = otherRequests[0]!;
  expect(landed.path).toBe('/v1/chat/completions');
  expect(JSON.parse(landed.body)).toEqual(body);
  const leaked = Object.keys(landed.headers).filter(
    (name) => name.startsWith('x-cachecore-') || name === 'authorization',
  );
  expect(leaked).toEqual([]);
  expect(JSON.stringify(landed.headers)).not.toContain(token.split('.')[1]!);
});
