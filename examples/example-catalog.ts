/** The runnable examples, by the name `pnpm example <name>` takes. */
export const EXAMPLES = {
  'openai-quickstart': 'the openai client through Cachecore: MISS, HIT_L1, HIT_L2 and a stream',
  'deps-invalidation': 'answers tagged with a document version; the write path invalidates them',
  'langchain-chain': 'prompt template → CachecoreChatOpenAI, with the callback handler stats',
  'ai-sdk-route': 'a Next.js-style POST route streaming AI SDK text with the cache status',
  'gateway-cli': 'the gateway CLI and a plain openai client (base URL swap + token header)',
  'embeddings-batch':
    'a re-index through the per-input embeddings cache: only new chunks go upstream',
} as const satisfies Record<string, string>;

/** The name of a runnable example. */
export type ExampleName = keyof typeof EXAMPLES;

/** Whether `name` names an example. */
export function isExampleName(name: string | undefined): name is ExampleName {
  return name !== undefined && Object.hasOwn(EXAMPLES, name);
}
