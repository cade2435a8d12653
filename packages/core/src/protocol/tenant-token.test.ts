import { describe, expect, it } from 'vitest';
import {
  isJwtShaped,
  isTenantBearerAuthorization,
  looksLikeTenantToken,
  parseTenantToken,
  readBearerCredential,
  stripTenantTokenPrefix,
} from './tenant-token';

const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJ0ZW5hbnRfaWQiOiJhY21lIn0.c2lnbmF0dXJl';

describe('tenant tokens', () => {
  it.each([
    ['a bare JWT', jwt, null, null],
    ['a cc_live_ key', `cc_live_k1.${jwt}`, 'live', 'k1'],
    ['a cc_test_ key', `cc_test_x.${jwt}`, 'test', 'x'],
    ['any other kind, ids with _ and -', `cc_staging2_a_b-c.${jwt}`, 'staging2', 'a_b-c'],
  ])('parses %s', (_label, token, keyKind, keyId) => {
    expect(parseTenantToken(token)).toEqual({ keyKind, keyId, jwt });
    expect(looksLikeTenantToken(token)).toBe(true);
    expect(stripTenantTokenPrefix(token)).toBe(jwt);
  });

  it.each([
    ['an SDK placeholder', 'sk-placeholder'],
    ['an empty string', ''],
    ['two segments', 'eyJhbGciOiJIUzI1NiJ9.eyJ0ZW5hbnRfaWQiOiJhY21lIn0'],
    ['a prefix without a JWT', 'cc_live_k1.sk-1234'],
    ['a prefix without a key id', `cc_live.${jwt}`],
    ['whitespace inside', `eyJhbGci OiJ.eyJ0.c2ln`],
  ])('refuses %s', (_label, value) => {
    expect(parseTenantToken(value)).toBeNull();
    expect(looksLikeTenantToken(value)).toBe(false);
  });

  it('checks the JWT shape alone', () => {
    expect(isJwtShaped(jwt)).toBe(true);
    expect(isJwtShaped(`cc_live_k1.${jwt}`)).toBe(false);
    expect(isJwtShaped('eyJ..')).toBe(true);
  });

  it('reads a bearer credential with any casing and spacing', () => {
    expect(readBearerCredential(`Bearer ${jwt}`)).toBe(jwt);
    expect(readBearerCredential(`  bearer   ${jwt} `)).toBe(jwt);
    expect(readBearerCredential(`Basic ${jwt}`)).toBeNull();
    expect(readBearerCredential(undefined)).toBeNull();
  });

  it('recognises the tenant bearer with or without the key prefix on either side', () => {
    const prefixed = `cc_test_x.${jwt}`;
    expect(isTenantBearerAuthorization(`Bearer ${jwt}`, prefixed)).toBe(true);
    expect(isTenantBearerAuthorization(`Bearer ${prefixed}`, jwt)).toBe(true);
    expect(isTenantBearerAuthorization(`Bearer cc_live_other.${jwt}`, prefixed)).toBe(true);
    expect(isTenantBearerAuthorization('Bearer sk-placeholder', prefixed)).toBe(false);
    expect(isTenantBearerAuthorization(null, prefixed)).toBe(false);
  });
});
