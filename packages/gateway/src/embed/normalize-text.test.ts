import { describe, expect, it } from 'vitest';
import { foldSpelling, normalizeText, tokenizeText } from './normalize-text';

describe('tokenizeText', () => {
  it('ignores casing, punctuation and whitespace but keeps ids', () => {
    expect(tokenizeText('Summarise contract #123')).toEqual(
      tokenizeText('summarise  contract #123.'),
    );
    expect(tokenizeText('List  the open support tickets!')).toEqual([
      'list',
      'the',
      'open',
      'support',
      'tickets',
    ]);
  });

  it('keeps digits, percentages, currency amounts, ports and identifiers whole', () => {
    expect(tokenizeText('Is 15% of $1,200.50 more than port 8443 in index.ts?')).toEqual([
      'is',
      '15%',
      'of',
      '$1200.50',
      'more',
      'than',
      'port',
      '8443',
      'in',
      'index.ts',
    ]);
  });

  it('expands negated contractions so negation survives', () => {
    expect(tokenizeText("I don't know, it won't start and I can't stop it")).toEqual([
      'i',
      'do',
      'not',
      'know',
      'it',
      'will',
      'not',
      'start',
      'and',
      'i',
      'can',
      'not',
      'stop',
      'it',
    ]);
  });

  it('folds British spelling to American, leaving -ise words that are not British spellings', () => {
    expect(normalizeText('Summarise the analysed colour organisation')).toBe(
      'summarize the analyzed color organization',
    );
    expect(foldSpelling('promise')).toBe('promise');
    expect(foldSpelling('advertised')).toBe('advertised');
    expect(foldSpelling('otherwise')).toBe('otherwise');
    expect(foldSpelling('realising')).toBe('realizing');
  });

  it('applies Unicode NFKC so full-width and ligature forms match', () => {
    expect(normalizeText('Ｔｏｋｙｏ ﬁle')).toBe('tokyo file');
  });

  it('reads words that name built-in object properties as plain words', () => {
    expect(tokenizeText('Why does the constructor call toString and hasOwnProperty?')).toEqual([
      'why',
      'does',
      'the',
      'constructor',
      'call',
      'tostring',
      'and',
      'hasownproperty',
    ]);
  });
});
