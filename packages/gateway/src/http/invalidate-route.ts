import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { validateDepHash, validateDepId } from '@cachecore/core/protocol';
import { GatewayHttpError } from '../errors/gateway-http-error';
import type { GatewayContext } from '../gateway-context';
import type { ObservedRequest } from '../observation/observed-request';
import { admitRequest } from '../pipeline/admit';
import { sendJson } from '../wire/send-json';
import { parseJsonBody, readRequestBody } from './read-body';

/**
 * `POST /v1/invalidate`: sets the tenant's current hash of a dep and deletes every entry tagged
 * with it. The current hash is recorded first, so entries written concurrently with the old hash
 * are never served even before they are deleted.
 */
export async function handleInvalidate(
  context: GatewayContext,
  request: IncomingMessage,
  response: ServerResponse,
  observation: ObservedRequest,
): Promise<void> {
  // The same admission as every other route: a bad token is a 401, and invalidations count
  // against the tenant's rate limit like any request.
  const { identity } = await admitRequest(context, request, observation);
  if (!identity) {
    throw new GatewayHttpError(
      401,
      'Invalidation needs a tenant token (X-Cachecore-Token or Authorization: Bearer).',
      {
        code: 'missing_token',
      },
    );
  }
  // The body is JSON whatever the Content-Type says (clients send text/plain or nothing).
  const parsed = parseJsonBody(await readRequestBody(request, context.settings.maxBodyBytes));
  const { dep_id: depId, new_hash: requestedHash } = (
    typeof parsed === 'object' && parsed !== null ? parsed : {}
  ) as Record<string, unknown>;
  // The same rules as a dep in the deps header (PROTOCOL §1), so that every dep a request can be
  // tagged with can be invalidated, and nothing else can.
  const depIdProblem = validateDepId(depId);
  // (A dep id that is not a string always has a problem; the typeof only informs the compiler.)
  if (depIdProblem !== null || typeof depId !== 'string') {
    throw new GatewayHttpError(400, `Invalid "dep_id" in the invalidation body: ${depIdProblem}.`, {
      code: 'invalid_dep_id',
    });
  }
  const hashProblem =
    requestedHash === undefined || requestedHash === null ? null : validateDepHash(requestedHash);
  if (hashProblem !== null) {
    throw new GatewayHttpError(
      400,
      `Invalid "new_hash" in the invalidation body: ${hashProblem}.`,
      {
        code: 'invalid_new_hash',
      },
    );
  }
  const newHash =
    typeof requestedHash === 'string' && requestedHash !== '' ? requestedHash : randomUUID();
  try {
    await context.store.setDepHash(identity.tenantId, depId, newHash);
  } catch (error) {
    // Never answer ok for an invalidation that was not recorded: the client must retry.
    throw new GatewayHttpError(
      503,
      `The cache store is unavailable, so the invalidation of "${depId}" was not recorded; retry it.`,
      { code: 'store_unavailable', cause: error },
    );
  }
  // From here the invalidation holds whatever happens: every read checks the current hash. The
  // deletions only reclaim space, so a store failure during them is logged, not answered.
  let deleted = 0;
  try {
    const keys = await context.store.takeDepKeys(identity.tenantId, depId);
    for (const key of keys) {
      if (await context.store.deleteEntry(identity.tenantId, key)) deleted += 1;
    }
  } catch (error) {
    context.logger.warn(
      'invalidation recorded, but deleting its entries failed; they expire unserved',
      {
        tenant: identity.tenantId,
        dep_id: depId,
        error: (error as Error).message,
      },
    );
  }
  observation.invalidation = { depId, keysDeleted: deleted };
  sendJson(response, 200, { ok: true, dep_id: depId, new_hash: newHash, keys_deleted: deleted });
}
