import { readFileSync } from 'node:fs';

/** The answer a baseline server returns to every POST: headers and body, as captured. */
export interface CannedResponse {
  headers: Record<string, string>;
  body: string;
}

const DEFAULT_RESPONSE: CannedResponse = {
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: 0,
    model: 'gpt-4o-mini',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Echo: What time zone is Tokyo in?' },
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 7, completion_tokens: 9, total_tokens: 16 },
  }),
};

/**
 * The response named by `BARE_RESPONSE_FILE` (JSON `{ headers, body }`, e.g. a gateway's captured
 * `HIT_L1` answer), or a small chat completion; headers include `content-length`.
 */
export function loadCannedResponse(): { headers: Record<string, string>; body: Buffer } {
  const canned: CannedResponse = process.env.BARE_RESPONSE_FILE
    ? JSON.parse(readFileSync(process.env.BARE_RESPONSE_FILE, 'utf8'))
    : DEFAULT_RESPONSE;
  const body = Buffer.from(canned.body);
  return { headers: { ...canned.headers, 'content-length': String(body.length) }, body };
}
