import { type PromptSplit, splitPrompt } from '../semantic/prompt-segments';
import { canonicalizeChatBody, sha256Hex } from './canonical-body';

/**
 * What L2 reads of a request's last user prompt, computed on first use, because an L1 hit never
 * needs it: the text to embed (the query part, see `splitPrompt`) and the context key, SHA-256 of
 * the canonical body without that prompt plus the fingerprint of the prompt's context part when it
 * is long. Shared by the chat completions and Responses analyses, which differ only in where the
 * prompt sits in the body.
 */
export class LastPrompt {
  readonly #text: string | undefined;
  readonly #bodyWithoutPrompt: () => Record<string, unknown>;
  #split: PromptSplit | undefined | null = null;
  #contextKey: string | undefined | null = null;

  /**
   * @param text the last user prompt's text, `undefined` when L2 does not apply to the request.
   * @param bodyWithoutPrompt the body with that prompt's content emptied, built only when the
   *   context key is first read.
   */
  constructor(text: string | undefined, bodyWithoutPrompt: () => Record<string, unknown>) {
    this.#text = text;
    this.#bodyWithoutPrompt = bodyWithoutPrompt;
  }

  /** The text L2 embeds and compares, or `undefined` when L2 does not apply. */
  get semanticText(): string | undefined {
    return this.#splitOnce()?.queryText;
  }

  /** The key L2 candidates must share (same model, parameters, conversation, tools, document). */
  get contextKey(): string | undefined {
    if (this.#contextKey === null) {
      const prompt = this.#splitOnce();
      // The context fingerprint keeps prompts about different documents apart, so their questions
      // are never compared with each other.
      this.#contextKey =
        prompt === undefined
          ? undefined
          : sha256Hex(
              `${canonicalizeChatBody(this.#bodyWithoutPrompt())}${
                prompt.contextFingerprint === undefined ? '' : `\u0000${prompt.contextFingerprint}`
              }`,
            );
    }
    return this.#contextKey;
  }

  #splitOnce(): PromptSplit | undefined {
    if (this.#split === null) {
      this.#split = this.#text === undefined ? undefined : splitPrompt(this.#text);
    }
    return this.#split;
  }
}
