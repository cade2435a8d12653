/**
 * The symbols of a prompt that its words do not carry: operators and sigils of code and shells
 * (`&&`, `+=`, `?.`, `$?`, `~/`, `@Override`, `!important`, `[]`), in order. Tokens drop every
 * such character, so without them `What does x += 1 do?` and `What does x -= 1 do?` are one prompt
 * to the embedder and to every other guard.
 *
 * Left out, since they only punctuate prose or are read elsewhere: sentence punctuation after a
 * word (`word,`, `word?`, `word).`), quotes and brackets around words (`<div>` too), apostrophes,
 * hyphens, dots and slashes inside a word (`don't`, `well-known`, `Node.js`, `km/h`), a dash
 * between spaces, backticks, emoji, and number signs next to a number (`15%`, `$20`, `#123`,
 * `2 + 2`: the number guard's).
 *
 * @example
 * extractSymbolRuns('When should I use ?? instead of ||?'); // ['??', '||']
 * extractSymbolRuns("What's 15% of $20, roughly?"); // []
 */
export function extractSymbolRuns(text: string): string[] {
  const runs: string[] = [];
  for (const match of text.matchAll(SYMBOL_RUN)) {
    const run = match[0].replace(IGNORED_CHARACTERS, '');
    if (run === '') continue;
    const before = text[match.index - 1];
    const after = text[match.index + match[0].length];
    const kept = trimProse(run, before, after);
    if (kept === '' || isNumberSign(kept, text, match.index, match.index + match[0].length)) {
      continue;
    }
    runs.push(kept);
  }
  return runs;
}

/** A run of characters that are neither letters, digits, marks nor spaces. */
const SYMBOL_RUN = /[^\p{L}\p{M}\p{N}\s]+/gu;
/** Backticks (code quoting) and emoji, which never change what a prompt asks. */
const IGNORED_CHARACTERS = /`|\p{Extended_Pictographic}|\u{FE0F}|\u{200D}/gu;
const ALPHANUMERIC = /[\p{L}\p{M}\p{N}]/u;
/** Punctuation that ends a sentence or a clause, after a word. */
const CLOSING_PUNCTUATION = /^[.,;:!?…'"’”»)\]>]+$/u;
/** Quotes and brackets that open a quotation or an aside, before a word. */
const OPENING_PUNCTUATION = /^['"‘“«(<[¿¡]+$/u;
/** What may stand inside a word: `don't`, `well-known`, `Node.js`, `km/h`. */
const INNER_PUNCTUATION = /^['’.\-/]$/u;
/** Punctuation that ends a sentence. */
const SENTENCE_END = /^[.!?…]+$/u;
/** A dash between words (`--` is an option prefix, not prose). */
const DASH = /^[-–—]$/u;
/** Signs the number and operator checks read when they stand next to a number. */
const NUMBER_SIGNS = /^(?:[#№%$€£¥+\-−–×·*/÷^=<>≤≥.,:]|<=|>=|==|!=|===|!==)$/u;

const isAlphanumeric = (character: string | undefined) =>
  character !== undefined && ALPHANUMERIC.test(character);
const isSpace = (character: string | undefined) => character === undefined || /\s/.test(character);

/** `run` without the prose punctuation at its edges (`||?` → `||`), or '' when it is all prose. */
function trimProse(run: string, before: string | undefined, after: string | undefined): string {
  const afterWord = isAlphanumeric(before);
  const beforeWord = isAlphanumeric(after);
  if (afterWord && beforeWord && INNER_PUNCTUATION.test(run)) return '';
  if (afterWord && !beforeWord && CLOSING_PUNCTUATION.test(run)) return '';
  if (beforeWord && isSpace(before) && OPENING_PUNCTUATION.test(run)) return '';
  if (isSpace(before) && isSpace(after) && DASH.test(run)) return '';
  // Punctuation set off at the very end, as French typography does (`C'est quoi ?`).
  if (after === undefined && isSpace(before) && SENTENCE_END.test(run)) return '';
  let kept = run;
  // Sentence punctuation closing a run that ends the sentence or a clause: after a word always
  // (`C#?`), after a space only when a symbol of two or more remains (`… of ||?`; `$?` stays).
  if (isSpace(after)) {
    const trimmed = kept.replace(/[.,;:!?…'"’”)]+$/u, '');
    if (afterWord || trimmed.length >= 2) kept = trimmed;
  }
  if (isSpace(before)) kept = kept.replace(/^['"‘“(]+/u, '');
  return kept;
}

/** Whether `run` is a sign next to a number (`15%`, `$20`, `2 + 2`), spaces between allowed. */
function isNumberSign(run: string, text: string, start: number, end: number): boolean {
  if (!NUMBER_SIGNS.test(run)) return false;
  let left = start - 1;
  while (left >= 0 && text[left] === ' ') left--;
  let right = end;
  while (right < text.length && text[right] === ' ') right++;
  return /\d/.test(text[left] ?? '') || /\d/.test(text[right] ?? '');
}
