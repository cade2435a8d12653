import { createHash } from 'node:crypto';

/** Body fields that change only the transport of the answer, not the answer itself. */
const TRANSPORT_FIELDS = new Set(['stream', 'stream_options']);

/** SHA-256 of a string, hex. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** An array or object being written by {@link stringifyCanonical}, and how far it got. */
type OpenContainer =
  | { kind: 'array'; items: readonly unknown[]; next: number }
  | {
      kind: 'object';
      source: Record<string, unknown>;
      keys: string[];
      next: number;
      written: number;
    };

/**
 * JSON with object keys sorted at every level (see {@link canonicalKeyOrder}), so key order
 * never changes a hash. Written without
 * recursion (an explicit stack), so a value nested thousands of levels deep cannot overflow the
 * call stack; the output is what `JSON.stringify` gives for the key-sorted value (members whose
 * value is `undefined`, a function or a symbol left out of objects and `null` in arrays).
 */
export function stringifyCanonical(value: unknown): string {
  if (!isContainer(value)) return JSON.stringify(value);
  let output = '';
  const stack: OpenContainer[] = [];
  const open = (container: object) => {
    if (Array.isArray(container)) {
      output += '[';
      stack.push({ kind: 'array', items: container, next: 0 });
    } else {
      output += '{';
      const source = container as Record<string, unknown>;
      stack.push({ kind: 'object', source, keys: canonicalKeyOrder(source), next: 0, written: 0 });
    }
  };
  open(value);
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as OpenContainer;
    if (top.kind === 'array') {
      if (top.next === top.items.length) {
        output += ']';
        stack.pop();
        continue;
      }
      if (top.next > 0) output += ',';
      const item = top.items[top.next];
      top.next += 1;
      if (isContainer(item)) open(item);
      else output += isWritable(item) ? JSON.stringify(item) : 'null';
      continue;
    }
    let opened = false;
    while (top.next < top.keys.length && !opened) {
      const key = top.keys[top.next] as string;
      top.next += 1;
      const child = top.source[key];
      if (!isWritable(child)) continue;
      output += `${top.written > 0 ? ',' : ''}${JSON.stringify(key)}:`;
      top.written += 1;
      if (isContainer(child)) {
        open(child);
        opened = true;
      } else output += JSON.stringify(child);
    }
    if (!opened) {
      output += '}';
      stack.pop();
    }
  }
  return output;
}

/**
 * Keys sorted, except that array-index keys (`"2"`, `"10"`) come first in numeric order: the
 * order `JSON.stringify` gave a key-sorted copy (objects list index keys first), which every
 * existing cache key was computed with. `Object.keys` already lists those first, in that order.
 */
function canonicalKeyOrder(source: Record<string, unknown>): string[] {
  const keys = Object.keys(source);
  let indexKeys = 0;
  while (indexKeys < keys.length && isArrayIndex(keys[indexKeys] as string)) indexKeys += 1;
  if (indexKeys === 0) return keys.sort();
  return keys.slice(0, indexKeys).concat(keys.slice(indexKeys).sort());
}

function isArrayIndex(key: string): boolean {
  return /^(?:0|[1-9][0-9]{0,9})$/.test(key) && Number(key) < 4_294_967_295;
}

function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/** Whether `JSON.stringify` writes the value at all (it skips these as object members). */
function isWritable(value: unknown): boolean {
  return value !== undefined && typeof value !== 'function' && typeof value !== 'symbol';
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
