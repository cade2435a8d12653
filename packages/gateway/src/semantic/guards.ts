import { foldCase, tokenizeText } from '../embed/normalize-text';
import {
  DETAIL_CATEGORIES,
  FUNCTION_WORDS,
  MONTH_CONTEXT_WORDS,
  MULTIPLIER_WORDS,
  NEGATION_WORDS,
  NUMBER_WORDS,
  OPERATOR_SYMBOLS,
  OPERATOR_WORDS,
  OPPOSITE_PARTICLE_SIDES,
  OPPOSITE_WORDS_BY_TOKEN,
  ORDINAL_WORDS,
  PARTICLE_SIDES,
  PARTY_ROLES,
  RELATIVE_PERIODS,
  RELATIVE_TIME_WORDS,
  SCALE_WORDS,
  WORD_CATEGORIES,
} from './guard-lexicon';
import { describeMinimalEdit, stemWord } from './minimal-edit';
import type { GuardVeto } from './types';

/** Every guard, in the order they are checked. */
export const GUARD_NAMES = [
  'number',
  'negation',
  'entity',
  'quoted',
  'code',
  'order',
  'edit',
] as const;

/** Name of one semantic guard. */
export type GuardName = (typeof GUARD_NAMES)[number];

/** Guards on by default: all of them, since a wrong answer costs more than a missed hit. */
export const DEFAULT_GUARDS: readonly GuardName[] = GUARD_NAMES;

/** Options of `checkPromptGuards`. */
export interface PromptGuardOptions {
  /**
   * The guards to apply, by name (see `GUARD_NAMES`); an empty list disables the guards.
   * @default DEFAULT_GUARDS
   */
  guards?: readonly string[];
}

/** Whether `name` is one of `GUARD_NAMES`. */
export function isGuardName(name: string): name is GuardName {
  return (GUARD_NAMES as readonly string[]).includes(name);
}

/**
 * Decides whether a cached answer for `cached` may be served for `incoming`, a different prompt that
 * the embedder found similar. Returns the first veto (which guard and what differed) or `null` when
 * every guard passes. Casing, punctuation, whitespace and British/American spelling never count as
 * differences; numbers and arithmetic operators, negations and opposites taken on different
 * sides, named entities, high-information words (languages, months, units, ...) and the parties'
 * roles, quoted text, code-like tokens, the order of such items (`English to French` is not
 * `French to English`, `from production to staging` is not `from staging to production`) or of two
 * swapped phrases (`the dog chases the cat`), and one or two content words substituted in an
 * otherwise identical sentence (`termination for cause` is not `termination for convenience`;
 * `turn on` is not `turn off`; `square` is not `square root`) do. The L2 lookup calls it on the
 * parts where two prompts differ, so a shared document cannot make a guard fire, or keep one from
 * firing.
 *
 * Throws a `RangeError` for an unknown guard name, so a typo in configuration fails at start-up.
 *
 * @example
 * checkPromptGuards('What is 15% of 200?', 'What is 25% of 200?');
 * // { guard: 'number', detail: 'numbers differ: 15% vs 25%' }
 * checkPromptGuards('Summarise contract #123', 'summarise contract #123.'); // null
 */
export function checkPromptGuards(
  cached: string,
  incoming: string,
  options: PromptGuardOptions = {},
): GuardVeto | null {
  const guards = options.guards ?? DEFAULT_GUARDS;
  for (const name of guards) {
    if (!isGuardName(name)) {
      throw new RangeError(`unknown semantic guard "${name}"; known: ${GUARD_NAMES.join(', ')}`);
    }
  }
  if (cached === incoming || guards.length === 0) return null;
  const cachedFacts = new PromptFacts(cached);
  const incomingFacts = new PromptFacts(incoming);
  for (const name of GUARD_NAMES) {
    if (!guards.includes(name)) continue;
    const detail = GUARD_CHECKS[name](cachedFacts, incomingFacts);
    if (detail !== null) return { guard: name, detail };
  }
  return null;
}

/** Each guard compares two prompts and returns what differed, or `null`. */
const GUARD_CHECKS: Readonly<
  Record<GuardName, (cached: PromptFacts, incoming: PromptFacts) => string | null>
