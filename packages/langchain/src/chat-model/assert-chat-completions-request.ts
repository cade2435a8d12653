import { CachecoreError } from '@cachecore/core';

// Call options that ChatOpenAI can only send to the Responses API (@langchain/openai 1.5–1.6).
const responsesOnlyOptions = ['previous_response_id', 'text', 'truncation', 'include'] as const;

interface RequestFeatures {
  tools?: readonly unknown[] | undefined;
  reasoning?: { summary?: unknown } | undefined;
  previous_response_id?: unknown;
  text?: unknown;
  truncation?: unknown;
  include?: unknown;
}

/**
 * Throws a `CachecoreError` (`code: 'unsupported_feature'`) when a call needs the Responses API:
 * built-in or custom tools, or Responses-only options. Plain ChatOpenAI would silently switch to
 * `/v1/responses`, which the gateway does not cache; failing loudly beats an uncached bill.
 */
export function assertChatCompletionsRequest(
  options: RequestFeatures,
  modelReasoning: { summary?: unknown } | undefined,
): void {
  const feature = findResponsesOnlyFeature(options, modelReasoning);
  if (feature === undefined) return;
  throw new CachecoreError(
    `CachecoreChatOpenAI sends Chat Completions requests only (the gateway caches /v1/chat/completions), but this call uses ${feature}, which needs the Responses API. Use a plain ChatOpenAI for it.`,
    { code: 'unsupported_feature' },
  );
}

function findResponsesOnlyFeature(
  options: RequestFeatures,
  modelReasoning: { summary?: unknown } | undefined,
): string | undefined {
  for (const tool of options.tools ?? []) {
    if (!isRecord(tool)) continue;
    if ('type' in tool && tool.type !== 'function')
      return `the built-in tool "${String(tool.type)}"`;
    if (isRecord(tool.metadata) && 'customTool' in tool.metadata) {
      return `the custom tool "${String(tool.name)}"`;
    }
  }
  for (const key of responsesOnlyOptions) {
    if (options[key] != null) return `the "${key}" option`;
  }
  if (options.reasoning?.summary != null || modelReasoning?.summary != null) {
    return 'reasoning summaries';
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
