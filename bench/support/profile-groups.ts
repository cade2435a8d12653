import type { Frame, ProfileSample } from './cpu-profile';

/** A concern for every frame that identifies one on its own, checked from the leaf up. */
export function classifyFrame(frame: Frame): string | undefined {
  const { functionName: name, url } = frame;
  if (name === '(garbage collector)') return 'GC';
  if (name === '(program)') return 'V8/native (unattributed)';
  if (url.includes('/gateway/src/log/')) return 'logging';
  if (url.includes('/gateway/src/metrics/') || url.includes('/prom-client/')) return 'metrics';
  if (
    url.includes('node:internal/crypto/hash') ||
    (/^(createHash|digest|update)$/.test(name) && url.includes('crypto'))
  )
    return 'hashing';
  if (url.includes('canonical-body')) return 'canonicalisation';
  // JSON.parse and JSON.stringify are builtins: their time is the self time of their caller.
  if ((url === '' && /^(parse|stringify)$/.test(name)) || name === 'parseJsonBody') return 'JSON';
  if (url.includes('/gateway/src/store/')) return 'store';
  if (url.includes('/gateway/src/auth/') || url.includes('/jose/')) return 'auth (token check)';
  if (url.includes('_http_incoming') && name.startsWith('_addHeaderLine'))
    return 'HTTP parsing and dispatch';
  if (
    url.includes('read-body') ||
    url.includes('_http_incoming') ||
    url.includes('streams/readable')
  )
    return 'body reading';
  if (
    url.includes('_http_outgoing') ||
    url.includes('stream_base_commons') ||
    url.includes('respond.ts') ||
    url === 'node:net'
  )
    return 'response writing';
  if (url.includes('_http_common') || url.includes('_http_server'))
    return 'HTTP parsing and dispatch';
  if (url.includes('/gateway/src/')) return 'gateway pipeline (other)';
  if (/^(runMicrotasks|processTicksAndRejections|processPromiseRejections)$/.test(name))
    return 'promises and microtasks';
  return undefined;
}

// Work done on behalf of logging or metrics (their JSON, their writes) is charged to them.
const OWNER_GROUPS = new Set(['logging', 'metrics']);

/**
 * The concern a sample's time is charged to: logging or metrics when its stack passes through
 * them, else the first frame from the leaf up that identifies one (hashing, JSON, GC, a gateway
 * module, a Node HTTP module), else other Node internals.
 */
export function classifySample(sample: ProfileSample): string {
  const groups = sample.stack.map(classifyFrame);
  const owner = groups.find((group) => group !== undefined && OWNER_GROUPS.has(group));
  if (owner) return owner;
  return groups.find((group) => group !== undefined) ?? 'other Node internals (streams, events)';
}
