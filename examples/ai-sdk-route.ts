// pnpm example ai-sdk-route
//
// A Next.js-style route handler (`app/api/ask/route.ts`) that streams an AI SDK answer through
// Cachecore and sends the cache status to the browser as message metadata (`useChat` shows it as
// `message.metadata.cache`). Below the handler, the example calls it the way Next.js would: with
// a `Request`, reading the streamed `Response`.

import {
  type CachecoreMetadata,
  createCachecore,
  getCachecoreMetadata,
} from '@cachecore/vercel-ai';
import {
  parseJsonEventStream,
  readUIMessageStream,
  streamText,
  type UIMessage,
  type UIMessageChunk,
  uiMessageChunkSchema,
} from 'ai';
import { openGatewaySession } from './support/gateway-session';

await using session = await openGatewaySession();
console.log(`Using the ${session.description}`);

// ---- app/api/ask/route.ts ---------------------------------------------------------------------
// The request scope of Cachecore uses AsyncLocalStorage: run the route on the Node.js runtime.
export const runtime = 'nodejs';

const cachecore = createCachecore({
  gatewayUrl: session.gatewayUrl, // process.env.CACHECORE_GATEWAY_URL in an app
  tenantJwt: session.tenantJwt, // process.env.CACHECORE_TENANT_JWT
});

type AskMessage = UIMessage<{ cache?: CachecoreMetadata }>;

export async function POST(request: Request): Promise<Response> {
  const { question } = (await request.json()) as { question: string };
  const result = streamText({
    model: cachecore(session.model),
    prompt: question,
    // Answers are built from the timetable; `cachecore.client.invalidate('doc:timetable')` drops them.
    providerOptions: { cachecore: { deps: ['doc:timetable'] } },
  });
  return result.toUIMessageStreamResponse<AskMessage>({
    // The status arrives with the step's finish part; attach it to the message the browser builds.
    messageMetadata: ({ part }) =>
      part.type === 'finish-step'
        ? { cache: getCachecoreMetadata(part.providerMetadata) }
        : undefined,
  });
}
// ------------------------------------------------------------------------------------------------

/** What a browser does with the route's answer: read the UI message stream into a message. */
async function callRoute(question: string): Promise<void> {
  const response = await POST(
    new Request('http://localhost:3000/api/ask', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question }),
    }),
  );
  if (!response.ok || !response.body) throw new Error(`route answered ${response.status}`);
  const chunks = parseJsonEventStream({
    stream: response.body,
    schema: uiMessageChunkSchema,
  }).pipeThrough(
    new TransformStream<{ success: boolean; value?: UIMessageChunk }, UIMessageChunk>({
      transform: (parsed, controller) => {
        if (parsed.success && parsed.value) controller.enqueue(parsed.value);
      },
    }),
  );
  let message: AskMessage | undefined;
  for await (const update of readUIMessageStream<AskMessage>({ stream: chunks })) message = update;
  const text = message?.parts.map((part) => (part.type === 'text' ? part.text : '')).join('');
  console.log(`${message?.metadata?.cache?.status} "${question}" → ${text}`);
}

await callRoute('When does the last train to Nara leave?'); // MISS
await callRoute('When does the last train to Nara leave?'); // HIT_L1
await callRoute('when does the last train to nara leave'); // HIT_L2

await cachecore.client.close();
