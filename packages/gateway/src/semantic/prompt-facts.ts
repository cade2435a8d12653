/**
 * What the semantic guards compare, read once from each prompt: its tokens, numbers and operators,
 * negations, opposites and particles, category words, names, quotes, code tokens, directions and
 * relative times. `guards.ts` compares two prompts' facts.
 */

import { foldCase, tokenizeText } from '../embed/normalize-text';
import {
  AMOUNT_WORDS,
  ANSWER_FORMS,
  ARTICLES,
  AVOIDANCE_WORDS,
  AVOIDING,
  COMPARISON_SYMBOLS,
  COMPARISON_WORDS,
  CONDITION_OPENERS,
  DATA_ANSWER_FORMS,
  FUNCTION_WORDS,
  MONTH_CONTEXT_WORDS,
  MOVABLE_CATEGORIES,
  MULTIPLIER_WORDS,
  NEGATION_WORDS,
  NOT_GERUNDS,
  NUMBER_WORDS,
  OPERATOR_SYMBOLS,
  OPERATOR_WORDS,
  OPPOSITE_WORDS_BY_TOKEN,
  ORDINAL_WORDS,
  PARTICLE_SIDES,
  PARTY_ROLES,
  RELATIVE_PERIODS,
  RELATIVE_TIME_WORDS,
  SCALE_WORDS,
  SPEAKER_WORDS,
  STANDALONE_ANSWER_FORMS,
  UNIT_ABBREVIATIONS,
  WORD_CATEGORIES,
  YES_NO_OPENERS,
} from './guard-lexicon';
import { extractSymbolRuns } from './symbol-runs';
import { readWordMeanings, stemWord } from './word-forms';

interface QuotedText {
  text: string;
  /** Backticked text is code and compared case-sensitively; quotes compare case-insensitively. */
  caseSensitive: boolean;
}

/** What the guards compare, extracted once per prompt. */
export class PromptFacts {
  readonly tokens: string[];
  readonly tokenSet: ReadonlySet<string>;
  readonly numbers: string[];
  /** Arithmetic operators between operands, as signs (`plus` and `+` are both `+`). */
  readonly operators: string[];
  /** Each number written in digits, with the units written right after it (none: bare). */
  readonly amountUnits: Map<string, Set<string>>;
  /** Negation words, and `AVOIDING` for each verb of avoiding (`prevent`, `stop … from`). */
  readonly negations: string[];
  readonly opposites: OppositeOccurrence[];
  /** Opposable particles with the words they attach to, as `stem particle` (`stock in`). */
  readonly particles: Set<string>;
  readonly categoryWords: Map<string, string[]>;
  /** Party roles (`buyer`, `licensee`), plurals folded, in order. */
  readonly roles: string[];
  /** The first speaker pronoun (`I`, `my`, `we`), if the prompt asks about the speaker. */
  readonly speaker: string | undefined;
  readonly names: string[];
  readonly quotes: QuotedText[];
  readonly codeTokens: string[];
  /** Symbols the words do not carry (`&&`, `+=`, `$?`), in order: see `extractSymbolRuns`. */
  readonly symbols: string[];
  /**
   * What kind of answer the prompt asks for, when its opening says so: `yes-no` (`Does the policy
   * pay…?`, `Is it covered…?`) or `amount` (`How long…`, `How many…`, `How much…`).
   */
  readonly answerKind: 'yes-no' | 'amount' | undefined;
  /** The forms the answer is asked in (`as a table` → `table`): see `ANSWER_FORMS`. */
  readonly answerForms: string[];
  /** Whether the prompt asks for a comparison (`difference`, `compare`, `vs`). */
  readonly asksComparison: boolean;
  /**
   * Stems of the content words of each condition the prompt sets (`if I left the keys in the car`
   * → `left key car`); a `what if` question is no condition on another question.
   */
  readonly conditions: string[][];
  /**
   * Tokens written as a possessive owner (`Swift` in `Taylor Swift's mother`, `Paris` in `Paris's
   * suburbs`); the tokens themselves lose the `'s`.
   */
  readonly possessiveOwners: ReadonlySet<string>;
  /** Stems of every content word of the prompt. */
  readonly contentStems: ReadonlySet<string>;
  /** Periods placed relative to now, as `period → meaning` (`week → last`). */
  readonly relativeTimes: Map<string, Set<string>>;
  /** What the prompt's modals ask, by meaning (`must` → `required`): obligation, permission, advice. */
  readonly modals: Map<string, string>;
  /** Movements the prompt names, `from` one thing `to` another (`production → staging`). */
  readonly directions: string[];
  /**
   * The things a movement starts `from` and goes `to` (`flights to Paris`: `paris` in `to`), each
   * the first content word after the word, plural folded.
   */
  readonly movementEnds: { readonly from: ReadonlySet<string>; readonly to: ReadonlySet<string> };
  /** Numbers, names and category words in the order the prompt mentions them. */
  readonly salientItems: string[];
  /**
   * The kind of each salient item, among which order counts: `when` for a day, month or season,
   * which a rewording moves freely (`to London on Friday` / `on Friday to London`); `number` for a
   * number (`HTTP 404` / `a 404 HTTP status`); `what` for every other name, role or category word,
   * whose order among themselves says who does what (`Is Alice older than Bob?`).
   */
  readonly salientKinds: Map<string, 'when' | 'number' | 'what'>;
  private readonly caseFolded: string;
  private readonly whitespaceCollapsed: string;

