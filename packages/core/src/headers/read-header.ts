/**
 * Reads one header from anything header-shaped, case-insensitively. Returns `null` when the header
 * is absent or the input is not header-shaped. Never throws: inbound data is parsed leniently.
 */
export function readHeader(headers: unknown, name: string): string | null {
  try {
    return readHeaderStrictly(headers, name.toLowerCase());
  } catch {
    return null;
  }
}

function readHeaderStrictly(headers: unknown, lowerName: string): string | null {
  if (headers === null || typeof headers !== 'object') return null;
  const getter = (headers as { get?: unknown }).get;
  if (typeof getter === 'function' && !Array.isArray(headers)) {
    return stringifyHeaderValue(getter.call(headers, lowerName));
  }
  if (Array.isArray(headers)) {
    const values: string[] = [];
    for (const pair of headers) {
      if (Array.isArray(pair) && String(pair[0]).toLowerCase() === lowerName) {
        const value = stringifyHeaderValue(pair[1]);
        if (value !== null) values.push(value);
      }
    }
    return values.length > 0 ? values.join(', ') : null;
  }
  const nested = (headers as { headers?: unknown }).headers;
  if (nested !== null && typeof nested === 'object') return readHeaderStrictly(nested, lowerName);
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === lowerName) return stringifyHeaderValue(value);
  }
  return null;
}

function stringifyHeaderValue(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) {
    const parts = value.filter((part): part is string => typeof part === 'string');
    return parts.length > 0 ? parts.join(', ') : null;
  }
  return null;
}
