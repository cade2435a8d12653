import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadRequest } from './autocannon-load';
import type { CostTarget } from './server-cost';

/**
 * A question whose echo makes a ~1.2 KB completion, the size of a short real answer (a tiny body
 * would flatter per-byte work such as hashing, copying and JSON).
 */
export const BENCH_QUESTION =
  'I am planning a five-day trip to Japan in late October with my partner and our two children, ' +
  'aged seven and eleven. We land at Haneda on a Tuesday morning and leave from Kansai the ' +
  'following Sunday evening. We would like to spend two nights in Tokyo, two nights in Kyoto and ' +
  'one night in Osaka, travelling by train between the cities. Could you suggest which rail pass ' +
  'or individual tickets make sense for this route, whether we should reserve seats on the ' +
  'Shinkansen in advance, and how much luggage we can reasonably bring on board? We also want to ' +
  'know which neighbourhoods are convenient and quiet for families in each city, which museums or ' +
  'gardens are worth booking ahead, and whether any festivals take place in that week. Finally, ' +
  'what time zone is Tokyo in, and how should we adjust the children to the time difference?';

/** The request the L1 benchmarks send, and the answer the gateway gives it once cached. */
export interface CachedExchange {
  /** Request headers (tenant token included). */
  headers: Record<string, string>;
  body: string;
  /** A file with the gateway's HIT_L1 answer (headers and body), for the bare baseline server. */
  responseFile: string;
  /** Size of the cached answer's body in bytes. */
  answerBytes: number;
}

/** Options of {@link primeGatewayHit}. */
export interface PrimeOptions {
  /** Ask for an SSE stream (`stream: true`): the hit is then replayed as chunks. @default false */
  stream?: boolean;
  /** The question. @default BENCH_QUESTION */
  question?: string;
}

// Connection-level headers are the server's business, not part of "the same bytes".
const CONNECTION_HEADERS = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'date',
]);

/** The chat completion body the L1 benchmarks send. */
export function benchChatBody(options: PrimeOptions = {}): string {
  return JSON.stringify({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: options.question ?? BENCH_QUESTION }],
    ...(options.stream && { stream: true }),
  });
}

/**
 * Sends one chat completion through the gateway until it is a `HIT_L1`, and saves that answer so a
 * bare server can return exactly the same headers and body.
 */
export async function primeGatewayHit(
  gatewayUrl: string,
  tenantJwt: string,
  options: PrimeOptions = {},
): Promise<CachedExchange> {
  const headers = { 'content-type': 'application/json', 'x-cachecore-token': tenantJwt };
  const body = benchChatBody(options);
  let answer: Response | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    answer = await fetch(`${gatewayUrl}/v1/chat/completions`, { method: 'POST', headers, body });
    if (answer.headers.get('x-cache') === 'HIT_L1') break;
    await answer.arrayBuffer();
    answer = undefined;
  }
  if (!answer) throw new Error('the gateway never answered HIT_L1 for a repeated request');
  const cachedHeaders: Record<string, string> = {};
  answer.headers.forEach((value, name) => {
    if (!CONNECTION_HEADERS.has(name)) cachedHeaders[name] = value;
  });
  const text = await answer.text();
  const directory = await mkdtemp(join(tmpdir(), 'cachecore-bench-'));
  const responseFile = join(directory, 'hit-response.json');
  await writeFile(responseFile, JSON.stringify({ headers: cachedHeaders, body: text }));
  return { headers, body, responseFile, answerBytes: Buffer.byteLength(text) };
}

/**
 * The gateway's chat completion answers so far, from `GET /metrics`: those with `X-Cache:
 * <cacheStatus>` and status 200 (`expected`), all others except the requests whose client left
 * before the answer was written (`all`), and those (`left`, code 499: autocannon closes its
 * connections at the end of a window with requests in flight).
 */
export async function countGatewayAnswers(
  gatewayUrl: string,
  cacheStatus = 'HIT_L1',
): Promise<{ all: number; expected: number; left: number }> {
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
  let all = 0;
  let expected = 0;
  let left = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('cachecore_gateway_requests_total{')) continue;
    if (!line.includes('route="/v1/chat/completions"')) continue;
    const count = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (line.includes('code="499"')) {
      left += count;
      continue;
    }
    all += count;
    if (line.includes(`cache_status="${cacheStatus}"`) && line.includes('code="200"'))
      expected += count;
  }
  return { all, expected, left };
}

/** The request that replays `exchange` against the server at `serverUrl`. */
export function exchangeLoad(
  serverUrl: string,
  exchange: Pick<CachedExchange, 'headers' | 'body'>,
): LoadRequest {
  return {
    url: `${serverUrl}/v1/chat/completions`,
    method: 'POST',
    headers: exchange.headers,
    body: exchange.body,
  };
}

/**
 * A server-cost target (without its row name) for a gateway answering `exchange` from L1: every
 * answer of a window must be counted as `HIT_L1` by its `/metrics`.
 */
export function gatewayHitTarget(
  server: { url: string; pid: number },
  exchange: Pick<CachedExchange, 'headers' | 'body'>,
  helpers: CostTarget['helpers'] = [],
): Omit<CostTarget, 'name'> {
  return {
    pid: server.pid,
    load: exchangeLoad(server.url, exchange),
    countAnswers: () => countGatewayAnswers(server.url),
    helpers,
  };
}