  constructor(text: string) {
    const nfkc = text.normalize('NFKC');
    this.tokens = tokenizeText(nfkc);
    this.tokenSet = new Set(this.tokens);
    this.numbers = extractNumbers(this.tokens);
    this.operators = extractOperators(nfkc, this.tokens);
    this.amountUnits = extractAmountUnits(this.tokens);
    this.directions = extractDirections(this.tokens);
    this.movementEnds = extractMovementEnds(this.tokens);
    this.modals = readWordMeanings(this.tokens).get('modal') ?? new Map();
    this.relativeTimes = extractRelativeTimes(this.tokens);
    this.negations = this.tokens.flatMap((token, index) => {
      if (NEGATION_WORDS.has(token)) return [token];
      if (AVOIDANCE_WORDS.has(token) || stopsFrom(this.tokens, index)) return [AVOIDING];
      return [];
    });
    this.opposites = extractOpposites(this.tokens);
    this.particles = extractParticles(this.tokens);
    this.categoryWords = extractCategoryWords(this.tokens);
    this.roles = this.tokens.flatMap((token) => {
      const role = PARTY_ROLES.get(token);
      return role === undefined ? [] : [role];
    });
    this.speaker = this.tokens.find((token) => SPEAKER_WORDS.has(token));
    this.names = extractNames(nfkc);
    this.quotes = extractQuotes(nfkc);
    this.codeTokens = extractCodeTokens(nfkc);
    this.symbols = extractSymbolRuns(nfkc);
    const salient = new Map<string, 'when' | 'what'>(this.names.map((name) => [name, 'what']));
    for (const [category, words] of this.categoryWords) {
      const kind = MOVABLE_CATEGORIES.has(category) ? 'when' : 'what';
      for (const phrase of words) for (const word of phrase.split(' ')) salient.set(word, kind);
    }
    this.salientKinds = new Map();
    this.salientItems = this.tokens.flatMap((token) => {
      const role = PARTY_ROLES.get(token);
      const kind = role !== undefined ? 'what' : /\d/.test(token) ? 'number' : salient.get(token);
      if (kind === undefined) return [];
      const item = role ?? token;
      this.salientKinds.set(item, kind);
      return [item];
    });
    this.answerKind = readAnswerKind(this.tokens);
    this.asksComparison = this.tokens.some((token) => COMPARISON_WORDS.has(token));
    this.answerForms = extractAnswerForms(this.tokens);
    this.conditions = extractConditions(this.tokens);
    this.possessiveOwners = extractPossessiveOwners(nfkc);
    this.contentStems = new Set(
      this.tokens.filter((token) => !FUNCTION_WORDS.has(token)).map(stemWord),
    );
    this.whitespaceCollapsed = nfkc.replace(/\s+/g, ' ');
    this.caseFolded = foldCase(this.whitespaceCollapsed);
  }

