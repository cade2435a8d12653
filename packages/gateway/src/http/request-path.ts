import type { IncomingMessage } from 'node:http';
import { GatewayHttpError } from '../errors/gateway-http-error';

/** Characters RFC 3986 calls unreserved: their escapes mean the character itself. */
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/**
 * Escapes that would change the path's structure once decoded (`/`, `\`) or truncate it in a
 * C-string parser (NUL): the gateway and an upstream could read them differently.
 */
const STRUCTURAL_ESCAPE = /%(?:2F|5C|00)/;

/** What the router routes on, and what is forwarded upstream. */
export interface RequestTarget {
  /** The normalised path, e.g. `/v1/models`. */
  pathname: string;
  /** The normalised path followed by the query as received (`?…`, or nothing). */
  url: string;
}

/**
 * Normalises a raw request target (Node keeps `request.url` as sent) so the gateway routes on
 * exactly what the upstream will see: escapes of unreserved characters are decoded
 * (`/v1/%6Dodels` is `/v1/models`), other escapes get upper-case hex. A target that could mean
 * two things is refused with a 400 rather than guessed at, because `fetch` resolves `..` and `.`
 * segments (and their `%2e` spellings) before the request leaves: `/v1/../x` would otherwise reach
 * `<upstream host>/x` with the gateway's upstream key. Refused: targets not starting with `/`
 * (absolute or `*` form), dot segments (also with `;parameters`), empty segments (`//`),
 * backslashes, malformed `%` escapes, fragments, characters `fetch` would re-encode, and escaped
 * `/`, `\` or NUL outside `/admin/` (an admin path may carry them inside a tenant id, which it
 * decodes; it is never forwarded).
 *
 * @example
 * normalizeRequestTarget('/v1/%6dodels?limit=2'); // { pathname: '/v1/models', url: '/v1/models?limit=2' }
 * normalizeRequestTarget('/v1/%2e%2e/admin'); // throws GatewayHttpError 400 (invalid_path)
 */
export function normalizeRequestTarget(rawTarget: string): RequestTarget {
  if (!rawTarget.startsWith('/')) {
    throw invalidPath(rawTarget, 'it must be a path starting with "/"');
  }
  if (rawTarget.includes('#')) throw invalidPath(rawTarget, 'it contains a fragment ("#")');
  const queryStart = rawTarget.indexOf('?');
  const rawPath = queryStart === -1 ? rawTarget : rawTarget.slice(0, queryStart);
  const query = queryStart === -1 ? '' : rawTarget.slice(queryStart);
  if (rawPath.includes('\\')) throw invalidPath(rawTarget, 'it contains a backslash');

  const pathname = rawPath.replace(/%(.?.?)/g, (_escape, hex: string) => {
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) {
      throw invalidPath(rawTarget, 'it contains a malformed "%" escape');
    }
    const upper = hex.toUpperCase();
    const character = String.fromCharCode(Number.parseInt(upper, 16));
    return UNRESERVED.test(character) ? character : `%${upper}`;
  });

  const structural = pathname.match(STRUCTURAL_ESCAPE)?.[0];
  if (structural && !pathname.startsWith('/admin/')) {
    throw invalidPath(rawTarget, `it contains an escaped "/", "\\" or NUL (${structural})`);
  }
  const segments = pathname.split('/').slice(1);
  segments.forEach((segment, index) => {
    // Some servers cut a segment's `;parameters` before resolving it: `..;` is `..` to them.
    const bare = segment.replace(/(?:;|%3B).*$/, '');
    if (bare === '.' || bare === '..') {
      throw invalidPath(rawTarget, 'it contains a "." or ".." segment');
    }
    if (segment === '' && index < segments.length - 1) {
      throw invalidPath(rawTarget, 'it contains an empty segment ("//")');
    }
  });
  // What `fetch` will make of the path must be the path itself: anything it would still resolve
  // or re-encode is a reading the router did not route on.
  if (new URL(pathname, 'http://gateway.invalid').pathname !== pathname) {
    throw invalidPath(rawTarget, 'it contains characters that must be percent-encoded');
  }
  return { pathname, url: pathname + query };
}

/**
 * Normalises `request.url` in place (so every later reader, including the upstream forward, sees
 * the routed path) and returns the pathname to route on. Throws a 400 `GatewayHttpError` for a
 * target {@link normalizeRequestTarget} refuses; nothing has been read or forwarded by then.
 */
export function confineRequestPath(request: IncomingMessage): string {
  const rawTarget = request.url ?? '/';
  let target = normalizedTargets.get(rawTarget);
  if (!target) {
    target = normalizeRequestTarget(rawTarget);
    if (rawTarget.length <= MAX_REMEMBERED_TARGET_LENGTH) {
      if (normalizedTargets.size >= MAX_REMEMBERED_TARGETS) normalizedTargets.clear();
      normalizedTargets.set(rawTarget, target);
    }
  }
  request.url = target.url;
  return target.pathname;
}

/**
 * Targets already normalised, by their raw text: a gateway sees the same few paths again and
 * again, and normalising one (escapes, segments, a URL parse) costs more than the rest of routing.
 * Refused targets are never remembered, so each is refused with its own reason.
 */
const normalizedTargets = new Map<string, RequestTarget>();
const MAX_REMEMBERED_TARGETS = 1024;
const MAX_REMEMBERED_TARGET_LENGTH = 512;

function invalidPath(rawTarget: string, reason: string): GatewayHttpError {
  const shown = rawTarget.length > 200 ? `${rawTarget.slice(0, 200)}…` : rawTarget;
  return new GatewayHttpError(
    400,
    `The request path ${JSON.stringify(shown)} is refused: ${reason}.`,
    { code: 'invalid_path' },
  );
}
