import { readFileSync } from 'node:fs';

/**
 * Context-heavy L2 cases (`test/fixtures/l2-context-*.json`): long shared documents, short
 * questions in several wordings, and the placements a document takes in real requests. Shared by
 * the L2 tests and the L2 calibration script.
 */
export interface ContextCases {
  about: string;
  system: string;
  model: string;
  documents: Record<string, string>;
  /** Document → question key → wordings of that question. */
  questions: Record<string, Record<string, string[]>>;
}

/** One prompt of the cases: which document, which question, which wording. */
export interface ContextPrompt {
  document: string;
  question: string;
  wording: number;
}

/** Where the document goes in the request. */
export type ContextPlacement =
  | 'user-document-then-question'
  | 'system-context'
  | 'rag-question-first'
  | 'question-under-document'
  | 'earlier-turn'
  | 'tool-result'
  | 'array-content';

/** The placements of `l2-context-dev-cases.json`. */
export const DEV_PLACEMENTS: readonly ContextPlacement[] = [
  'user-document-then-question',
  'system-context',
  'rag-question-first',
];

/** Every placement the tests use. */
export const ALL_PLACEMENTS: readonly ContextPlacement[] = [
  ...DEV_PLACEMENTS,
  'question-under-document',
  'earlier-turn',
  'tool-result',
  'array-content',
];

/** Reads a context-cases fixture by file name. */
export function readContextCases(fileName: string): ContextCases {
  return JSON.parse(
    readFileSync(new URL(`../fixtures/${fileName}`, import.meta.url), 'utf8'),
  ) as ContextCases;
}

/** Every prompt of the cases, wording by wording (all first wordings, then all second ones, …). */
export function listContextPrompts(cases: ContextCases): ContextPrompt[] {
  const prompts: ContextPrompt[] = [];
  const wordings = Math.max(
    ...Object.values(cases.questions).flatMap((keys) =>
      Object.values(keys).map((texts) => texts.length),
    ),
  );
  for (let wording = 0; wording < wordings; wording++) {
    for (const [document, keys] of Object.entries(cases.questions)) {
      for (const [question, texts] of Object.entries(keys)) {
        if (wording < texts.length) prompts.push({ document, question, wording });
      }
    }
  }
  return prompts;
}

/** The question text of a prompt. */
export function questionText(cases: ContextCases, prompt: ContextPrompt): string {
  const text = cases.questions[prompt.document]?.[prompt.question]?.[prompt.wording];
  if (text === undefined) throw new Error(`no such case ${JSON.stringify(prompt)}`);
  return text;
}

/** The chat completion body of a prompt in a placement. */
export function buildContextRequest(
  cases: ContextCases,
  prompt: ContextPrompt,
  placement: ContextPlacement,
  question = questionText(cases, prompt),
): Record<string, unknown> {
  const document = cases.documents[prompt.document]!;
  const system = { role: 'system', content: cases.system };
  const base = { model: cases.model };
  switch (placement) {
    case 'user-document-then-question':
      return {
        ...base,
        messages: [
          system,
          { role: 'user', content: `Document:\n${document}\n\nQuestion: ${question}` },
        ],
      };
    case 'system-context':
      return {
        ...base,
        messages: [
          { role: 'system', content: `${cases.system}\n\n${document}` },
          { role: 'user', content: question },
        ],
      };
    case 'rag-question-first':
      return {
        ...base,
        messages: [
          system,
          {
            role: 'user',
            content: `Answer from the context only.\nQuestion: ${question}\nContext:\n${document}`,
          },
        ],
      };
    case 'question-under-document':
      // The compliance agent, without the blank line before the question.
      return {
        ...base,
        messages: [
          system,
          { role: 'user', content: `Contract excerpt:\n${document}\nQuestion: ${question}` },
        ],
      };
    case 'earlier-turn':
      return {
        ...base,
        messages: [
          system,
          { role: 'user', content: `Here is the document:\n${document}` },
          { role: 'assistant', content: 'I have read the document.' },
          { role: 'user', content: question },
        ],
      };
    case 'tool-result':
      return {
        ...base,
        tools: [
          {
            type: 'function',
            function: {
              name: 'fetch_document',
              description: 'Fetches the document under review.',
              parameters: { type: 'object', properties: {} },
            },
          },
        ],
        tool_choice: 'none',
        messages: [
          system,
          { role: 'user', content: 'Fetch the document under review.' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'call_fetch_1',
                type: 'function',
                function: { name: 'fetch_document', arguments: '{}' },
              },
            ],
          },
          { role: 'tool', tool_call_id: 'call_fetch_1', content: document },
          { role: 'user', content: question },
        ],
      };
    case 'array-content':
      return {
        ...base,
        messages: [
          system,
          {
            role: 'user',
            content: [
              { type: 'text', text: `Document:\n${document}` },
              { type: 'text', text: `Question: ${question}` },
            ],
          },
        ],
      };
  }
}

/** The mock upstream's answer to a request: `Echo: ` and the last user message's text. */
export function expectedEcho(body: Record<string, unknown>): string {
  const messages = body.messages as { role: string; content: unknown }[];
  const lastUser = [...messages].reverse().find((message) => message.role === 'user');
  const content = lastUser?.content;
  const text = Array.isArray(content)
    ? content.map((part: { text?: string }) => part.text ?? '').join('')
    : String(content);
  return `Echo: ${text}`;
}