  /** Whether this prompt contains the quoted text, quoted or not. */
  containsQuote(quote: QuotedText): boolean {
    return quote.caseSensitive
      ? this.whitespaceCollapsed.includes(quote.text)
      : this.caseFolded.includes(foldCase(quote.text));
  }
}

/**
 * Whether the word at `index` stops or keeps something from happening: `stop` before an `-ing`
 * word (`stop my dog barking`, `stop taking aspirin`), `stop` or `keep` before `from` and one
 * (`keep my cat from scratching`); not `stop the server from the shell`, nor `keep taking aspirin`.
 */
function stopsFrom(tokens: readonly string[], index: number): boolean {
  const word = tokens[index] ?? '';
  const stops = /^(stop|stops|stopped|stopping)$/.test(word);
  if (!stops && !/^(keep|keeps|kept|keeping)$/.test(word)) return false;
  for (let next = index + 1; next <= index + 4 && next < tokens.length; next++) {
    const token = tokens[next] ?? '';
    if (token === 'from') return (tokens[next + 1] ?? '').endsWith('ing');
    // Right after `stop` an -ing word is what stops (`stop using Chrome`); further on, a preposition
    // or noun in -ing is not (`stop the server using the shell`).
    if (stops && token.length > 4 && token.endsWith('ing')) {
      if (next === index + 1 || !NOT_GERUNDS.has(token)) return true;
    }
  }
  return false;
}

/**
 * The forms of `ANSWER_FORMS` the prompt asks its answer in: a form word at most three words after
 * `as` or `like` (`as a table`, `like a pirate`), or after `in` or `into` but not `the` (`in
 * bullet points`, `into Markdown`) when it is none of `DATA_ANSWER_FORMS` (`a value in a list`);
 * and the words of `STANDALONE_ANSWER_FORMS` anywhere (`a bulleted summary`).
 */
function extractAnswerForms(tokens: readonly string[]): string[] {
  const forms: string[] = [];
  tokens.forEach((token, index) => {
    if (STANDALONE_ANSWER_FORMS.has(token)) {
      const form = ANSWER_FORMS.get(token)!;
      if (!forms.includes(form)) forms.push(form);
      return;
    }
    const asks = token === 'as' || token === 'like';
    if (!asks && token !== 'in' && token !== 'into') return;
    for (let next = index + 1; next <= index + 3 && next < tokens.length; next++) {
      const word = tokens[next] ?? '';
      const form = ANSWER_FORMS.get(word);
      if (form !== undefined) {
        if ((asks || !DATA_ANSWER_FORMS.has(word)) && !forms.includes(form)) forms.push(form);
        return;
      }
      if (word === 'the' && !asks) return;
      if (next > index + 1 && ARTICLES.has(word)) return;
    }
  });
  return forms;
}

function readAnswerKind(tokens: readonly string[]): 'yes-no' | 'amount' | undefined {
  const [first = '', second = ''] = tokens;
  if (YES_NO_OPENERS.has(first)) return 'yes-no';
  if (first === 'how' && AMOUNT_WORDS.has(second)) return 'amount';
  return undefined;
}

/** How many words after `if` or `unless` a condition is read to span. */
const CONDITION_SPAN = 7;

function extractConditions(tokens: readonly string[]): string[][] {
  const conditions: string[][] = [];
  tokens.forEach((token, index) => {
    if (!CONDITION_OPENERS.has(token) || tokens[index - 1] === 'what') return;
    conditions.push(
      tokens
        .slice(index + 1, index + 1 + CONDITION_SPAN)
        .filter((word) => !FUNCTION_WORDS.has(word) && !CONDITION_OPENERS.has(word))
        .map(stemWord),
    );
  });
  return conditions;
}

/**
 * Periods a prompt places relative to now (`last week`, `next Monday`, `the past 7 days`, `this
 * quarter`), each with the meanings placing it: `this`, `last` or `next`.
 */