> = {
  number: (cached, incoming) =>
    describeDifference('numbers', cached.numbers, incoming.numbers) ??
    describeDifference('operators', cached.operators, incoming.operators) ??
    describeDroppedUnit(cached.amountUnits, incoming.amountUnits),
  negation: (cached, incoming) =>
    describeDifference('negations', cached.negations, incoming.negations) ??
    describeOppositeConflict(cached.opposites, incoming.opposites) ??
    describeParticleConflict(cached.particles, incoming.particles),
  entity: (cached, incoming) => {
    for (const category of Object.keys(WORD_CATEGORIES)) {
      const label = category.replace(/_/g, ' ');
      const cachedWords = cached.categoryWords.get(category) ?? [];
      const incomingWords = incoming.categoryWords.get(category) ?? [];
      const detail = DETAIL_CATEGORIES.has(category)
        ? describeConflictingSets(label, cachedWords.map(foldPlural), incomingWords.map(foldPlural))
        : describeDifference(label, cachedWords, incomingWords);
      if (detail !== null) return detail;
    }
    const relative = describeRelativeTimeConflict(cached.relativeTimes, incoming.relativeTimes);
    if (relative !== null) return relative;
    // Parties count when both prompts name some, as sets: leaving the party out can be a
    // rewording, naming another (`buyer` / `supplier`) or one more is another question.
    if (cached.roles.length > 0 && incoming.roles.length > 0) {
      const detail = describeDifference(
        'party roles',
        [...new Set(cached.roles)],
        [...new Set(incoming.roles)],
      );
      if (detail !== null) return detail;
    }
    // Names that are category words (`Sundays`, `French`) were compared with their category.
    const isOwnName = (name: string) =>
      !PARTY_ROLES.has(name) && !CATEGORY_BY_PHRASE.has(foldPlural(name));
    return describeDifference(
      'names',
      cached.names.filter((name) => !incoming.tokenSet.has(name) && isOwnName(name)),
      incoming.names.filter((name) => !cached.tokenSet.has(name) && isOwnName(name)),
    );
  },
  quoted: (cached, incoming) =>
    describeDifference(
      'quoted texts',
      cached.quotes.filter((quote) => !incoming.containsQuote(quote)).map((quote) => quote.text),
      incoming.quotes.filter((quote) => !cached.containsQuote(quote)).map((quote) => quote.text),
    ),
  code: (cached, incoming) =>
    describeDifference('code tokens', cached.codeTokens, incoming.codeTokens),
  order: (cached, incoming) =>
    describeOrderDifference(cached.salientItems, incoming.salientItems) ??
    describeReversedDirection(cached.directions, incoming.directions) ??
    describeSwappedSpans(cached.tokens, incoming.tokens),
  edit: (cached, incoming) => describeMinimalEdit(cached.tokens, incoming.tokens),
};

/**
 * `null` when the items both prompts mention once each appear in the same relative order;
 * otherwise `word orders differ: a → b vs b → a`. Swapping names, languages, units or numbers turns a
 * bag of the same words into a different question (`Is Alice older than Bob?`), which no
 * multiset comparison and no bag-of-words embedder sees.
 */
