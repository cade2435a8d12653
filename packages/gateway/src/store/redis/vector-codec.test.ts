import { describe, expect, it } from 'vitest';
import type { VectorRecord } from '../store';
import { decodeChangeMessage, encodeVectorValues, packVector, unpackVector } from './vector-codec';

const record: VectorRecord = {
  id: 'ns:abc',
  tenantId: 'tenant:a',
  indexKey: 'ns:ctx',
  entryKey: 'ns:abc',
  text: 'Qu’est-ce que « Redis » ? 🚀',
  vector: Float32Array.from([0.1, -0.5, 3.4028234663852886e38, 0]),
};

describe('vector codec', () => {
  it('packs a vector into 4 bytes per value plus its header, and back exactly', () => {
    const packed = packVector(record);
    const header = Buffer.byteLength(JSON.stringify({ e: record.entryKey, t: record.text }));
    expect(packed.length).toBe(4 + header + 16);
    const unpacked = unpackVector(record.id, record.tenantId, record.indexKey, packed);
    expect(unpacked).toEqual(record);
  });

  it('reads bytes that are not a packed vector as nothing instead of throwing', () => {
    expect(unpackVector('id', 'tenant', 'index', Buffer.from([1, 2]))).toBeUndefined();
    expect(unpackVector('id', 'tenant', 'index', Buffer.from([255, 0, 0, 0, 1]))).toBeUndefined();
    const badHeader = Buffer.concat([Buffer.from([3, 0, 0, 0]), Buffer.from('{{{')]);
    expect(unpackVector('id', 'tenant', 'index', badHeader)).toBeUndefined();
  });

  it('decodes the vector-added and removal messages the Lua scripts write', () => {
    // What ADD_VECTOR_SCRIPT publishes with cjson: the fields, and the entry's remaining ms.
    const message = JSON.stringify({
      o: 'instance-1',
      t: 'a',
      n: record.tenantId,
      i: record.indexKey,
      id: record.id,
      e: record.entryKey,
      x: record.text,
      v: encodeVectorValues(record.vector),
      p: 5_000,
    });
    expect(decodeChangeMessage(message, 1_000)).toEqual({
      origin: 'instance-1',
      change: { type: 'vector-added', record: { ...record, expiresAt: 6_000 } },
    });
    // An entry without a TTL (PTTL -1) gives a record without an expiry.
    const lasting = decodeChangeMessage(message.replace('"p":5000', '"p":-1'), 1_000);
    expect(lasting?.change).toEqual({ type: 'vector-added', record });
    // cjson escapes slashes; JSON.parse reads them back.
    expect(
      decodeChangeMessage('{"o":"instance-2","t":"r","n":"a\\/b","i":"ns\\/ctx","id":"ns:abc"}'),
    ).toEqual({
      origin: 'instance-2',
      change: { type: 'vector-removed', tenantId: 'a/b', indexKey: 'ns/ctx', id: 'ns:abc' },
    });
    for (const malformed of [
      'not json',
      'null',
      '{"o":"x","t":"a","n":"t","i":"i","id":"d"}',
      '{"o":"x","t":"r","i":"i","id":"d"}',
      '{"t":"r"}',
    ]) {
      expect(decodeChangeMessage(malformed)).toBeUndefined();
    }
  });
});