function extractRelativeTimes(tokens: readonly string[]): Map<string, Set<string>> {
  const placed = new Map<string, Set<string>>();
  tokens.forEach((token, index) => {
    const meaning = RELATIVE_TIME_WORDS[token];
    if (meaning === undefined) return;
    let at = index + 1;
    // `the last 7 days`, `the next three weeks`
    while (at < index + 3 && (/\d/.test(tokens[at] ?? '') || (tokens[at] ?? '') in NUMBER_WORDS))
      at++;
    const word = tokens[at];
    if (word === undefined) return;
    const period = foldPlural(word);
    const category = CATEGORY_BY_PHRASE.get(word) ?? CATEGORY_BY_PHRASE.get(period);
    if (!RELATIVE_PERIODS.has(period) && category !== 'weekdays' && category !== 'months') return;
    placed.set(period, (placed.get(period) ?? new Set()).add(meaning));
  });
  return placed;
}

/** Words that name where a movement ends, paired with the `from` that names where it starts. */
const DIRECTION_TARGETS: ReadonlySet<string> = new Set(['to', 'into', 'onto', 'towards', 'toward']);

/** How far apart `from` and its `to` may stand, in tokens. */
const DIRECTION_SPAN = 6;

/**
 * Movements a prompt names as `source → target`: the first content word after `from` and the first
 * after the nearest `to`/`into`/`onto` on either side of it (`copy from production to staging`,
 * `copy to staging from production`), plurals folded.
 */
function extractDirections(tokens: readonly string[]): string[] {
  const contentAfter = (index: number) => firstContentAfter(tokens, index);
  const directions: string[] = [];
  tokens.forEach((token, index) => {
    if (token !== 'from') return;
    const source = contentAfter(index);
    if (source === undefined) return;
    for (let distance = 1; distance <= DIRECTION_SPAN; distance++) {
      const target = [index + distance, index - distance].find((at) =>
        DIRECTION_TARGETS.has(tokens[at] ?? ''),
      );
      if (target === undefined) continue;
      const destination = contentAfter(target);
      if (destination !== undefined && destination !== source) {
        directions.push(`${source} → ${destination}`);
      }
      return;
    }
  });
  return directions;
}

/** The first content word within three tokens after `index`, plural folded. */
function firstContentAfter(tokens: readonly string[], index: number): string | undefined {
  for (let at = index + 1; at < tokens.length && at <= index + 3; at++) {
    const word = tokens[at]!;
    if (!FUNCTION_WORDS.has(word)) return foldPlural(word);
  }
  return undefined;
}

/** What follows each `from` and each `to` (or `into`, `towards`…) of the prompt. */
function extractMovementEnds(tokens: readonly string[]): PromptFacts['movementEnds'] {
  const from = new Set<string>();
  const to = new Set<string>();
  tokens.forEach((token, index) => {
    const ends = token === 'from' ? from : DIRECTION_TARGETS.has(token) ? to : undefined;
    const end = ends === undefined ? undefined : firstContentAfter(tokens, index);
    if (end !== undefined) ends!.add(end);
  });
  return { from, to };
}

