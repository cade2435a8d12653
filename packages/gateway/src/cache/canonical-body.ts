import { createHash } from 'node:crypto';

/** Body fields that change only the transport of the answer, not the answer itself. */
const TRANSPORT_FIELDS = new Set(['stream', 'stream_options']);

/** SHA-256 of a string, hex. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * How deep a value may nest for the fast path: a key-sorted copy written by the native
 * `JSON.stringify`. Every request body fits (the body parser refuses more than 64 levels); a deeper
 * value is written by {@link writeCanonicalIteratively}, which cannot overflow the call stack.
 */
const NATIVE_DEPTH_LIMIT = 256;

/** Returned by {@link sortKeys} for a value nested deeper than {@link NATIVE_DEPTH_LIMIT}. */
const TOO_DEEP: unique symbol = Symbol('too deep');

/**
 * JSON with object keys sorted at every level (see {@link canonicalKeyOrder}), so key order
 * never changes a hash. Members whose value is `undefined`, a function or a symbol are left out of
 * objects and written `null` in arrays, as `JSON.stringify` does. Safe for values of any depth.
 */
export function stringifyCanonical(value: unknown): string {
  const sorted = sortKeys(value, 0);
  return sorted === TOO_DEEP ? writeCanonicalIteratively(value) : JSON.stringify(sorted);
}

function sortKeys(value: unknown, depth: number): unknown {
  if (!isContainer(value)) return value;
  if (depth === NATIVE_DEPTH_LIMIT) return TOO_DEEP;
  if (Array.isArray(value)) {
    const copy: unknown[] = new Array(value.length);
    for (let index = 0; index < value.length; index += 1) {
      const item = sortKeys(value[index], depth + 1);
      if (item === TOO_DEEP) return TOO_DEEP;
      copy[index] = item;
    }
    return copy;
  }
  const source = value as Record<string, unknown>;
  const sorted: Record<string, unknown> = {};
  // Inserted in sorted order, the copy lists its keys as canonicalKeyOrder does.
  for (const key of Object.keys(source).sort()) {
    if (source[key] === undefined) continue;
    const child = sortKeys(source[key], depth + 1);
    if (child === TOO_DEEP) return TOO_DEEP;
    // A plain assignment to "__proto__" would set the copy's prototype and drop the member.
    if (key === '__proto__') {
      Object.defineProperty(sorted, key, {
        value: child,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else sorted[key] = child;
  }
  return sorted;
}

/** An array or object being written by {@link writeCanonicalIteratively}, and how far it got. */
type OpenContainer =
  | { kind: 'array'; items: readonly unknown[]; next: number }
  | {
      kind: 'object';
      source: Record<string, unknown>;
      keys: string[];
      next: number;
      written: number;
    };

/** {@link stringifyCanonical} with an explicit stack instead of recursion: the same output. */
function writeCanonicalIteratively(value: unknown): string {
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
  // fromEntries defines members, so a "__proto__" member stays a member of the copy.
  return stringifyCanonical(
    Object.fromEntries(Object.entries(body).filter(([key]) => !TRANSPORT_FIELDS.has(key))),
  );
}
