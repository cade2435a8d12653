import { describe, expect, it } from 'vitest';
import { keySlot } from './key-slot';

describe('keySlot', () => {
  it('maps keys to the slots Redis Cluster documents, hashing only a non-empty hash tag', () => {
    expect(keySlot('somekey')).toBe(11058);
    expect(keySlot('foo{hash_tag}')).toBe(2515);
    expect(keySlot('bar{hash_tag}')).toBe(2515);
    expect(keySlot('{hash_tag}')).toBe(keySlot('hash_tag'));
    // An empty tag is no tag: the whole key is hashed.
    expect(keySlot('foo{}{bar}')).not.toBe(keySlot('bar'));
    expect(keySlot('foo{{bar}}zap')).toBe(keySlot('{bar'));
  });
});
