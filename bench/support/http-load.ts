import { Agent, request } from 'node:http';

/** One request, sent again and again. */
export interface LoadRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

/** What a load run observed. */
export interface LoadResult {
  /** Completed requests per second. */
  throughput: number;
  latenciesMs: number[];
  /** Requests whose answer failed `check` (or was not a 200). */
  rejected: number;
}

/** Options of {@link runLoad}. */
export interface LoadOptions {
  /** Requests in flight at any time. */
  concurrency: number;
  durationMs: number;
  /** Validates one answer (status and headers); a false makes the request count as rejected. */
  check?: (status: number, headers: Record<string, string | string[] | undefined>) => boolean;
}

/**
 * Sends `load` from `concurrency` loops for `durationMs`, each loop waiting for the whole answer
 * before its next request, over keep-alive `node:http` sockets. Whatever the server, the client
 * does exactly the same work per request.
 */
export async function runLoad(load: LoadRequest, options: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const body = load.body === undefined ? undefined : Buffer.from(load.body);
  const headers = {
    ...load.headers,
    ...(body && { 'content-length': String(body.length) }),
  };
  const latenciesMs: number[] = [];
  let rejected = 0;
  const started = performance.now();
  const deadline = started + options.durationMs;
  const loop = async () => {
    while (performance.now() < deadline) {
      const sent = performance.now();
      const ok = await sendOnce(load, headers, body, agent, options.check);
      latenciesMs.push(performance.now() - sent);
      if (!ok) rejected += 1;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  const elapsedMs = performance.now() - started;
  agent.destroy();
  return { throughput: (latenciesMs.length / elapsedMs) * 1000, latenciesMs, rejected };
}

function sendOnce(
  load: LoadRequest,
  headers: Record<string, string>,
  body: Buffer | undefined,
  agent: Agent,
  check: LoadOptions['check'],
): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const outgoing = request(load.url, { method: load.method, headers, agent }, (response) => {
      response.on('data', () => {});
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        resolve(status === 200 && (check?.(status, response.headers) ?? true));
      });
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
