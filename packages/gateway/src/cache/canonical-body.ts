import { createHash } from 'node:crypto';

/** Body fields that change only the transport of the answer, not the answer itself. */
const TRANSPORT_FIELDS = new Set(['stream', 'stream_options']);

/** SHA-256 of a string, hex. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with object keys sorted recursively, so key order never changes a hash. */
export function stringifyCanonical(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const child = (value as Record<string, unknown>)[key];
    if (child !== undefined) sorted[key] = sortKeys(child);
  }
  return sorted;
}

/**
 * The canonical form of a chat completion request: keys sorted, `stream` and `stream_options` left
 * out, so a streamed and a non-streamed request for the same completion share one cache entry.
 */
export function canonicalizeChatBody(body: Record<string, unknown>): string {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (!TRANSPORT_FIELDS.has(key)) copy[key] = value;
  }
  return stringifyCanonical(copy);
}
