import type { StoreChange, VectorRecord } from '../store';

/**
 * A vector as stored in its index hash: a little-endian uint32 header length, a JSON header with
 * the entry key and the prompt text, then the Float32 values, little-endian. Binary, so a 384-dim
 * vector costs 1.5 KiB rather than the ~8 KiB of its JSON text.
 */
export function packVector(record: VectorRecord): Buffer {
  const header = Buffer.from(JSON.stringify({ e: record.entryKey, t: record.text }), 'utf8');
  const packed = Buffer.allocUnsafe(4 + header.length + record.vector.length * 4);
  packed.writeUInt32LE(header.length, 0);
  header.copy(packed, 4);
  writeFloats(record.vector, packed, 4 + header.length);
  return packed;
}

/**
 * Reverses {@link packVector}; `undefined` for bytes that are not a packed vector. The tenant and
 * index key are not packed: they are those of the index hash the vector was read from.
 */
export function unpackVector(
  id: string,
  tenantId: string,
  indexKey: string,
  packed: Buffer,
): VectorRecord | undefined {
  if (packed.length < 4) return undefined;
  const headerLength = packed.readUInt32LE(0);
  const vectorStart = 4 + headerLength;
  if (vectorStart > packed.length || (packed.length - vectorStart) % 4 !== 0) return undefined;
  try {
    const header = JSON.parse(packed.toString('utf8', 4, vectorStart)) as {
      e?: unknown;
      t?: unknown;
    };
    if (typeof header.e !== 'string' || typeof header.t !== 'string') return undefined;
    return {
      id,
      tenantId,
      indexKey,
      entryKey: header.e,
      text: header.t,
      vector: readFloats(packed, vectorStart),
    };
  } catch {
    return undefined;
  }
}

/**
 * A change notification on the pub/sub channel, written by the Lua scripts with `cjson` (hence the
 * short field names). `o` is the id of the publishing store instance, so an instance skips its own
 * echo (it has already told its listeners); `n` is the tenant of the index `i`; `p` is how many ms
 * the entry of an added vector has left (relative, so the instances' clocks need not agree; -1 for
 * none).
 */
type ChangeMessage =
  | {
      o: string;
      t: 'a';
      n: string;
      i: string;
      id: string;
      e: string;
      x: string;
      v: string;
      p?: number;
    }
  | { o: string; t: 'r'; n: string; i: string; id: string };

/** The values of a vector as base64 of Float32 LE, as `vector-added` messages carry them. */
export function encodeVectorValues(vector: Float32Array): string {
  const floats = Buffer.allocUnsafe(vector.length * 4);
  writeFloats(vector, floats, 0);
  return floats.toString('base64');
}

/**
 * Decodes a channel message received at `receivedAt`; `undefined` for anything malformed (never
 * throws).
 */
export function decodeChangeMessage(
  raw: string,
  receivedAt = Date.now(),
): { origin: string; change: StoreChange } | undefined {
  let message: Partial<ChangeMessage> & Record<string, unknown>;
  try {
    message = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof message !== 'object' || message === null) return undefined;
  const { o: origin, n: tenantId, i: indexKey, id } = message;
  if (
    typeof origin !== 'string' ||
    typeof tenantId !== 'string' ||
    typeof indexKey !== 'string' ||
    typeof id !== 'string'
  )
    return undefined;
  if (message.t === 'r') {
    return { origin, change: { type: 'vector-removed', tenantId, indexKey, id } };
  }
  if (message.t !== 'a') return undefined;
  const { e: entryKey, x: text, v: base64, p: remainingMs } = message;
  if (typeof entryKey !== 'string' || typeof text !== 'string' || typeof base64 !== 'string')
    return undefined;
  const floats = Buffer.from(base64, 'base64');
  if (floats.length % 4 !== 0) return undefined;
  const record: VectorRecord = {
    id,
    tenantId,
    indexKey,
    entryKey,
    text,
    vector: readFloats(floats, 0),
  };
  if (typeof remainingMs === 'number' && remainingMs >= 0)
    record.expiresAt = receivedAt + remainingMs;
  return { origin, change: { type: 'vector-added', record } };
}

function writeFloats(vector: Float32Array, target: Buffer, offset: number): void {
  for (let index = 0; index < vector.length; index += 1) {
    target.writeFloatLE(vector[index] ?? 0, offset + index * 4);
  }
}

function readFloats(source: Buffer, offset: number): Float32Array {
  const vector = new Float32Array((source.length - offset) / 4);
  for (let index = 0; index < vector.length; index += 1) {
    vector[index] = source.readFloatLE(offset + index * 4);
  }
  return vector;
}
