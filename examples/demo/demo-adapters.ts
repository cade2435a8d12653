import type { CachecoreClient, CacheStatusValue, DepInput } from '@cachecore/core';
import {
  CachecoreCallbackHandler,
  CachecoreChatOpenAI,
  getCacheStatus as getLangChainCacheStatus,
} from '@cachecore/langchain';
import { createCachecoreOpenAI, getCacheStatus } from '@cachecore/openai';
import { createCachecore, getCachecoreMetadata } from '@cachecore/vercel-ai';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { generateText, streamText } from 'ai';

/** The three SDKs the demo drives. */
export type AdapterName = 'openai' | 'langchain' | 'ai-sdk';

/** What one call observed. */
export interface CallOutcome {
  status: CacheStatusValue;
  /** Whether the answer came from the cache, as the adapter's status object says. */
  isHit: boolean;
  /** `X-Cache-Similarity`: 1 on L1 hits, the cosine similarity on L2 hits, 0 otherwise. */
  similarity: number | null;
  /** Wall-clock time of the whole call, streams read to the end. */
  latencyMs: number;
  /** `usage.total_tokens` of the answer; on a hit, what the cached answer cost when it was made. */
  totalTokens: number | undefined;
  /** Extra detail for the call's line, e.g. when a stream's status was known. */
  note?: string;
  /** Streams only: whether the cache status was known before the first chunk of text. */
  statusBeforeFirstChunk?: boolean;
}

/** Cachecore options of one call. */
export interface CallOptions {
  deps?: DepInput[];
  bypass?: boolean;
  stream?: boolean;
  /**
   * Ask through a token of the same tenant whose answers stay fresh for one second
   * (`fresh_ttl_secs` claim), to show stale-while-revalidate. Local gateways only.
   */
  shortTtl?: boolean;
}

/** Asks one question through one SDK. */
export type AskQuestion = (question: string, options?: CallOptions) => Promise<CallOutcome>;

/** The demo's three clients, all on one `CachecoreClient`. */
export interface DemoAdapters {
  readonly ask: Record<AdapterName, AskQuestion>;
  /** Cache statistics LangChain's callback handler collected. */
  readonly langchainHandler: CachecoreCallbackHandler;
}

/**
 * Builds an OpenAI client, a LangChain chain (prompt template → model) and an AI SDK provider on
 * one Cachecore client, each sending `systemPrompt` before the user's question. Each shows its own
 * idiom for per-call options: a `requestContext` scope (openai), the `cachecore` call option
 * (LangChain), `providerOptions.cachecore` (AI SDK).
 */
