import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTenantToken, startGateway } from '@cachecore/gateway';

const JWT_SECRET = 'langchain-test-secret';

/** One request that went through the recording proxy to the gateway. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (or `undefined`). */
  body: Record<string, unknown> | undefined;
  /** `X-Cache` of the gateway's answer. */
  cacheStatus: string | undefined;
}

/** A real gateway (mock upstream) behind a node:http proxy that records what reaches it. */
export interface TestGateway {
  /** The proxy's root URL: give it to the client as `gatewayUrl`. */
  url: string;
  /** The gateway's own root URL. */
  gatewayUrl: string;
  /** A tenant token of a tenant of its own. */
  tenantJwt: string;
  /** Chat Completions requests seen by the proxy, oldest first. */
  requests: RecordedRequest[];
  /** The last message's text of a recorded request. */
  lastUserText(request: RecordedRequest): string;
  close(): Promise<void>;
}

/** Starts the gateway with a 5 ms mock upstream, a recording proxy in front of it, and a token. */
export async function startTestGateway(): Promise<TestGateway> {
  const gateway = await startGateway({
    upstream: 'mock',
    mockLatencyMs: 5,
    jwtSecret: JWT_SECRET,
    logLevel: 'silent',
  });
  const gatewayAddress = new URL(gateway.url);
  const requests: RecordedRequest[] = [];

  const proxy = createServer(async (incoming, outgoing) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const payload = Buffer.concat(chunks);
    const record: RecordedRequest = {
      method: incoming.method ?? 'GET',
      path: (incoming.url ?? '/').split('?')[0] ?? '/',
      headers: incoming.headers,
      body: parseJson(payload),
      cacheStatus: undefined,
    };
    if (record.path.endsWith('/chat/completions') || record.path.endsWith('/responses')) {
      requests.push(record);
    }
    const forwarded = httpRequest(
      {
        host: gatewayAddress.hostname,
        port: gatewayAddress.port,
        method: incoming.method,
        path: incoming.url,
        headers: { ...incoming.headers, host: gatewayAddress.host },
      },
      (answer) => {
        record.cacheStatus = answer.headers['x-cache'] as string | undefined;
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', () => outgoing.destroy());
    forwarded.end(payload);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    gatewayUrl: gateway.url,
    tenantJwt: await createTenantToken({ secret: JWT_SECRET, tenantId: `tenant-${randomUUID()}` }),
    requests,
    lastUserText(request) {
      const messages = (request.body?.messages ?? []) as Array<{ content?: unknown }>;
      const content = messages[messages.length - 1]?.content;
      return typeof content === 'string' ? content : JSON.stringify(content);
    },
    async close() {
      await new Promise<void>((resolve) => {
        proxy.close(() => resolve());
        proxy.closeAllConnections();
      });
      await gateway.close();
    },
  };
}

/** A prompt no other test uses, so cache entries never cross tests. */
export function uniquePrompt(text: string): string {
  return `${text} [${randomUUID().slice(0, 8)}]`;
}

function parseJson(payload: Buffer): Record<string, unknown> | undefined {
  if (payload.length === 0) return undefined;
  try {
    return JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
