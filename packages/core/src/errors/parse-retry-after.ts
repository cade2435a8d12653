/**
 * Reads a `Retry-After` header value as seconds: either delta-seconds (`"3"`, `"1.5"`) or an
 * HTTP date (converted to the seconds left, never negative). Returns `null` when the value is
 * absent or unreadable. Never throws.
 *
 * @example
 * ```ts
 * parseRetryAfter('3'); // 3
 * parseRetryAfter(response.headers.get('retry-after')); // number | null
 * ```
 */
export function parseRetryAfter(value: string | null | undefined): number | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  if (trimmed === '') return null;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  // An HTTP date always names its weekday or month; without letters Date.parse would happily read
  // "-1" as a year.
  if (!/[a-z]/i.test(trimmed)) return null;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
