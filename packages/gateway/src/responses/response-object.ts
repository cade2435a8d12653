/**
 * The parts of an OpenAI Responses API `response` object the gateway reads, stores and replays.
 * Everything else the upstream sends is kept as it came.
 */
export interface ResponseObject {
  id: string;
  object: 'response';
  status: string;
  model: string;
  output: ResponseOutputItem[];
  usage?: { input_tokens?: number; output_tokens?: number; total_tokens?: number } | null;
  [field: string]: unknown;
}

/** One item of `output`: a message, a function call, a reasoning item, … */
export interface ResponseOutputItem {
  type: string;
  id?: string;
  [field: string]: unknown;
}

/**
 * Whether a value is a finished response that can be stored and replayed: `object: "response"`,
 * `status: "completed"` and an `output` list. Failed, incomplete or in-progress responses are
 * answered but never cached.
 */
export function isCompletedResponse(value: unknown): value is ResponseObject {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<ResponseObject>;
  return (
    candidate.object === 'response' &&
    candidate.status === 'completed' &&
    Array.isArray(candidate.output) &&
    candidate.output.every((item) => typeof item === 'object' && item !== null)
  );
}

/** Tokens a response cost, from its usage, or estimated (≈ 4 characters per token) without one. */
export function countResponseTokens(response: ResponseObject): number {
  const total = response.usage?.total_tokens;
  if (typeof total === 'number' && Number.isFinite(total)) return total;
  return Math.ceil(JSON.stringify(response.output).length / 4);
}
