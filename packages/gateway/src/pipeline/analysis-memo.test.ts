import { describe, expect, it } from 'vitest';
import { AnalysisMemo } from './analysis-memo';

describe('AnalysisMemo', () => {
  const counting = () => {
    const seen: string[] = [];
    const analyze = (raw: Buffer) => {
      const text = raw.toString('utf8');
      seen.push(text);
      if (text === 'bad') throw new Error('unusable body');
      return { text };
    };
    return { seen, analyze };
  };

  it('analyses byte-identical bodies once and different bytes apart', () => {
    const { seen, analyze } = counting();
    const memo = new AnalysisMemo(1024 * 1024, analyze);
    const first = memo.analyze(Buffer.from('{"a":1}'));
    expect(memo.analyze(Buffer.from('{"a":1}'))).toBe(first);
    // One byte apart (here a space) is another body, with its own analysis.
    expect(memo.analyze(Buffer.from('{"a": 1}'))).toEqual({ text: '{"a": 1}' });
    // Non-ASCII bodies are keyed by their bytes: é and è differ in their last byte only.
    expect(memo.analyze(Buffer.from('"é"'))).toEqual({ text: '"é"' });
    expect(memo.analyze(Buffer.from('"è"'))).toEqual({ text: '"è"' });
    expect(seen).toHaveLength(4);
  });

  it('keeps nothing of a body whose analysis throws, and analyses everything when disabled', () => {
    const { seen, analyze } = counting();
    const memo = new AnalysisMemo(1024 * 1024, analyze);
    expect(() => memo.analyze(Buffer.from('bad'))).toThrow('unusable body');
    expect(() => memo.analyze(Buffer.from('bad'))).toThrow('unusable body');
    expect(memo.usedBytes).toBe(0);

    const disabled = new AnalysisMemo(0, analyze);
    disabled.analyze(Buffer.from('{}'));
    disabled.analyze(Buffer.from('{}'));
    expect(seen).toEqual(['bad', 'bad', '{}', '{}']);
  });
});
