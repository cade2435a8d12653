import { DEPS_HEADER, decodeDepsHeaderValue } from '@cachecore/core/protocol';
import { GatewayHttpError } from '../errors/gateway-http-error';
import type { DepTag } from '../store/store';

/**
 * Decodes an X-Cachecore-Deps header with the protocol's lenient decoder (PROTOCOL §1: base64url
 * or base64, padded or not, whitespace and newlines ignored, any JSON spacing). Anything that still
 * is not an array of `{dep_id, expected_hash}` within the protocol's limits (deps per request, id
 * and hash length, header size, the reserved `cc:policy-version`, which the token's policy_version
 * sets) is a 400 naming the problem: each dep of a write becomes a store index entry, so the bound
 * protects the store.
 */
export function decodeDepsHeader(header: string | string[] | undefined): DepTag[] {
  const decoded = decodeDepsHeaderValue(header);
  if (decoded.ok) return decoded.deps.map(({ depId, expectedHash }) => ({ depId, expectedHash }));
  throw new GatewayHttpError(400, `Malformed ${DEPS_HEADER} header: ${decoded.problem}.`, {
    code: 'invalid_deps_header',
  });
}
