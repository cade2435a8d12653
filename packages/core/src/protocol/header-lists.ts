// Splitting of list-valued headers (Cache-Control, RFC 9111; Cache-Status, an RFC 8941 list) with
// quoted strings honoured, for lenient parsers that must never throw.

/** Splits `value` at every `separator` outside double quotes; parts are trimmed, empty ones dropped. */
export function splitOutsideQuotes(value: string, separator: ',' | ';'): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let index = 0; index < value.length; index++) {
    const char = value[index]!;
    if (quoted && char === '\\' && index + 1 < value.length) {
      current += char + value[++index]!;
      continue;
    }
    if (char === '"') quoted = !quoted;
    if (char === separator && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

/** A `name` or `name=value` item: the name lower-cased, the value unquoted, `null` when absent. */
export function splitNameValue(item: string): { name: string; value: string | null } {
  const equals = item.indexOf('=');
  if (equals < 0) return { name: item.trim().toLowerCase(), value: null };
  return {
    name: item.slice(0, equals).trim().toLowerCase(),
    value: unquote(item.slice(equals + 1).trim()),
  };
}

/** Removes the double quotes (and backslash escapes) of a quoted string; other text is kept. */
export function unquote(text: string): string {
  if (text.length < 2 || !text.startsWith('"') || !text.endsWith('"')) return text;
  return text.slice(1, -1).replace(/\\(.)/g, '$1');
}

/** A non-negative whole number written in decimal digits only, or `null`. */
export function parseDeltaSeconds(value: string | null): number | null {
  if (value === null || !/^\d{1,15}$/.test(value)) return null;
  return Number(value);
}