function describeOrderDifference(
  cached: readonly string[],
  incoming: readonly string[],
): string | null {
  const occursOnce = (items: readonly string[]) => {
    const counts = new Map<string, number>();
    for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
    return (item: string) => counts.get(item) === 1;
  };
  const onceInCached = occursOnce(cached);
  const onceInIncoming = occursOnce(incoming);
  const shared = cached.filter((item) => onceInCached(item) && onceInIncoming(item));
  const sharedSet = new Set(shared);
  const incomingOrder = incoming.filter((item) => sharedSet.has(item));
  if (shared.every((item, index) => incomingOrder[index] === item)) return null;
  return `word orders differ: ${shared.join(' → ')} vs ${incomingOrder.join(' → ')}`;
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

/**
 * `relative times differ: last week vs this week` when both prompts place one period differently
 * relative to now; otherwise `null`.
 */
function describeRelativeTimeConflict(
  cached: ReadonlyMap<string, ReadonlySet<string>>,
  incoming: ReadonlyMap<string, ReadonlySet<string>>,
): string | null {
  for (const [period, cachedMeanings] of cached) {
    const incomingMeanings = incoming.get(period);
    if (incomingMeanings === undefined) continue;
    const same =
      cachedMeanings.size === incomingMeanings.size &&
      [...cachedMeanings].every((meaning) => incomingMeanings.has(meaning));
    if (same) continue;
    const show = (meanings: ReadonlySet<string>) =>
      [...meanings].map((meaning) => `${meaning} ${period}`).join(', ');
    return `relative times differ: ${show(cachedMeanings)} vs ${show(incomingMeanings)}`;
  }
  return null;
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
  const contentAfter = (index: number) => {
    for (let at = index + 1; at < tokens.length && at <= index + 3; at++) {
      const word = tokens[at]!;
      if (!FUNCTION_WORDS.has(word)) return foldPlural(word);
    }
    return undefined;
  };
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

/**
 * `directions differ: production → staging vs staging → production` when one prompt names a
 * movement the other names the other way round, however each is worded (`Can I copy the data from
 * production to staging?` / `Is copying it from staging to production allowed?`); otherwise `null`.
 */
function describeReversedDirection(
  cached: readonly string[],
  incoming: readonly string[],
): string | null {
  for (const direction of cached) {
    const [source, destination] = direction.split(' → ');
    const reversed = `${destination} → ${source}`;
    if (incoming.includes(reversed) && !incoming.includes(direction)) {
      return `directions differ: ${direction} vs ${reversed}`;
    }
  }
  return null;
}

/**
 * `null` unless one prompt is the other with two spans of words swapped around an unchanged middle
 * (`Does the dog chase the cat?` / `Does the cat chase the dog?`, `merge the branch into main` /
 * `merge main into the branch`, `from best to worst` / `from worst to best`), each span holding a
 * content word; then `word orders differ: dog … cat vs cat … dog`. The words are the same, so
 * neither the other guards nor a bag-of-words embedder see a difference, but who does what to whom
 * changed. A rewording that moves one phrase elsewhere (`Tokyo is in which time zone?` / `Which
 * time zone is Tokyo in?`) is no such swap.
 */
function describeSwappedSpans(
  cached: readonly string[],
  incoming: readonly string[],
): string | null {
  if (cached.length !== incoming.length) return null;
  let start = 0;
  while (start < cached.length && cached[start] === incoming[start]) start++;
  let end = cached.length;
  while (end > start && cached[end - 1] === incoming[end - 1]) end--;
  const length = end - start;
  const same = (from: number, to: number, count: number) => {
    for (let offset = 0; offset < count; offset++) {
      if (cached[from + offset] !== incoming[to + offset]) return false;
    }
    return true;
  };
  const hasContentWord = (from: number, count: number) =>
    cached.slice(from, from + count).some((word) => !FUNCTION_WORDS.has(word));
  // cached = … X M Y …, incoming = … Y M X …, with X of `first` words and Y of `last` words.
  for (let first = 1; first < length; first++) {
    if (!same(start, end - first, first)) continue;
    for (let last = 1; first + last < length; last++) {
      const middle = length - first - last;
      if (
        same(end - last, start, last) &&
        same(start + first, start + last, middle) &&
        hasContentWord(start, first) &&
        hasContentWord(end - last, last)
      ) {
        const spanX = cached.slice(start, start + first).join(' ');
        const spanY = cached.slice(end - last, end).join(' ');
        return `word orders differ: ${spanX} … ${spanY} vs ${spanY} … ${spanX}`;
      }
    }
  }
  return null;
}

/**
 * `null` when one prompt's items are all among the other's (it names fewer units, which a reworded
 * question often does: `How long…` / `How many days…`); otherwise, when each names one the other
 * lacks (`miles` / `kilometers`), `<label> differ: a vs b`.
 */
function describeConflictingSets(
  label: string,
  cached: readonly string[],
  incoming: readonly string[],
): string | null {
  const cachedSet = new Set(cached);
  const incomingSet = new Set(incoming);
  if ([...cachedSet].every((item) => incomingSet.has(item))) return null;
  if ([...incomingSet].every((item) => cachedSet.has(item))) return null;
  return describeDifference(
    label,
    [...cachedSet].filter((item) => !incomingSet.has(item)),
    [...incomingSet].filter((item) => !cachedSet.has(item)),
  );
}

/** `days` → `day`, `inches` → `inch`: one unit, however many of it. */
function foldPlural(word: string): string {
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (/(ch|sh|x)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss') && word.length > 3) return word.slice(0, -1);
  return word;
}

/**
 * `null` when both lists hold the same items (as multisets); otherwise `<label> differ: a vs b`
 * naming only the items that differ, `none` standing for an empty side.
 */
function describeDifference(
  label: string,
  cached: readonly string[],
  incoming: readonly string[],
): string | null {
  const remaining = new Map<string, number>();
  for (const item of incoming) remaining.set(item, (remaining.get(item) ?? 0) + 1);
  const onlyCached: string[] = [];
  for (const item of cached) {
    const count = remaining.get(item) ?? 0;
    if (count > 0) remaining.set(item, count - 1);
    else onlyCached.push(item);
  }
  const onlyIncoming: string[] = [];
  for (const [item, count] of remaining)
    for (let index = 0; index < count; index++) onlyIncoming.push(item);
  if (onlyCached.length === 0 && onlyIncoming.length === 0) return null;
  const show = (items: string[]) => (items.length === 0 ? 'none' : items.join(', '));
  return `${label} differ: ${show(onlyCached)} vs ${show(onlyIncoming)}`;
}

interface QuotedText {
  text: string;
  /** Backticked text is code and compared case-sensitively; quotes compare case-insensitively. */
  caseSensitive: boolean;
}

/** What the guards compare, extracted once per prompt. */
class PromptFacts {
  readonly tokens: string[];
  readonly tokenSet: ReadonlySet<string>;
  readonly numbers: string[];
  /** Arithmetic operators between operands, as signs (`plus` and `+` are both `+`). */
  readonly operators: string[];
  /** Each number written in digits, with the units written right after it (none: bare). */
  readonly amountUnits: Map<string, Set<string>>;
  readonly negations: string[];
  readonly opposites: OppositeOccurrence[];
  /** Opposable particles with the words they attach to, as `stem particle` (`stock in`). */
  readonly particles: Set<string>;
  readonly categoryWords: Map<string, string[]>;
  /** Party roles (`buyer`, `licensee`), plurals folded, in order. */
  readonly roles: string[];
  readonly names: string[];
  readonly quotes: QuotedText[];
  readonly codeTokens: string[];
  /** Periods placed relative to now, as `period → meaning` (`week → last`). */
  readonly relativeTimes: Map<string, Set<string>>;
  /** Movements the prompt names, `from` one thing `to` another (`production → staging`). */
  readonly directions: string[];
  /** Numbers, names and category words in the order the prompt mentions them. */
  readonly salientItems: string[];
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
    this.relativeTimes = extractRelativeTimes(this.tokens);
    this.negations = this.tokens.filter((token) => NEGATION_WORDS.has(token));
    this.opposites = extractOpposites(this.tokens);
    this.particles = extractParticles(this.tokens);
    this.categoryWords = extractCategoryWords(this.tokens);
    this.roles = this.tokens.flatMap((token) => {
      const role = PARTY_ROLES.get(token);
      return role === undefined ? [] : [role];
    });
    this.names = extractNames(nfkc);
    this.quotes = extractQuotes(nfkc);
    this.codeTokens = extractCodeTokens(nfkc);
    const salient = new Set(this.names);
    for (const words of this.categoryWords.values()) {
      for (const phrase of words) for (const word of phrase.split(' ')) salient.add(word);
    }
    this.salientItems = this.tokens.flatMap((token) => {
      const role = PARTY_ROLES.get(token);
      if (role !== undefined) return [role];
      return salient.has(token) || /\d/.test(token) ? [token] : [];
    });
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

/** `6 x 7`, `1920x1080`: a letter x between two numbers is a multiplication sign. */
const TIMES_SIGN_PATTERN = /(?<=\d)\s*[xX]\s*(?=\d)/g;

/**
 * Arithmetic operators of a prompt as signs: symbols between operands (`2 + 2`, `x*y`, `a ≤ b`)
 * and operator words next to a number (`12 divided by 4`, `two plus two`, `to the power of 3`).
 * Tokens drop the symbols, so without this `2 + 2` and `2 * 2` would be the same prompt.
 */
function extractOperators(text: string, tokens: readonly string[]): string[] {
  const operators: string[] = [];
  for (const match of text.matchAll(OPERATOR_PATTERN)) {
    const sign = OPERATOR_SYMBOLS[match[1] ?? ''];
    if (sign !== undefined) operators.push(sign);
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
  const unitOf = (word: string | undefined) =>
    word !== undefined && CATEGORY_BY_PHRASE.get(word) === 'units' ? foldPlural(word) : undefined;
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

/**
 * `amounts differ: 30 second vs 30` when a number both prompts hold has a unit in one and none in
 * the other (`Set the timeout to 30 seconds` / `… to 30`); otherwise `null`. A different unit is the
 * entity guard's (`30 seconds` / `30 minutes`).
 */
function describeDroppedUnit(
  cached: ReadonlyMap<string, ReadonlySet<string>>,
  incoming: ReadonlyMap<string, ReadonlySet<string>>,
): string | null {
  for (const [number, cachedUnits] of cached) {
    const incomingUnits = incoming.get(number);
    if (incomingUnits === undefined || (cachedUnits.size === 0) === (incomingUnits.size === 0)) {
      continue;
    }
    const show = (units: ReadonlySet<string>) =>
      units.size === 0 ? number : [...units].map((unit) => `${number} ${unit}`).join(', ');
    return `amounts differ: ${show(cachedUnits)} vs ${show(incomingUnits)}`;
  }
  return null;
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
interface OppositeOccurrence {
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
 * `null` unless the prompts stand on different sides of one pair of opposites (`enable` against
 * `disable`, `survive` against `terminate`, or one of them against both); then `opposites differ:
 * enable vs disable`. An opposite word only one prompt uses is no conflict: in a reworded question it
 * is incidental (`What time is check-out?` / `When does check-out close?`), and in an otherwise
 * identical sentence the `edit` guard sees the substitution.
 */
function describeOppositeConflict(
  cached: readonly OppositeOccurrence[],
  incoming: readonly OppositeOccurrence[],
): string | null {
  const sidesByPair = (occurrences: readonly OppositeOccurrence[]) => {
    const pairs = new Map<number, Set<number>>();
    for (const occurrence of occurrences) {
      for (const side of occurrence.sides) {
        const pair = Math.floor(side / 2);
        pairs.set(pair, (pairs.get(pair) ?? new Set()).add(side % 2));
      }
    }
    return pairs;
  };
  const cachedPairs = sidesByPair(cached);
  const incomingPairs = sidesByPair(incoming);
  for (const [pair, cachedSides] of cachedPairs) {
    const incomingSides = incomingPairs.get(pair);
    if (incomingSides === undefined) continue;
    if (
      cachedSides.size === incomingSides.size &&
      [...cachedSides].every((side) => incomingSides.has(side))
    ) {
      continue;
    }
    const onPair = (occurrences: readonly OppositeOccurrence[]) =>
      occurrences
        .filter((occurrence) => occurrence.sides.some((side) => Math.floor(side / 2) === pair))
        .map((occurrence) => occurrence.concept);
    const detail = describeDifference('opposites', onPair(cached), onPair(incoming));
    if (detail !== null) return detail;
  }
  return null;
}

/**
 * Each opposable particle (`on`, `off`, `in`, `out`, `up`, `down`) with the content words on either
 * side of it, stemmed: `turn the lights on` gives `turn on` and `light on`; `items out of stock`
 * gives `item out` and `stock out`.
 */
function extractParticles(tokens: readonly string[]): Set<string> {
  const particles = new Set<string>();
  const nearestContent = (index: number, step: 1 | -1) => {
    for (let at = index + step, seen = 0; at >= 0 && at < tokens.length && seen < 3; at += step) {
      const word = tokens[at]!;
      if (PARTICLE_SIDES.has(word)) return undefined;
      if (!FUNCTION_WORDS.has(word)) return stemWord(word);
      seen++;
    }
    return undefined;
  };
  tokens.forEach((token, index) => {
    const side = PARTICLE_SIDES.get(token);
    if (side === undefined) return;
    for (const anchor of [nearestContent(index, -1), nearestContent(index, 1)]) {
      if (anchor !== undefined) particles.add(`${anchor} ${side}`);
    }
  });
  return particles;
}

/**
 * `opposites differ: stock in vs stock out` when the prompts attach opposite particles to the same
 * word (`items in stock` / `items out of stock`, `turn the lights on` / `turning off the lights`)
 * and neither attaches the other's; otherwise `null`.
 */
function describeParticleConflict(
  cached: ReadonlySet<string>,
  incoming: ReadonlySet<string>,
): string | null {
  for (const attached of cached) {
    const [anchor, particle] = attached.split(' ');
    const flipped = `${anchor} ${OPPOSITE_PARTICLE_SIDES.get(particle ?? '')}`;
    if (incoming.has(flipped) && !incoming.has(attached) && !cached.has(flipped)) {
      return `opposites differ: ${attached} vs ${flipped}`;
    }
  }
  return null;
}

const CATEGORY_BY_PHRASE: ReadonlyMap<string, string> = new Map(
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
