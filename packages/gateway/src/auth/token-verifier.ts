import { readFile } from 'node:fs/promises';
import { stripTenantTokenPrefix } from '@cachecore/core/protocol';
import { decodeProtectedHeader, errors, importSPKI, jwtVerify } from 'jose';
import { GatewayHttpError } from '../errors/gateway-http-error';
import { readTenantClaims, type TenantIdentity } from './tenant-claims';

/** Verifies tenant tokens (HS256 with a shared secret, RS256 with a public key). */
export interface TokenVerifier {
  /** The tenant of a token; throws a 401 `GatewayHttpError` for anything not valid. */
  verify(token: string): Promise<TenantIdentity>;
}

/** Keys accepted by {@link createTokenVerifier}. */
export interface TokenVerifierOptions {
  jwtSecret?: string;
  /** RS256 public key: a PEM string (SPKI) or the path of a PEM file. */
  jwtPublicKey?: string;
  now?: () => number;
}

/** How many verified tokens are remembered, so hot tenants do not pay a signature check per request. */
const VERIFIED_CACHE_SIZE = 1024;

/** Builds a verifier; throws when neither a secret nor a public key is configured. */
export async function createTokenVerifier(options: TokenVerifierOptions): Promise<TokenVerifier> {
  const now = options.now ?? Date.now;
  const secret = options.jwtSecret ? new TextEncoder().encode(options.jwtSecret) : undefined;
  const publicKey = options.jwtPublicKey ? await loadPublicKey(options.jwtPublicKey) : undefined;
  if (!secret && !publicKey) {
    throw new Error(
      'A tenant token key is required: set --jwt-secret (HS256) or --jwt-public-key (RS256).',
    );
  }
  const verified = new Map<string, { identity: TenantIdentity; expiresAt: number }>();

  async function verifyUncached(
    jwt: string,
  ): Promise<{ identity: TenantIdentity; expiresAt: number }> {
    let algorithm: string | undefined;
    try {
      algorithm = decodeProtectedHeader(jwt).alg;
    } catch {
      throw unauthorized('The tenant token is not a readable JWT.');
    }
    const key = algorithm === 'HS256' ? secret : algorithm === 'RS256' ? publicKey : undefined;
    if (!key) {
      throw unauthorized(
        `The tenant token's algorithm "${algorithm ?? 'none'}" is not accepted by this gateway.`,
      );
    }
    try {
      const { payload } = await jwtVerify(jwt, key, {
        algorithms: [algorithm as string],
        currentDate: new Date(now()),
      });
      const identity = readTenantClaims(payload as Record<string, unknown>);
      if (!identity) throw unauthorized('The tenant token has no "tenant_id" claim.');
      const expiresAt =
        typeof payload.exp === 'number' ? payload.exp * 1000 : Number.POSITIVE_INFINITY;
      return { identity, expiresAt };
    } catch (error) {
      if (error instanceof GatewayHttpError) throw error;
      if (error instanceof errors.JWTExpired) {
        throw unauthorized('The tenant token has expired.', 'token_expired');
      }
      if (error instanceof errors.JWSSignatureVerificationFailed) {
        throw unauthorized('The tenant token signature is invalid.');
      }
      throw unauthorized(`The tenant token is invalid: ${(error as Error).message}`);
    }
  }

  return {
    async verify(token) {
      // Any `cc_<kind>_<id>.` key prefix (PROTOCOL §1): the JWT is what follows it.
      const jwt = stripTenantTokenPrefix(token);
      const cached = verified.get(jwt);
      if (cached && cached.expiresAt > now()) return cached.identity;
      const result = await verifyUncached(jwt);
      if (verified.size >= VERIFIED_CACHE_SIZE) {
        const oldest = verified.keys().next().value;
        if (oldest !== undefined) verified.delete(oldest);
      }
      verified.set(jwt, result);
      return result.identity;
    },
  };
}

async function loadPublicKey(value: string) {
  const pem = value.includes('-----BEGIN') ? value : await readFile(value, 'utf8');
  return importSPKI(pem.trim(), 'RS256');
}

function unauthorized(message: string, code = 'invalid_token'): GatewayHttpError {
  return new GatewayHttpError(401, message, { code });
}
