import { useTestGateway } from '@cachecore/test-support/gateway';
import { describe, expect, it } from 'vitest';
import { type CachecoreOpenAI, createCachecoreOpenAI } from './create-cachecore-openai';
import { getCacheStatus } from './get-cache-status';

const gateway = useTestGateway();

async function createTestClient(): Promise<CachecoreOpenAI> {
  const openai = createCachecoreOpenAI(await gateway.freshTenant());
  gateway.closeAfterAll(openai.cachecore);
  return openai;
}

describe('openai.responses through the gateway', () => {
  it('caches a stateless response and replays it as JSON and as the Responses event stream', async () => {
    const openai = await createTestClient();
    const body = {
      model: 'gpt-4o-mini',
      input: 'Which terminal do Finnair flights use?',
      store: false,
    };
    const first = await openai.responses.create(body);
    expect(getCacheStatus(first)?.status).toBe('MISS');
    expect(first.output_text).toBe('Echo: Which terminal do Finnair flights use?');

    const again = await openai.responses.create(body);
    expect(getCacheStatus(again)?.status).toBe('HIT_L1');
    expect(again.output_text).toBe(first.output_text);
    expect(again.id).toBe(first.id);

    const stream = await openai.responses.create({ ...body, stream: true });
    expect(getCacheStatus(stream)?.status).toBe('HIT_L1');
    const types: string[] = [];
    let text = '';
    let completed: { output_text?: string; usage?: unknown } | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') completed = event.response;
    }
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
    expect(text).toBe(first.output_text);
    expect(completed?.usage).toEqual(first.usage);
  });

  it('stores a streamed response and answers the JSON request from it', async () => {
    const openai = await createTestClient();
    const body = {
      model: 'gpt-4o-mini',
      input: 'Is Helsinki airport open at night?',
      store: false,
    };
    const streamed = openai.responses.stream(body);
    const final = await streamed.finalResponse();
    expect(final.output_text).toBe('Echo: Is Helsinki airport open at night?');
    const json = await openai.responses.create(body);
    expect(getCacheStatus(json)?.status).toBe('HIT_L1');
    expect(json.output_text).toBe(final.output_text);
  });

  it('forwards stateful requests uncached and says why', async () => {
    const openai = await createTestClient();
    const stored = { model: 'gpt-4o-mini', input: 'Remember my seat preference' };
    for (let attempt = 0; attempt < 2; attempt++) {
      const { data, response } = await openai.responses.create(stored).withResponse();
      expect(getCacheStatus(data)?.status).toBe('BYPASS');
      expect(response.headers.get('x-cachecore-uncached-reason')).toBe('store');
    }
    const continued = await openai.responses
      .create({ ...stored, store: false, previous_response_id: 'resp_earlier' })
      .withResponse();
    expect(continued.response.headers.get('x-cachecore-uncached-reason')).toBe(
      'previous_response_id',
    );
  });

  it('never answers a Responses request from a chat completion of the same prompt', async () => {
    const openai = await createTestClient();
    const prompt = 'Which gate for the Oslo flight?';
    await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: prompt }],
    });
    const response = await openai.responses.create({
      model: 'gpt-4o-mini',
      input: prompt,
      store: false,
    });
    expect(getCacheStatus(response)?.status).toBe('MISS');
  });
});

describe('openai.embeddings through the gateway', () => {
  it('reports partial batches and serves the SDK’s base64 default and floats from one entry', async () => {
    const openai = await createTestClient();
    const chunks = Array.from({ length: 10 }, (_, index) => `handbook chunk ${index}`);
    const first = await openai.embeddings.create({
      model: 'text-embedding-3-small',
      input: chunks.slice(0, 7),
    });
    expect(getCacheStatus(first)?.status).toBe('MISS');

    // openai-node asks for base64 unless told otherwise and decodes it into numbers.
    const { data: batch, response } = await openai.embeddings
      .create({ model: 'text-embedding-3-small', input: chunks })
      .withResponse();
    expect(getCacheStatus(batch)?.status).toBe('MISS');
    expect(response.headers.get('x-cachecore-embedding-inputs')).toBe('cached=7, fetched=3');
    expect(batch.data.map((item) => item.index)).toEqual(chunks.map((_, index) => index));

    const floats = await openai.embeddings.create({
      model: 'text-embedding-3-small',
      input: chunks,
      encoding_format: 'float',
    });
    expect(getCacheStatus(floats)?.status).toBe('HIT_L1');
    expect(floats.data.map((item) => item.embedding)).toEqual(
      batch.data.map((item) => item.embedding),
    );
    expect(floats.usage).toEqual(batch.usage);
  });

  it('evicts embeddings tagged with a dep when it is invalidated', async () => {
    const openai = await createTestClient();
    const embed = () =>
      openai.cachecore.requestContext({ deps: ['doc:handbook'] }, () =>
        openai.embeddings.create({
          model: 'text-embedding-3-small',
          input: ['section 1', 'section 2'],
        }),
      );
    await embed();
    expect(getCacheStatus(await embed())?.status).toBe('HIT_L1');
    expect((await openai.cachecore.invalidate('doc:handbook')).keysDeleted).toBe(2);
    expect(getCacheStatus(await embed())?.status).toBe('MISS');
  });
});
