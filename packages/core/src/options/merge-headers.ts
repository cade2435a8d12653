/**
 * Headers in any shape an SDK or `fetch` accepts: a `Headers` instance, an array of `[name, value]`
 * pairs or a plain object (a value may be a list, sent comma-joined). `null` as a value removes the
 * header, `undefined` leaves it as it is.
 */
export type HeadersSource =
  | Headers
  | ReadonlyArray<readonly [string, string | readonly string[] | null | undefined]>
  | Readonly<Record<string, string | readonly string[] | null | undefined>>
  | null
  | undefined;

/**
 * Merges headers the way openai-node does: later sources win, names compare case-insensitively,
 * and a `null` value removes the header given by an earlier source. Within one source, repeated
 * names add up (comma-joined), as `Headers.append` would.
 *
 * The result has lower-case names. A removed header stays in it as `null`, so that an SDK merging
 * the result over its own default headers removes that default too (openai-node reads `null` this
 * way); turn `null`s into whatever the consumer expects (the AI SDK drops `undefined` entries).
 *
 * @example
 * ```ts
 * mergeHeaders({ 'X-Custom': 'a', Authorization: 'Bearer key' }, [['x-custom', 'b']], { authorization: null });
 * // → { 'x-custom': 'b', authorization: null }
 * ```
 */
export function mergeHeaders(...sources: HeadersSource[]): Record<string, string | null> {
  const merged: Record<string, string | null> = {};
  for (const source of sources) {
    const seen = new Set<string>();
    for (const [name, value] of iterateHeaders(source)) {
      const lowerName = name.toLowerCase();
      const previous = seen.has(lowerName) ? merged[lowerName] : undefined;
      seen.add(lowerName);
      merged[lowerName] =
        value === null ? null : previous == null ? value : `${previous}, ${value}`;
    }
  }
  return merged;
}

function* iterateHeaders(source: HeadersSource): Iterable<readonly [string, string | null]> {
  if (source === null || source === undefined) return;
  if (source instanceof Headers) {
    yield* source.entries();
    return;
  }
  const entries: Iterable<readonly [string, unknown]> = Array.isArray(source)
    ? (source as ReadonlyArray<readonly [string, unknown]>)
    : Object.entries(source);
  for (const [name, value] of entries) {
    if (value === undefined) continue;
    if (value === null) {
      yield [name, null];
    } else if (Array.isArray(value)) {
      for (const item of value) yield [name, String(item)];
    } else {
      yield [name, String(value)];
    }
  }
}
