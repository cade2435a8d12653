import { describe, expect, it } from 'vitest';
import { mergeHeaders } from './merge-headers';

describe('mergeHeaders', () => {
  it('lets later sources win, comparing names case-insensitively', () => {
    expect(
      mergeHeaders(
        { 'X-Custom': 'first', Accept: 'application/json' },
        new Headers({ 'x-custom': 'second' }),
        [['X-CUSTOM', 'third']],
      ),
    ).toEqual({ 'x-custom': 'third', accept: 'application/json' });
  });

  it('removes a header with null and keeps the removal, so that it also removes an SDK default', () => {
    const merged = mergeHeaders(
      { Authorization: 'Bearer key', 'x-a': '1' },
      { authorization: null },
    );
    expect(merged).toEqual({ authorization: null, 'x-a': '1' });
    expect(mergeHeaders(merged, { Authorization: 'Bearer other' })).toEqual({
      authorization: 'Bearer other',
      'x-a': '1',
    });
  });

  it('ignores undefined values and absent sources', () => {
    expect(mergeHeaders(undefined, { 'x-a': '1' }, null, { 'x-a': undefined })).toEqual({
      'x-a': '1',
    });
  });

  it('joins repeated names inside one source, as Headers.append does', () => {
    expect(
      mergeHeaders({ accept: 'text/plain' }, [
        ['Accept', 'application/json'],
        ['accept', 'text/event-stream'],
      ]),
    ).toEqual({ accept: 'application/json, text/event-stream' });
    expect(mergeHeaders({ 'x-list': ['a', 'b'] })).toEqual({ 'x-list': 'a, b' });
  });

  it('gives headers that fetch sends as merged', async () => {
    const merged = mergeHeaders({ 'X-Removed': 'x' }, { 'x-removed': null, 'X-Kept': 'k' });
    const sent = new Headers(
      Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== null),
    );
    expect([...sent.entries()]).toEqual([['x-kept', 'k']]);
  });
});
