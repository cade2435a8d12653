import { describe, expect, it } from 'vitest';
import { readContextCases } from '../../test/support/context-cases';
import { diffSegments, SHORT_PROMPT_CHARS, splitPrompt, splitSegments } from './prompt-segments';

const cases = readContextCases('l2-context-extra-cases.json');
const contract = cases.documents['supply-agreement']!;
const otherContract = cases.documents['msa-and-dpa']!;
const shortQuestion = 'Can the Buyer terminate?';
const longQuestion =
  'Under the agreement as written, and taking into account every notice period it sets out, can ' +
  'the Buyer terminate for convenience before the first anniversary, and what must it pay then?';

describe('splitPrompt', () => {
  it('leaves a short prompt whole, as before', () => {
    const text = 'Summarise contract #123\nin three bullet points';
    expect(text.length).toBeLessThan(SHORT_PROMPT_CHARS);
    expect(splitPrompt(text)).toEqual({ queryText: text, contextFingerprint: undefined });
  });

  it.each([
    [
      'document then question',
      (question: string) => `Contract:\n${contract}\n\nQuestion: ${question}`,
    ],
    [
      'question right under the document',
      (question: string) => `Contract:\n${contract}\nQuestion: ${question}`,
    ],
    [
      'question then document',
      (question: string) =>
        `Answer from the context only.\nQuestion: ${question}\nContext:\n${contract}`,
    ],
  ])('fingerprints the same document alike whatever the question (%s)', (_, build) => {
    const short = splitPrompt(build(shortQuestion));
    const long = splitPrompt(build(longQuestion));
    expect(short.contextFingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(long.contextFingerprint).toBe(short.contextFingerprint);
    expect(short.queryText).toContain(shortQuestion);
    expect(long.queryText).toContain(longQuestion);
    // Only the edges are query: the interior of the contract is not embedded.
    expect(short.queryText).not.toContain('Incoterms');
    expect(short.queryText.length).toBeLessThanOrEqual(2 * 300 + 2);
    const other = splitPrompt(build(shortQuestion).replace(contract, otherContract));
    expect(other.contextFingerprint).not.toBe(short.contextFingerprint);
  });

  it('tells documents apart that differ in one interior word', () => {
    const changed = contract.replace('within 45 days', 'within 60 days');
    const original = splitPrompt(`Contract:\n${contract}\n\nQuestion: ${shortQuestion}`);
    const edited = splitPrompt(`Contract:\n${changed}\n\nQuestion: ${shortQuestion}`);
    expect(edited.contextFingerprint).not.toBe(original.contextFingerprint);
  });

  it('keeps a query text that segments into itself, so stored texts diff like fresh ones', () => {
    const { queryText } = splitPrompt(`Contract:\n${contract}\n\nQuestion: ${longQuestion}`);
    expect(splitSegments(queryText).join('\n')).toBe(queryText);
  });
});

describe('splitSegments', () => {
  it('splits lines, drops blank ones, and cuts long lines into sentences', () => {
    const longLine = `${'A sentence that goes on for a while. '.repeat(10)}The end.`;
    const segments = splitSegments(`Title\n\n  Spaced   out  \n${longLine}`);
    expect(segments.slice(0, 2)).toEqual(['Title', 'Spaced out']);
    expect(segments.slice(2).join(' ')).toBe(longLine.trim());
    expect(segments.every((segment) => segment.length <= 300)).toBe(true);
    expect(segments.length).toBeGreaterThan(3);
  });
});

describe('diffSegments', () => {
  it('drops what both share and keeps what differs, in order', () => {
    expect(
      diffSegments(
        'Contract:\nClause one.\nQuestion: for cause?',
        'Contract:\nClause one.\nQuestion: for convenience?',
      ),
    ).toEqual({
      cached: 'Question: for cause?',
      incoming: 'Question: for convenience?',
      shared: true,
    });
    expect(diffSegments('What is 15% of 200?', 'What is 25% of 200?')).toEqual({
      cached: 'What is 15% of 200?',
      incoming: 'What is 25% of 200?',
      shared: false,
    });
    expect(diffSegments('A\n\nB', 'A\nB')).toEqual({ cached: '', incoming: '', shared: true });
    expect(diffSegments('A\nB', 'A\nB\nAnswer in French.')).toEqual({
      cached: '',
      incoming: 'Answer in French.',
      shared: true,
    });
  });

  it('counts a moved segment as a difference', () => {
    expect(diffSegments('From: English\nTo: French', 'To: French\nFrom: English').shared).toBe(
      true,
    );
    const moved = diffSegments('English\nFrench', 'French\nEnglish');
    expect(moved.cached).not.toBe('');
    expect(moved.incoming).not.toBe('');
  });
});
