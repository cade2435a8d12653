import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The request the L1 benchmarks send, and the answer the gateway gives it once cached. */
export interface CachedExchange {
  /** Request headers (tenant token included). */
  headers: Record<string, string>;
  body: string;
  /** A file with the gateway's HIT_L1 answer (headers and body), for the bare baseline server. */
  responseFile: string;
}

// Connection-level headers are the server's business, not part of "the same bytes".
const CONNECTION_HEADERS = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'date',
]);

/**
 * Sends one chat completion through the gateway until it is a `HIT_L1`, and saves that answer so a
 * bare server can return exactly the same headers and body.
 */
export async function primeGatewayHit(
  gatewayUrl: string,
  tenantJwt: string,
): Promise<CachedExchange> {
  const headers = { 'content-type': 'application/json', 'x-cachecore-token': tenantJwt };
  const body = JSON.stringify({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'What time zone is Tokyo in?' }],
  });
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
  const directory = await mkdtemp(join(tmpdir(), 'cachecore-bench-'));
  const responseFile = join(directory, 'hit-response.json');
  await writeFile(
    responseFile,
    JSON.stringify({ headers: cachedHeaders, body: await answer.text() }),
  );
  return { headers, body, responseFile };
}