/** `days` → `day`, `inches` → `inch`: one unit, however many of it. */
export function foldPlural(word: string): string {
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (/(ch|sh|x)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss') && word.length > 3) return word.slice(0, -1);
  return word;
}

const NUMBER_IN_TOKEN = /\d+(?:\.\d+)*/g;

/**
 * Canonical numbers of a prompt: digits with thousands separators and leading zeros dropped, `%`,
 * a currency symbol or an ordinal mark kept (`15%`, `$100`, `3rd`), spelled-out numbers converted
 * (`twenty five` → `25`, `3 million` → `3000000`, `third` → `3rd`, `percent` → `%`).
 */
function extractNumbers(tokens: readonly string[]): string[] {
  const numbers: string[] = [];
  let spelled: { total: number; current: number } | undefined;
  const flushSpelled = () => {
    if (spelled !== undefined) numbers.push(String(spelled.total + spelled.current));
    spelled = undefined;
  };
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    const previous = tokens[index - 1];
    const wordValue = NUMBER_WORDS[token];
    const scale = SCALE_WORDS[token];
    if (wordValue !== undefined) {
      spelled ??= { total: 0, current: 0 };
      spelled.current += wordValue;
      continue;
    }
    if (scale !== undefined) {
      if (spelled !== undefined) {
        if (scale === 100) spelled.current = (spelled.current || 1) * 100;
        else {
          spelled.total += (spelled.current || 1) * scale;
          spelled.current = 0;
        }
        continue;
      }
      const last = numbers.at(-1);
      if (
        last !== undefined &&
        /^\d+(\.\d+)?$/.test(last) &&
        previous !== undefined &&
        /\d$/.test(previous)
      ) {
        numbers[numbers.length - 1] = String(Number(last) * scale);
        continue;
      }
      numbers.push(String(scale));
      continue;
    }
    flushSpelled();
    if (
      (token === 'percent' || token === 'pct') &&
      numbers.length > 0 &&
      previous !== undefined &&
      /\d$/.test(previous)
    ) {
      numbers[numbers.length - 1] = `${numbers.at(-1)}%`;
      continue;
    }
    const quarter = /^q([1-4])$/.exec(token);
    if (quarter) {
      // `Q2` is `the second quarter`.
      numbers.push(withOrdinalSuffix(Number(quarter[1])));
      continue;
    }
    const ordinal =
      ORDINAL_WORDS[token] ?? (token === 'second' && previous === 'the' ? 2 : undefined);
    if (ordinal !== undefined) {
      numbers.push(withOrdinalSuffix(ordinal));
      continue;
    }
    const multiplier = MULTIPLIER_WORDS[token];
    if (multiplier !== undefined) {
      numbers.push(multiplier);
      continue;
    }
    for (const match of token.matchAll(NUMBER_IN_TOKEN)) {
      const start = match.index;
      const end = start + match[0].length;
      let number = canonicalDigits(match[0]);
      const before = token[start - 1];
      if (before !== undefined && /[$€£¥₹₩₽₺₫₪¢]/u.test(before)) number = `${before}${number}`;
      const after = token.slice(end);
      if (after.startsWith('%')) number = `${number}%`;
      else if (/^(st|nd|rd|th)$/.test(after)) number = withOrdinalSuffix(Number(match[0]));
      numbers.push(number);
    }
  }
  flushSpelled();
  return numbers;
}

