import { createFreshTenantToken, useTestGateway } from '@cachecore/test-support/gateway';
import { describe, expect, it } from 'vitest';
import { type CachecoreOpenAI, createCachecoreOpenAI } from './create-cachecore-openai';
import { getCacheStatus } from './get-cache-status';

const gateway = useTestGateway();

async function createTestClient(): Promise<CachecoreOpenAI> {
  const openai = createCachecoreOpenAI({
    gatewayUrl: gateway.url,
    tenantJwt: await createFreshTenantToken(),
  });
  gateway.closeAfterAll(openai.cachecore);
  return openai;
}

const ask = (content: string) => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user' as const, content }],
});

async function readStream(
  openai: CachecoreOpenAI,
  content: string,
  includeUsage: boolean,
): Promise<{ status: string | undefined; chunks: Array<{ usage?: unknown; choices: unknown[] }> }> {
  const stream = await openai.chat.completions.create({
    ...ask(content),
    stream: true,
    ...(includeUsage && { stream_options: { include_usage: true } }),
  });
  const chunks: Array<{ usage?: unknown; choices: unknown[] }> = [];
  for await (const chunk of stream) chunks.push(chunk as never);
  return { status: getCacheStatus(stream)?.status, chunks };
}

describe('usage and answer shapes, streams and JSON both ways', () => {
  it('a stream without include_usage gets no usage, yet the entry it fills has usage for everyone else', async () => {
    const openai = await createTestClient();
    const first = await readStream(openai, 'Usage from a plain stream', false);
    expect(first.status).toBe('MISS');
    expect(first.chunks.some((chunk) => 'usage' in chunk)).toBe(false);

    const json = await openai.chat.completions.create(ask('Usage from a plain stream'));
    expect(getCacheStatus(json)?.status).toBe('HIT_L1');
    expect(json.usage?.total_tokens).toBeGreaterThan(0);
    expect(json.choices[0]?.message.refusal).toBeNull();
    expect(json.choices[0]?.logprobs).toBeNull();

    const withUsage = await readStream(openai, 'Usage from a plain stream', true);
    expect(withUsage.status).toBe('HIT_L1');
    const last = withUsage.chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual(json.usage);
    for (const chunk of withUsage.chunks.slice(0, -1)) expect(chunk.usage).toBeNull();
  });

  it('a JSON answer replays as a stream with the usage chunk only for clients that ask for it', async () => {
    const openai = await createTestClient();
    const json = await openai.chat.completions.create(ask('Usage from JSON'));
    const plain = await readStream(openai, 'Usage from JSON', false);
    expect(plain.status).toBe('HIT_L1');
    expect(plain.chunks.some((chunk) => 'usage' in chunk)).toBe(false);
    const withUsage = await readStream(openai, 'Usage from JSON', true);
    expect(withUsage.chunks.at(-1)?.usage).toEqual(json.usage);
  });
});
