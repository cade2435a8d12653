/**
 * Text normalisation shared by the lexical embedder and the semantic guards, so both agree on what
 * counts as "the same words": Unicode NFKC, lower case, British/American spelling folded, contractions
 * expanded, punctuation that carries no meaning dropped, while digits, `%`, currency symbols, `#123`
 * ids and dotted/underscored identifiers survive as single tokens.
 */

/**
 * A word table with no prototype, so looking up a prompt's word never finds an inherited property
 * (`table.constructor` is `undefined`, not `Object`).
 *
 * @example
 * createWordTable({ colour: 'color' }).constructor; // undefined
 */
export function createWordTable<Value>(
  entries: Record<string, Value>,
): Readonly<Record<string, Value>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, Value>, entries));
}

/** Currency symbols kept attached to the amount they precede (`$100`, `€5`). */
const CURRENCY_SYMBOLS = '$€£¥₹₩₽₺₫₪¢';

/**
 * One token: an optional `#` or currency prefix, then letters/digits/underscores joined by inner
 * `. , - / @ : + '` (so `index.ts`, `two-factor`, `1,000.50`, `a@b.io`, `v1.2.3` stay whole), then an
 * optional `%` or `+` suffix (`15%`, `c++`). Edge punctuation (`?`, `!`, a sentence-final `.`) is not
 * part of any token, which is what makes `#123.` and `#123` equal.
 */
const TOKEN_PATTERN = new RegExp(
  `[#${escapeForCharacterClass(CURRENCY_SYMBOLS)}]?[\\p{L}\\p{N}_](?:[\\p{L}\\p{M}\\p{N}_]|[.,\\-/@:+'’](?=[\\p{L}\\p{N}_]))*(?:%|\\+\\+?)?`,
  'gu',
);

