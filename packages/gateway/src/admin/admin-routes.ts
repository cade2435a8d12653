import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayHttpError } from '../errors/gateway-http-error';
import type { GatewayContext } from '../gateway-context';
import type { ObservedRequest } from '../observation/observed-request';
import { BYPASS_STATS_SCOPE, STAT_NAMES, type StatName, type Store } from '../store/store';
import { sendJson } from '../wire/send-json';

/** Statistics of one tenant, as `/admin/stats` reports them. */
export type TenantStats = Record<StatName, number> & { entries: number };

/** The whole `/admin/stats` answer. */
export interface GatewayStats {
  store: string;
  tenants: Record<string, TenantStats>;
  /** Requests forwarded without a tenant token. */
  bypass: number;
}

/** Reads the statistics of every tenant (or one) from the store. */
export async function collectStats(store: Store, onlyTenant?: string): Promise<GatewayStats> {
  const counters = await store.readStats();
  const tenants: Record<string, TenantStats> = {};
  const scopes = Object.keys(counters).filter((scope) => scope !== BYPASS_STATS_SCOPE);
  if (onlyTenant !== undefined && !scopes.includes(onlyTenant)) scopes.push(onlyTenant);
  for (const scope of scopes) {
    if (onlyTenant !== undefined && scope !== onlyTenant) continue;
    const stats = Object.fromEntries(
      STAT_NAMES.map((name) => [name, counters[scope]?.[name] ?? 0]),
    ) as Record<StatName, number>;
    tenants[scope] = { ...stats, entries: await store.countEntries(scope) };
  }
  return { store: store.kind, tenants, bypass: counters[BYPASS_STATS_SCOPE]?.bypass ?? 0 };
}

/** `/admin/*`: stats and per-tenant flush, behind the admin token (403 otherwise). */
export async function handleAdmin(
  context: GatewayContext,
  request: IncomingMessage,
  response: ServerResponse,
  record: ObservedRequest,
  pathname: string,
): Promise<void> {
  if (!isAdmin(request.headers.authorization, context.adminToken)) {
    throw new GatewayHttpError(
      403,
      context.adminToken
        ? 'The admin API needs Authorization: Bearer <admin token>.'
        : 'The admin API is disabled: start the gateway with --admin-token.',
    );
  }
  const method = request.method ?? 'GET';
  if (pathname === '/admin/stats' && method === 'GET') {
    sendJson(response, 200, await collectStats(context.store));
    return;
  }
  const tenantRoute = pathname.match(/^\/admin\/tenants\/([^/]+)\/(stats|flush)$/);
  if (tenantRoute) {
    const tenant = decodeTenantSegment(tenantRoute[1] ?? '');
    record.tenant = tenant;
    if (tenantRoute[2] === 'stats' && method === 'GET') {
      const stats = await collectStats(context.store, tenant);
      sendJson(response, 200, { tenant, ...stats.tenants[tenant] });
      return;
    }
    if (tenantRoute[2] === 'flush' && method === 'POST') {
      const deleted = await context.store.flushTenant(tenant);
      context.logger.info('tenant flushed', { tenant, keys_deleted: deleted });
      sendJson(response, 200, { ok: true, tenant, keys_deleted: deleted });
      return;
    }
    throw new GatewayHttpError(405, `${method} is not allowed on ${pathname}.`);
  }
  throw new GatewayHttpError(404, `Unknown admin route ${pathname}.`);
}

/** The tenant id of an admin path; an escape that is not UTF-8 (`%E0%A4`) is a 400, not a 500. */
function decodeTenantSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new GatewayHttpError(
      400,
      `The tenant id "${segment}" in the admin path is not valid percent-encoded UTF-8.`,
      { code: 'invalid_path' },
    );
  }
}

function isAdmin(authorization: string | undefined, adminToken: string | undefined): boolean {
  if (!adminToken || !authorization) return false;
  const presented = authorization.match(/^\s*Bearer\s+(.+?)\s*$/i)?.[1];
  if (!presented) return false;
  const expected = Buffer.from(adminToken);
  const actual = Buffer.from(presented);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
