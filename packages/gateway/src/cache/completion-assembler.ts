import type {
  ChatCompletion,
  ChatCompletionChoice,
  ChatCompletionToolCall,
} from './chat-completion';

interface ChunkChoice {
  index?: number;
  delta?: {
    role?: string;
    content?: string | null;
    refusal?: string | null;
    tool_calls?: Array<{
      index?: number;
      id?: string;
      type?: string;
      function?: { name?: string; arguments?: string };
    }>;
  };
  finish_reason?: string | null;
}

/**
 * Rebuilds the JSON `chat.completion` object from the chunks of a streamed answer, so a streamed
 * completion is stored in the same form as a non-streamed one.
 */
export class CompletionAssembler {
  private id = '';
  private created = 0;
  private model = '';
  private systemFingerprint: string | null | undefined;
  private usage: ChatCompletion['usage'];
  private readonly choices = new Map<number, ChatCompletionChoice>();
  private readonly toolCalls = new Map<number, Map<number, ChatCompletionToolCall>>();
  /** Whether the `[DONE]` event was seen. */
  done = false;
  /**
   * Whether the stream reported an error (`event: error`, or a chunk carrying `error`): servers
   * like vLLM send one mid-stream and still end with `[DONE]`.
   */
  failed = false;

  /**
   * Whether the stream is a whole answer worth storing: it ended with `[DONE]`, reported no error,
   * and every choice has its `finish_reason`.
   */
  get complete(): boolean {
    if (!this.done || this.failed || this.choices.size === 0) return false;
    for (const choice of this.choices.values()) if (!choice.finish_reason) return false;
    return true;
  }

  /**
   * Feeds the `data` of one SSE event (and its `event` field, when it had one); returns false when
   * it was not a parsable chunk.
   */
  addEvent(data: string, eventType?: string): boolean {
    if (eventType === 'error') this.failed = true;
    if (data.trim() === '[DONE]') {
      this.done = true;
      return true;
    }
    let chunk: {
      id?: string;
      created?: number;
      model?: string;
      system_fingerprint?: string | null;
      choices?: ChunkChoice[];
      usage?: ChatCompletion['usage'];
      error?: unknown;
    };
    try {
      chunk = JSON.parse(data);
    } catch {
      return false;
    }
    if (typeof chunk !== 'object' || chunk === null) return false;
    if (chunk.error !== undefined && chunk.error !== null) this.failed = true;
    if (chunk.id) this.id = chunk.id;
    if (chunk.created) this.created = chunk.created;
    if (chunk.model) this.model = chunk.model;
    if (chunk.system_fingerprint !== undefined) this.systemFingerprint = chunk.system_fingerprint;
    if (chunk.usage) this.usage = chunk.usage;
    for (const choice of chunk.choices ?? []) this.addChoice(choice);
    return true;
  }

  private addChoice(chunkChoice: ChunkChoice): void {
    const index = chunkChoice.index ?? 0;
    let choice = this.choices.get(index);
    if (!choice) {
      choice = { index, message: { role: 'assistant', content: null }, finish_reason: null };
      this.choices.set(index, choice);
    }
    const delta = chunkChoice.delta ?? {};
    if (delta.role) choice.message.role = delta.role;
    if (typeof delta.content === 'string') {
      choice.message.content = (choice.message.content ?? '') + delta.content;
    }
    if (typeof delta.refusal === 'string') {
      choice.message.refusal = (choice.message.refusal ?? '') + delta.refusal;
    }
    for (const callDelta of delta.tool_calls ?? []) {
      let calls = this.toolCalls.get(index);
      if (!calls) {
        calls = new Map();
        this.toolCalls.set(index, calls);
      }
      const callIndex = callDelta.index ?? calls.size;
      let call = calls.get(callIndex);
      if (!call) {
        call = { id: '', type: 'function', function: { name: '', arguments: '' } };
        calls.set(callIndex, call);
      }
      if (callDelta.id) call.id = callDelta.id;
      if (callDelta.function?.name) call.function.name += callDelta.function.name;
      if (callDelta.function?.arguments) call.function.arguments += callDelta.function.arguments;
    }
    if (chunkChoice.finish_reason) choice.finish_reason = chunkChoice.finish_reason;
  }

  /** The assembled completion. */
  toCompletion(): ChatCompletion {
    const choices = [...this.choices.values()].sort((a, b) => a.index - b.index);
    for (const choice of choices) {
      const calls = this.toolCalls.get(choice.index);
      if (calls && calls.size > 0) {
        choice.message.tool_calls = [...calls.entries()]
          .sort(([a], [b]) => a - b)
          .map(([, call]) => call);
      }
    }
    const completion: ChatCompletion = {
      id: this.id,
      object: 'chat.completion',
      created: this.created,
      model: this.model,
      choices,
    };
    if (this.systemFingerprint !== undefined)
      completion.system_fingerprint = this.systemFingerprint;
    if (this.usage) completion.usage = this.usage;
    return completion;
  }
}