/** An operator symbol between two operands: digits, brackets or one-letter variables (`2x`). */
const OPERATOR_PATTERN =
  /(?:\d|\)|(?<!\p{L})\p{L}(?![\p{L}\p{N}]))\s*([-+−–*×·/÷^=<>≤≥])\s*(?=\d|\(|\p{L}(?![\p{L}\p{N}]))/gu;

/**
 * A comparison or equality operator standing apart between spaces, after a word or a number (`age
 * > 30`, `x == y`, `between == and ===`); not an arrow (`=>`), a tag (`<div>`) or `key=value`.
 */
const COMPARISON_PATTERN = /(?<=^|\s)(?:===|!==|==|!=|<>|<=|>=|≠|≤|≥|<|>|=)(?=\s|$)/gu;

/** `6 x 7`, `1920x1080`: a letter x between two numbers is a multiplication sign. */
const TIMES_SIGN_PATTERN = /(?<=\d)\s*[xX]\s*(?=\d)/g;

/**
 * Arithmetic operators of a prompt as signs: symbols between operands (`2 + 2`, `x*y`, `a ≤ b`)
 * and operator words next to a number (`12 divided by 4`, `two plus two`, `to the power of 3`).
 * Tokens drop the symbols, so without this `2 + 2` and `2 * 2` would be the same prompt.
 */
function extractOperators(text: string, tokens: readonly string[]): string[] {
  const operators: string[] = [];
  const signAt = new Set<number>();
  for (const match of text.matchAll(OPERATOR_PATTERN)) {
    const sign = OPERATOR_SYMBOLS[match[1] ?? ''];
    if (sign === undefined) continue;
    operators.push(sign);
    signAt.add(match.index + match[0].indexOf(match[1]!));
  }
  // Comparisons between names too (`age > 30`, `== and ===`), each sign counted once.
  for (const match of text.matchAll(COMPARISON_PATTERN)) {
    const sign = COMPARISON_SYMBOLS[match[0]];
    if (sign !== undefined && !signAt.has(match.index)) operators.push(sign);
  }
  for (const _match of text.matchAll(TIMES_SIGN_PATTERN)) operators.push('×');
  const isNumeric = (token: string | undefined) =>
    token !== undefined && (/\d/.test(token) || token in NUMBER_WORDS);
  tokens.forEach((token, index) => {
    const sign = OPERATOR_WORDS[token];
    if (sign === undefined) return;
    let next = index + 1;
    while (tokens[next] === 'by' || tokens[next] === 'of') next++;
    if (isNumeric(tokens[index - 1]) || isNumeric(tokens[next])) operators.push(sign);
  });
  return operators;
}

/**
 * The units written after each number (`30 seconds`, `5km`), plurals folded; a number written
 * without one maps to an empty set, unless another occurrence of it has a unit.
 */
function extractAmountUnits(tokens: readonly string[]): Map<string, Set<string>> {
  const units = new Map<string, Set<string>>();
  const unitOf = (word: string | undefined) => {
    if (word === undefined) return undefined;
    if (CATEGORY_BY_PHRASE.get(word) === 'units') return foldPlural(word);
    return UNIT_ABBREVIATIONS.has(word) ? word : undefined;
  };
  tokens.forEach((token, index) => {
    const amount = /^(\d+(?:\.\d+)?)(\p{L}*)$/u.exec(token);
    if (amount === null) return;
    const number = canonicalDigits(amount[1] ?? '');
    const found = units.get(number) ?? new Set<string>();
    const unit = amount[2] ? unitOf(amount[2]) : unitOf(tokens[index + 1]);
    if (unit !== undefined) found.add(unit);
    units.set(number, found);
  });
  return units;
}

function canonicalDigits(digits: string): string {
  if (!/^\d+(\.\d+)?$/.test(digits)) return digits; // versions like 1.2.3 compare as written
  const [integer = '0', fraction] = digits.split('.');
  const trimmedInteger = integer.replace(/^0+(?=\d)/, '');
  const trimmedFraction = fraction?.replace(/0+$/, '');
  return trimmedFraction ? `${trimmedInteger}.${trimmedFraction}` : trimmedInteger;
}

function withOrdinalSuffix(value: number): string {
  const lastTwo = value % 100;
  const suffix =
    lastTwo >= 11 && lastTwo <= 13
      ? 'th'
      : value % 10 === 1
        ? 'st'
        : value % 10 === 2
          ? 'nd'
          : value % 10 === 3
            ? 'rd'
            : 'th';
  return `${value}${suffix}`;
}

/** An opposite word in a prompt: its concept and the pair sides it stands on. */
export interface OppositeOccurrence {
  concept: string;
  sides: readonly number[];
}

/** The opposite words a prompt uses, in order (one entry per occurrence). */
function extractOpposites(tokens: readonly string[]): OppositeOccurrence[] {
  return tokens.flatMap((token) => {
    const word = OPPOSITE_WORDS_BY_TOKEN.get(token);
    return word === undefined ? [] : [word];
  });
}

/**
 * Each opposable particle (`on`, `off`, `in`, `out`, `up`, `down`) with the content words on either
 * side of it, stemmed: `turn the lights on` gives `turn on` and `light on`; `items out of stock`
 * gives `item out` and `stock out`.
 */
function extractParticles(tokens: readonly string[]): Set<string> {
  const particles = new Set<string>();
  // The two nearest content words on each side, so that `turn maintenance mode on` and `turning
  // off maintenance mode` share an anchor (`maintenance`).
  const nearestContent = (index: number, step: 1 | -1) => {
    const found: string[] = [];
    for (let at = index + step, seen = 0; at >= 0 && at < tokens.length && seen < 3; at += step) {
      const word = tokens[at]!;
      if (PARTICLE_SIDES.has(word)) break;
      if (FUNCTION_WORDS.has(word)) {
        seen++;
        continue;
      }
      found.push(stemWord(word));
      if (found.length === 2) break;
    }
    return found;
  };
  tokens.forEach((token, index) => {
    const side = PARTICLE_SIDES.get(token);
    if (side === undefined) return;
    const [before, after] = [nearestContent(index, -1), nearestContent(index, 1)];
    // Nearest first, so that a conflict names the word the particle belongs to most likely.
    for (const anchor of [before[0], after[0], before[1], after[1]]) {
      if (anchor !== undefined) particles.add(`${anchor} ${side}`);
    }
  });
  return particles;
}

export const CATEGORY_BY_PHRASE: ReadonlyMap<string, string> = new Map(
  Object.entries(WORD_CATEGORIES).flatMap(([category, words]) =>
    words.map((word) => [word, category] as const),
  ),
);

/** Category words of a prompt, by category; phrases of up to three words are matched first. */
function extractCategoryWords(tokens: readonly string[]): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (let index = 0; index < tokens.length; index++) {
    for (const length of [3, 2, 1]) {
      let phrase = tokens.slice(index, index + length).join(' ');
      let category = CATEGORY_BY_PHRASE.get(phrase);
      if (category === undefined && length === 1) {
        // `Sundays` is `Sunday`, `Fridays` is `Friday`.
        phrase = foldPlural(phrase);
        category = CATEGORY_BY_PHRASE.get(phrase);
      }
      if (category === undefined || (length > 1 && index + length > tokens.length)) continue;
      // `the second` is an ordinal (the number guard's), not the unit of time.
      if (phrase === 'second' && tokens[index - 1] === 'the') continue;
      if (category === 'months' && (phrase === 'may' || phrase === 'march')) {
        // `may`/`march` are usually verbs; count them as months only next to a date word or number.
        const before = tokens[index - 1] ?? '';
        const after = tokens[index + 1] ?? '';
        if (!MONTH_CONTEXT_WORDS.has(before) && !/\d/.test(after) && !/\d/.test(before)) continue;
      }
      const words = found.get(category) ?? [];
      words.push(phrase);
      found.set(category, words);
      index += length - 1;
      break;
    }
  }
  return found;
}

