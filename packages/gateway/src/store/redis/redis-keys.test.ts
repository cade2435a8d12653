import { describe, expect, it } from 'vitest';
import { createRedisKeys, escapeKeyPart, hashTag } from './redis-keys';

/** The part of a key Redis Cluster hashes: inside the first `{…}` that holds something, else all. */
function hashedPart(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  if (close === -1 || close === open + 1) return key;
  return key.slice(open + 1, close);
}

const keys = createRedisKeys('cc:');
const awkwardTenants = ['tenant-a', 'a}b', '{x}', 'a:b', '', '%', '%7D', '}{', 'a%3Ab', '{}'];

/** Every key the store writes for one tenant. */
function keysOfTenant(tenantId: string): string[] {
  return [
    keys.entry(tenantId, 'ns:k1'),
    `${keys.entryPrefix(tenantId)}ns:k2`,
    keys.tenantKeys(tenantId),
    keys.depKeys(tenantId, 'doc:{1}'),
    keys.depHashes(tenantId),
    keys.vectors(tenantId, 'ns:ctx'),
    keys.stats(tenantId),
  ];
}

describe('redis key layout', () => {
  it("puts every key of a tenant in one hash slot, the tenant's own, whatever its id holds", () => {
    const parts = new Set<string>();
    for (const tenantId of awkwardTenants) {
      const hashed = new Set(keysOfTenant(tenantId).map(hashedPart));
      expect([...hashed], tenantId).toEqual([hashTag(tenantId).slice(1, -1)]);
      parts.add([...hashed][0] as string);
    }
    // No two tenants share a tag: no id closes its tag early or opens another.
    expect(parts.size).toBe(awkwardTenants.length);
  });

  it('escapes what could end a tag, start one or imitate a separator', () => {
    expect(escapeKeyPart('a}b')).toBe('a%7Db');
    expect(escapeKeyPart('{x}')).toBe('%7Bx%7D');
    expect(escapeKeyPart('a:b')).toBe('a%3Ab');
    expect(escapeKeyPart('100%')).toBe('100%25');
    expect(hashTag('')).toBe('{%}');
    expect(keys.entry('a}b', 'k')).toBe('cc:{a%7Db}:entry:k');
  });

  it('keeps every window of a rate-limit key in the slot of its base, and locks in the slot of their key', () => {
    const base = keys.rateWindow('rl:tenant:{acme}');
    expect(hashedPart(`${base}:1700000000000`)).toBe(hashedPart(base));
    expect(hashedPart(base)).toBe(escapeKeyPart('rl:tenant:{acme}'));
    const lock = keys.lock('flight:ns:k1');
    expect(hashedPart(lock)).toBe(lock);
    expect(hashedPart(keys.statScopes)).toBe('cc:stats:scopes');
  });
});
