/** The parts of an OpenAI `chat.completion` object the gateway reads and rebuilds. */
export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  system_fingerprint?: string | null;
  choices: ChatCompletionChoice[];
  usage?: ChatCompletionUsage | null;
  [extra: string]: unknown;
}

export interface ChatCompletionChoice {
  index: number;
  message: {
    role: string;
    content: string | null;
    refusal?: string | null;
    tool_calls?: ChatCompletionToolCall[];
    [extra: string]: unknown;
  };
  finish_reason: string | null;
  logprobs?: unknown;
}

export interface ChatCompletionToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ChatCompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  [extra: string]: unknown;
}

/** Tokens a completion cost, from its usage, or estimated (≈ 4 characters per token) without one. */
export function countCompletionTokens(completion: ChatCompletion): number {
  const total = completion.usage?.total_tokens;
  if (typeof total === 'number' && Number.isFinite(total)) return total;
  let characters = 0;
  for (const choice of completion.choices) {
    characters += (choice.message.content ?? '').length;
    for (const call of choice.message.tool_calls ?? [])
      characters += call.function.arguments.length;
  }
  return Math.ceil(characters / 4);
}

/** Whether a value looks like a chat completion we can store and replay. */
export function isChatCompletion(value: unknown): value is ChatCompletion {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<ChatCompletion>;
  return (
    Array.isArray(candidate.choices) &&
    candidate.choices.every(
      (choice) =>
        typeof choice === 'object' && choice !== null && typeof choice.message === 'object',
    )
  );
}
