/** What one chat completion request through a gateway answered. */
export interface GatewayAnswer {
  status: number;
  /** `X-Cache`. */
  cache: string | null;
  /** The first choice's message content. */
  content: unknown;
}

/** Sends one user message as a chat completion request to `gateway` with a tenant token. */
export async function ask(
  gateway: { url: string },
  token: string,
  content: string,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<GatewayAnswer> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    signal,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-cachecore-token': token, ...headers },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }),
  });
  const body = (await response.json()) as { choices?: { message?: { content?: unknown } }[] };
  return {
    status: response.status,
    cache: response.headers.get('x-cache'),
    content: body.choices?.[0]?.message?.content,
  };
}

/** The `X-Cachecore-Deps` header expecting `deps` (dep id → hash). */
export function depsHeader(deps: Record<string, string>): Record<string, string> {
  const tags = Object.entries(deps).map(([depId, hash]) => ({
    dep_id: depId,
    expected_hash: hash,
  }));
  return { 'x-cachecore-deps': Buffer.from(JSON.stringify(tags)).toString('base64url') };
}

/** `POST /v1/invalidate` of `depId` with `newHash`: its status and body. */
export async function invalidate(
  gateway: { url: string },
  token: string,
  depId: string,
  newHash: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${gateway.url}/v1/invalidate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-cachecore-token': token },
    body: JSON.stringify({ dep_id: depId, new_hash: newHash }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