export function createDemoAdapters(
  cachecore: CachecoreClient,
  model: string,
  systemPrompt: string,
): DemoAdapters {
  const openai = createCachecoreOpenAI({ cachecore });
  const llm = new CachecoreChatOpenAI({ cachecore, model });
  const chain = ChatPromptTemplate.fromMessages([
    ['system', '{systemPrompt}'],
    ['human', '{question}'],
  ]).pipe(llm);
  const langchainHandler = new CachecoreCallbackHandler();
  const provider = createCachecore({ cachecore });

  const askOpenAI: AskQuestion = (question, options = {}) =>
    timeCall(async (elapsed) => {
      const messages = [
        { role: 'system' as const, content: systemPrompt },
        { role: 'user' as const, content: question },
      ];
      // The scope tags every request made inside it, however deep in the app's code.
      return cachecore.requestContext({ deps: options.deps, bypass: options.bypass }, async () => {
        if (!options.stream) {
          const completion = await openai.chat.completions.create({ model, messages });
          const status = getCacheStatus(completion);
          return outcome(status, completion.usage?.total_tokens);
        }
        const stream = await openai.chat.completions.create({
          model,
          messages,
          stream: true,
          stream_options: { include_usage: true },
        });
        // Known from the response headers, before any chunk has been read.
        const status = getCacheStatus(stream);
        const statusAt = elapsed();
        let firstChunkAt: number | undefined;
        let totalTokens: number | undefined;
        for await (const chunk of stream) {
          firstChunkAt ??= elapsed();
          totalTokens = chunk.usage?.total_tokens ?? totalTokens;
        }
        return {
          ...outcome(status, totalTokens),
          ...describeStreamTiming(statusAt, firstChunkAt),
        };
      });
    });

  const askLangChain: AskQuestion = (question, options = {}) =>
    timeCall(async (elapsed) => {
      const callOptions = {
        cachecore: { deps: options.deps, bypass: options.bypass },
        callbacks: [langchainHandler],
      };
      if (!options.stream) {
        const message = await chain.invoke({ systemPrompt, question }, callOptions);
        const status = getLangChainCacheStatus(message);
        return outcome(status, message.usage_metadata?.total_tokens);
      }
      let statusAt: number | undefined;
      let firstChunkAt: number | undefined;
      let status: ReturnType<typeof getLangChainCacheStatus>;
      let totalTokens: number | undefined;
      for await (const chunk of await chain.stream({ systemPrompt, question }, callOptions)) {
        const chunkStatus = getLangChainCacheStatus(chunk);
        if (chunkStatus && !status) {
          status = chunkStatus;
          statusAt = elapsed();
        }
        if (chunk.content !== '') firstChunkAt ??= elapsed();
        totalTokens = chunk.usage_metadata?.total_tokens ?? totalTokens;
      }
      return {
        ...outcome(status, totalTokens),
        ...describeStreamTiming(statusAt, firstChunkAt),
      };
    });

  const askAiSdk: AskQuestion = (question, options = {}) =>
    timeCall(async (elapsed) => {
      const call = {
        model: provider(model),
        instructions: systemPrompt,
        prompt: question,
        ...(options.bypass !== undefined && {
          providerOptions: { cachecore: { bypass: options.bypass } },
        }),
      };
      // `providerOptions` must be JSON for the AI SDK's types, so `Dep` objects go in a scope.
      // `streamText` sends its request when called: the scope wraps the call itself.
      return cachecore.requestContext({ deps: options.deps }, async () => {
        if (!options.stream) {
          const result = await generateText(call);
          const metadata = getCachecoreMetadata(result.providerMetadata);
          return outcome(metadata, result.usage.totalTokens);
        }
        const result = streamText(call);
        let firstChunkAt: number | undefined;
        for await (const _text of result.textStream) firstChunkAt ??= elapsed();
        // The AI SDK reports provider metadata with the stream's `finish` part.
        const metadata = getCachecoreMetadata(await result.providerMetadata);
        const usage = await result.usage;
        return {
          ...outcome(metadata, usage.totalTokens),
          note:
            firstChunkAt === undefined ? undefined : `first text ${Math.round(firstChunkAt)} ms`,
        };
      });
    });

  return {
    ask: { openai: askOpenAI, langchain: askLangChain, 'ai-sdk': askAiSdk },
    langchainHandler,
  };
}

type PartialOutcome = Omit<CallOutcome, 'latencyMs'>;

/** What every adapter's cache status object has in common. */
interface ReportedStatus {
  status: CacheStatusValue;
  similarity: number | null;
  isHit: boolean;
}

function outcome(
  reported: ReportedStatus | undefined,
  totalTokens: number | undefined,
): PartialOutcome {
  return {
    status: reported?.status ?? 'UNKNOWN',
    isHit: reported?.isHit ?? false,
    similarity: reported?.similarity ?? null,
    totalTokens,
  };
}

async function timeCall(
  call: (elapsed: () => number) => Promise<PartialOutcome>,
): Promise<CallOutcome> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const result = await call(elapsed);
  return { ...result, latencyMs: elapsed() };
}

function describeStreamTiming(
  statusAt: number | undefined,
  firstChunkAt: number | undefined,
): Pick<CallOutcome, 'note' | 'statusBeforeFirstChunk'> {
  if (statusAt === undefined)
    return { note: 'no status on the stream', statusBeforeFirstChunk: false };
  const status = `status at ${Math.round(statusAt)} ms`;
  if (firstChunkAt === undefined)
    return { note: `${status}, no text`, statusBeforeFirstChunk: true };
  // LangChain delivers the status on the first chunk itself: "at the same time" counts.
  const before = statusAt <= firstChunkAt;
  return {
    note: `${status}, first chunk at ${Math.round(firstChunkAt)} ms`,
    statusBeforeFirstChunk: before,
  };
}