/** A word, with inner dots kept so `CONFIG.YAML` stays one token as in `tokenizeText`. */
const WORD_WITH_POSITION = /[\p{L}\p{N}][\p{L}\p{M}\p{N}'’_-]*(?:\.[\p{L}\p{N}]+)*/gu;

/** Abbreviations whose full stop does not end a sentence (`Dr. Chen`). */
const TITLE_ABBREVIATIONS = new Set([
  'dr',
  'mr',
  'mrs',
  'ms',
  'prof',
  'st',
  'mt',
  'jr',
  'sr',
  'vs',
  'no',
  'gen',
  'col',
  'capt',
  'sgt',
  'rev',
  'fr',
]);

/**
 * Names: capitalised words that do not start a sentence (`Alice`, `Pride and Prejudice`) and
 * all-caps acronyms anywhere (`AWS`), lower-cased and normalised like tokens so that `Tokyo`
 * matches `tokyo` in the other prompt. The pronoun `I` is not a name.
 */
/** Tokens of the words written with a possessive `'s` (`it's`, `what's` and the like excluded). */
function extractPossessiveOwners(text: string): Set<string> {
  const owners = new Set<string>();
  for (const match of text.matchAll(WORD_WITH_POSITION)) {
    if (!/['’]s$/iu.test(match[0])) continue;
    const [owner] = tokenizeText(match[0]);
    if (owner !== undefined && !FUNCTION_WORDS.has(owner) && owner !== 'let') owners.add(owner);
  }
  return owners;
}

function extractNames(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(WORD_WITH_POSITION)) {
    const word = match[0];
    if (!/^\p{Lu}/u.test(word) || /^I(?:['’]\p{L}+)?$/u.test(word)) continue;
    if (/^Q[1-4]$/.test(word)) continue; // a quarter, which the number guard reads
    const isAcronym = word.length >= 2 && /^[\p{Lu}\p{N}]+$/u.test(word);
    if (!isAcronym && startsSentence(text, match.index)) continue;
    const normalised = tokenizeText(word);
    names.push(...normalised.filter((token) => !/^\d+$/.test(token)));
  }
  return names;
}

function startsSentence(text: string, index: number): boolean {
  const before = text.slice(0, index).replace(/[\s"'“”‘’«»([*•#>-]+$/u, '');
  if (before === '') return true;
  const lastWord = before.split(/\s/).at(-1) ?? '';
  if (/^\d+[.)]$/.test(lastWord)) return true; // a numbered list item
  if (lastWord.endsWith('.') && TITLE_ABBREVIATIONS.has(lastWord.slice(0, -1).toLowerCase())) {
    return false;
  }
  return /[.!?:;\n]$/.test(before);
}

const QUOTE_PATTERNS: readonly (readonly [RegExp, boolean])[] = [
  [/```[^\n]*\n?([\s\S]*?)```/g, true],
  [/`([^`\n]+)`/g, true],
  [/"([^"\n]+)"/g, false],
  [/“([^”\n]+)”/g, false],
  [/„([^“”\n]+)[“”]/g, false],
  [/«([^»\n]+)»/g, false],
  [/‘([^’\n]+)’(?![\p{L}\p{N}])/gu, false],
  // Single quotes only when they open after a non-letter and close before one, so `don't` and
  // `Alice's` are apostrophes, not quotes.
  [/(?<![\p{L}\p{N}])'([^'\n]+?)'(?![\p{L}\p{N}])/gu, false],
];

/** Text inside quotes or backticks, whitespace collapsed and trimmed. */
function extractQuotes(text: string): QuotedText[] {
  const quotes: QuotedText[] = [];
  let remaining = text;
  for (const [pattern, caseSensitive] of QUOTE_PATTERNS) {
    remaining = remaining.replace(pattern, (_match, inner: string) => {
      const quoted = inner.replace(/\s+/g, ' ').trim();
      if (quoted !== '') quotes.push({ text: quoted, caseSensitive });
      return ' ';
    });
  }
  return quotes;
}

/**
 * Code-like tokens: URLs, e-mail addresses, file paths, and identifiers that hold digits,
 * underscores, inner dots or camelCase (`user_id`, `e1234`, `index.ts`, `getUserById`), compared
 * case-insensitively with edge punctuation removed. Plain numbers are the number guard's job.
 */
function extractCodeTokens(text: string): string[] {
  const tokens: string[] = [];
  for (const chunk of text.split(/\s+/)) {
    const trimmed = chunk.replace(/^[("'“‘`<[{]+/u, '').replace(/[)"'”’`>\]},;!?]+$|[.:]+$/gu, '');
    const core = trimmed.replace(/[)"'”’`>\]},;!?.:]+$/u, '');
    if (core === '' || !/\p{L}/u.test(core)) continue;
    if (isCodeToken(core)) tokens.push(core.toLowerCase());
  }
  return tokens;
}

function isCodeToken(token: string): boolean {
  if (/^q[1-4]$/i.test(token)) return false; // a quarter, which the number guard reads
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(token)) return true; // URL
  if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(token)) return true; // e-mail
  if (/^(?:~|\.{1,2})?\/[^/]/.test(token) || /^[a-z]:\\/i.test(token)) return true; // path
  if (/[/\\]/.test(token) && /\.[\p{L}\d]{1,6}$/u.test(token)) return true; // relative path with a file
  if (/_/.test(token)) return true;
  if (/\p{Ll}\p{Lu}/u.test(token) && !/^\p{Lu}?\p{Ll}+$/u.test(token)) return true; // camelCase
  // A capitalised name in `.js` is a library (`Node.js`, `Vue.js`), compared as a name.
  if (/^\p{Lu}[\p{L}\d]*\.js$/u.test(token)) return false;
  const segments = token.split('.');
  if (
    segments.length > 1 &&
    segments.every((segment) => segment !== '') &&
    segments.some((segment) => segment.length > 1)
  ) {
    return true; // dotted: index.ts, example.com, os.path.join
  }
  // Letters then digits: error codes, hashes, versions (`E1234`, `sha256`, `gpt4o`); `3rd` and
  // `15kg` start with a number and belong to the number guard.
  return /^\p{L}[\p{L}\p{N}-]*\d/u.test(token);
}
