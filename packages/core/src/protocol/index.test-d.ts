import { describe, expectTypeOf, it } from 'vitest';
import {
  type CacheStatusValue,
  decodeDepsHeaderValue,
  encodeDepsHeaderValue,
  formatHttpCacheStatus,
  type ParsedCacheControl,
  parseCacheControl,
  parseTenantToken,
  validateDepId,
  type WIRE_CACHE_STATUSES,
  type WireCacheStatus,
  type WireDep,
} from './index';

describe('the protocol module types', () => {
  it('narrows decode and encode results on ok', () => {
    const decoded = decodeDepsHeaderValue('W10');
    if (decoded.ok) expectTypeOf(decoded.deps).toEqualTypeOf<WireDep[]>();
    else expectTypeOf(decoded.problem).toBeString();
    const encoded = encodeDepsHeaderValue([{ depId: 'a', expectedHash: 'v1' }]);
    if (encoded.ok) expectTypeOf(encoded.value).toBeString();
  });

  it('keeps UNKNOWN out of the wire statuses', () => {
    expectTypeOf<(typeof WIRE_CACHE_STATUSES)[number]>().toEqualTypeOf<WireCacheStatus>();
    expectTypeOf<WireCacheStatus>().toExtend<CacheStatusValue>();
    expectTypeOf<'UNKNOWN'>().not.toExtend<WireCacheStatus>();
    // @ts-expect-error: a gateway never sends UNKNOWN
    formatHttpCacheStatus({ status: 'UNKNOWN' });
  });

  it('returns problems as strings or null, and parsed values never undefined', () => {
    expectTypeOf(validateDepId('x')).toEqualTypeOf<string | null>();
    expectTypeOf(parseCacheControl('no-store')).toEqualTypeOf<ParsedCacheControl>();
    expectTypeOf(parseTenantToken('eyJ')).toEqualTypeOf<{
      readonly keyKind: string | null;
      readonly keyId: string | null;
      readonly jwt: string;
    } | null>();
  });
});