const THOUSANDS_NUMBER = /^([#$€£¥₹₩₽₺₫₪¢]?)(\d{1,3}(?:,\d{3})+)(\.\d+)?(%?)$/u;

/** Contractions whose negation must survive normalisation (`won't` must not become `wont`). */
const IRREGULAR_NEGATIONS = createWordTable({
  "won't": 'will not',
  "can't": 'can not',
  cannot: 'can not',
  "shan't": 'shall not',
  "ain't": 'is not',
});

/** `-ise` words that are not British spellings of an `-ize` word (`advise`, `promise`, ...). */
const ISE_EXCEPTIONS = new Set([
  'advertise',
  'advise',
  'apprise',
  'arise',
  'bruise',
  'chastise',
  'chemise',
  'circumcise',
  'comprise',
  'compromise',
  'concise',
  'cruise',
  'demise',
  'despise',
  'devise',
  'disguise',
  'enterprise',
  'excise',
  'exercise',
  'expertise',
  'franchise',
  'guise',
  'improvise',
  'incise',
  'merchandise',
  'mortise',
  'noise',
  'paradise',
  'poise',
  'praise',
  'precise',
  'premise',
  'promise',
  'raise',
  'reprise',
  'revise',
  'rise',
  'supervise',
  'surmise',
  'surprise',
  'televise',
  'treatise',
  'turquoise',
  'valise',
  'wise',
]);

/** Common British spellings that no suffix rule catches, mapped to the American form. */
const BRITISH_TO_AMERICAN = createWordTable({
  colour: 'color',
  colours: 'colors',
  favour: 'favor',
  favourite: 'favorite',
  favourites: 'favorites',
  honour: 'honor',
  labour: 'labor',
  behaviour: 'behavior',
  behaviours: 'behaviors',
  neighbour: 'neighbor',
  neighbours: 'neighbors',
  humour: 'humor',
  flavour: 'flavor',
  rumour: 'rumor',
  harbour: 'harbor',
  armour: 'armor',
  endeavour: 'endeavor',
  centre: 'center',
  centres: 'centers',
  metre: 'meter',
  metres: 'meters',
  kilometre: 'kilometer',
  kilometres: 'kilometers',
  centimetre: 'centimeter',
  centimetres: 'centimeters',
  millimetre: 'millimeter',
  millimetres: 'millimeters',
  millilitre: 'milliliter',
  millilitres: 'milliliters',
  litre: 'liter',
  litres: 'liters',
  theatre: 'theater',
  fibre: 'fiber',
  licence: 'license',
  defence: 'defense',
  offence: 'offense',
  programme: 'program',
  programmes: 'programs',
  catalogue: 'catalog',
  grey: 'gray',
  cancelled: 'canceled',
  cancelling: 'canceling',
  travelled: 'traveled',
  travelling: 'traveling',
  modelling: 'modeling',
  labelled: 'labeled',
  labelling: 'labeling',
  judgement: 'judgment',
  cheque: 'check',
  aluminium: 'aluminum',
  tyre: 'tire',
  tyres: 'tires',
});

/**
 * Folds a lower-case word to American spelling: `summarise`/`summarised`/`summarising`/`summarisation`
 * → `summarize...`, `analyse` → `analyze`, plus a short list of irregular words.
 */
export function foldSpelling(word: string): string {
  const mapped = BRITISH_TO_AMERICAN[word];
  if (mapped !== undefined) return mapped;
  const match = /^(\p{L}{3,})(is|ys)(e|es|ed|ing|ation|ations|er|ers)$/u.exec(word);
  if (match === null) return word;
  const [, stem = '', infix = '', suffix = ''] = match;
  const base = `${stem}${infix}e`;
  if (ISE_EXCEPTIONS.has(base) || base.endsWith('wise') || ISE_EXCEPTIONS.has(`${stem}${infix}`)) {
    return word;
  }
  return `${stem}${infix === 'is' ? 'iz' : 'yz'}${suffix}`;
}

/** Applies NFKC, lower-cases, and unifies typographic apostrophes and quotes. */
export function foldCase(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[’‘`´]/g, "'");
}

/**
 * Splits text into normalised word tokens: lower case, NFKC, spelling folded, `n't` expanded to
 * `not`, possessive `'s` dropped, thousands separators removed from numbers (`1,000` → `1000`).
 *
 * @example
 * tokenizeText('Summarise contract #123.'); // ['summarize', 'contract', '#123']
 */
export function tokenizeText(text: string): string[] {
  const tokens: string[] = [];
  for (const match of foldCase(text).matchAll(TOKEN_PATTERN)) {
    for (const token of expandToken(match[0])) tokens.push(token);
  }
  return tokens;
}

function expandToken(raw: string): string[] {
  const irregular = IRREGULAR_NEGATIONS[raw];
  if (irregular !== undefined) return irregular.split(' ');
  if (raw.endsWith("n't")) return [raw.slice(0, -3), 'not'];
  let token = raw;
  if (token.endsWith("'s")) token = token.slice(0, -2);
  // Other contractions (`i'm`, `we're`, `it'll`) carry no meaning the embedder needs to keep apart.
  token = token.replace(/'/g, '');
  const thousands = THOUSANDS_NUMBER.exec(token);
  if (thousands !== null) {
    const [, prefix = '', digits = '', fraction = '', percent = ''] = thousands;
    token = `${prefix}${digits.replace(/,/g, '')}${fraction}${percent}`;
  }
  if (token.includes('-') && !/\d/.test(token)) {
    // `two-factor` and `two factor` should look alike; the joined form keeps the compound.
    return [
      ...token
        .split('-')
        .filter((part) => part !== '')
        .map(foldSpelling),
    ];
  }
  return token === '' ? [] : [foldSpelling(token)];
}

/** Normalised text: the tokens of `tokenizeText` joined by single spaces. */
export function normalizeText(text: string): string {
  return tokenizeText(text).join(' ');
}

function escapeForCharacterClass(characters: string): string {
  return characters.replace(/[\\\]^-]/g, '\\$&');
}
