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

/** Reverses {@link packVector}; `undefined` for bytes that are not a packed vector. */
export function unpackVector(
  id: string,
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
 * A change notification on the pub/sub channel. `o` is the id of the publishing store instance,
 * so an instance skips its own echo (it has already told its listeners). Removals are published
 * by Lua scripts with `cjson`, hence the short field names shared by both sides.
 */
type ChangeMessage =
  | { o: string; t: 'a'; i: string; id: string; e: string; x: string; v: string }
  | { o: string; t: 'r'; i: string; id: string };

/** The `vector-added` message for a record, published by the script that stores it. */
export function encodeVectorAddedMessage(origin: string, record: VectorRecord): string {
  const floats = Buffer.allocUnsafe(record.vector.length * 4);
  writeFloats(record.vector, floats, 0);
  const message: ChangeMessage = {
    o: origin,
    t: 'a',
    i: record.indexKey,
    id: record.id,
    e: record.entryKey,
    x: record.text,
    v: floats.toString('base64'),
  };
  return JSON.stringify(message);
}

/** Decodes a channel message; `undefined` for anything malformed (never throws). */
export function decodeChangeMessage(
  raw: string,
): { origin: string; change: StoreChange } | undefined {
  let message: Partial<ChangeMessage> & Record<string, unknown>;
  try {
    message = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof message !== 'object' || message === null) return undefined;
  const { o: origin, i: indexKey, id } = message;
  if (typeof origin !== 'string' || typeof indexKey !== 'string' || typeof id !== 'string')
    return undefined;
  if (message.t === 'r') return { origin, change: { type: 'vector-removed', indexKey, id } };
  if (message.t !== 'a') return undefined;
  const { e: entryKey, x: text, v: base64 } = message;
  if (typeof entryKey !== 'string' || typeof text !== 'string' || typeof base64 !== 'string')
    return undefined;
  const floats = Buffer.from(base64, 'base64');
  if (floats.length % 4 !== 0) return undefined;
  return {
    origin,
    change: {
      type: 'vector-added',
      record: { id, indexKey, entryKey, text, vector: readFloats(floats, 0) },
    },
  };
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
