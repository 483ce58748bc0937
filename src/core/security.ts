import { createPublicKey } from 'node:crypto';
import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
  SignJWT,
} from 'jose';
import type { Config } from './config.js';
import { DomainError } from './errors.js';
import { TtlCache } from './ttl-cache.js';

/**
 * Token issuing and verification (spec §6).
 * - local: HS256 user tokens signed with APP_SECRET, issued by POST /auth/dev/login.
 * - clerk: RS256 Clerk session tokens, verified against the JWKS (or a PEM key), issuer and azp allow-lists.
 * - service: HS256 tokens with header typ `iris-service+jwt`, audience `iris-internal` and a scope claim,
 *   minted by `npm run token:service`. They carry no user and are accepted in both modes; an HS256 token
 *   without that type is a user token and is refused in clerk mode.
 * Headers that name a key location (jku, x5u, jwk, x5c) are refused outright, so no token can make Iris fetch.
 */

export const SERVICE_TOKEN_TYPE = 'iris-service+jwt';
export const SERVICE_AUDIENCE = 'iris-internal';
const CLOCK_TOLERANCE_SECONDS = 5;
const FORBIDDEN_HEADERS = ['jku', 'x5u', 'jwk', 'x5c'] as const;
const VERIFIED_TOKEN_TTL_MS = 60_000;
const VERIFIED_TOKEN_MAX = 10_000;

/** A verified token and its expiry (seconds since the epoch), which every accepted token has. */
interface Verified {
  token: VerifiedToken;
  exp: number | undefined;
}

export type VerifiedToken =
  | { kind: 'local-user'; accountId: string }
  | {
      kind: 'clerk-user';
      externalId: string;
      email: string | undefined;
      /** The token's `email_verified` claim is true: only then may the e-mail link an existing account. */
      emailVerified: boolean;
      name: string | undefined;
    }
  | { kind: 'service'; name: string; scopes: string[] };

export interface TokenVerifier {
  verify(token: string): Promise<VerifiedToken>;
}

const unauthenticated = (message: string) => new DomainError('UNAUTHENTICATED', message);

/** `Authorization: Bearer <jwt>` → the token; anything else → 401. */
export function bearerToken(header: string | undefined): string {
  if (header === undefined) throw unauthenticated('Missing Authorization header');
  const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/.exec(header.trim());
  if (!match?.[1]) throw unauthenticated('Malformed Authorization header; expected "Bearer <token>"');
  return match[1];
}

function secretKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export async function issueAccessToken(
  auth: Config['auth'],
  accountId: string,
  now = new Date(),
): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(accountId)
    .setIssuer(auth.issuer)
    .setAudience(auth.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + auth.accessTokenTtlSeconds)
    .sign(secretKey(auth.appSecret));
}

export async function issueServiceToken(
  auth: Config['auth'],
  name: string,
  scopes: string[],
  ttlSeconds: number,
): Promise<string> {
  if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(name))
    throw new DomainError('VALIDATION_FAILED', 'Service name must be lowercase letters, digits and dashes');
  if (scopes.length === 0 || scopes.some((s) => !/^[a-z][a-z:_-]{1,40}$/.test(s))) {
    throw new DomainError('VALIDATION_FAILED', 'At least one scope of lowercase letters is required');
  }
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT({ typ: 'service', scope: scopes.join(' ') })
    .setProtectedHeader({ alg: 'HS256', typ: SERVICE_TOKEN_TYPE })
    .setSubject(`service:${name}`)
    .setIssuer(auth.issuer)
    .setAudience(SERVICE_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSeconds)
    .sign(secretKey(auth.appSecret));
}

function clerkKeySource(clerk: Config['auth']['clerk']): JWTVerifyGetKey | CryptoKeyLike {
  if (clerk.jwtKey) return createPublicKey(clerk.jwtKey.replace(/\\n/g, '\n'));
  if (!clerk.jwksUrl) throw new Error('clerk mode needs CLERK_JWKS_URL or CLERK_JWT_KEY');
  return createRemoteJWKSet(new URL(clerk.jwksUrl), {
    timeoutDuration: 3_000,
    cooldownDuration: 30_000,
    cacheMaxAge: 600_000,
  });
}
type CryptoKeyLike = ReturnType<typeof createPublicKey>;

function claimString(payload: JWTPayload, name: string): string | undefined {
  const value = payload[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function keySourceUnavailable(err: unknown): boolean {
  if (err instanceof TypeError) return true; // fetch failed: connection refused, DNS, TLS
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  return (
    code === 'ERR_JWKS_TIMEOUT' ||
    (typeof message === 'string' && /JSON Web Key Set HTTP response/.test(message))
  );
}

/** jose checks `iat` only against a maximum age; a token claiming to be issued later than now (beyond the skew) is refused. */
function refuseFutureIssue(payload: { iat?: number }): void {
  if (payload.iat !== undefined && payload.iat > Date.now() / 1000 + CLOCK_TOLERANCE_SECONDS) {
    throw unauthenticated('Token is issued in the future');
  }
}

export function createTokenVerifier(auth: Config['auth']): TokenVerifier {
  const secret = secretKey(auth.appSecret);
  const clerkKey = auth.provider === 'clerk' ? clerkKeySource(auth.clerk) : undefined;

  async function verifyService(token: string): Promise<Verified> {
    const { payload } = await jwtVerify(token, secret, {
      algorithms: ['HS256'],
      typ: SERVICE_TOKEN_TYPE,
      issuer: auth.issuer,
      audience: SERVICE_AUDIENCE,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['sub', 'exp', 'iat'],
    });
    refuseFutureIssue(payload);
    const scope = claimString(payload, 'scope');
    if (payload.typ !== 'service' || !scope || !payload.sub?.startsWith('service:'))
      throw unauthenticated('Not a service token');
    return {
      token: { kind: 'service', name: payload.sub.slice('service:'.length), scopes: scope.split(' ') },
      exp: payload.exp,
    };
  }

  async function verifyLocal(token: string): Promise<Verified> {
    const { payload } = await jwtVerify(token, secret, {
      algorithms: ['HS256'],
      issuer: auth.issuer,
      audience: auth.audience,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['sub', 'exp', 'iat'],
    });
    refuseFutureIssue(payload);
    if (!payload.sub || !/^[0-9a-f-]{36}$/i.test(payload.sub))
      throw unauthenticated('Token subject is not an account');
    return { token: { kind: 'local-user', accountId: payload.sub }, exp: payload.exp };
  }

  async function verifyClerk(token: string): Promise<Verified> {
    if (!clerkKey) throw unauthenticated('Clerk tokens are not accepted in local mode');
    const options = {
      algorithms: ['RS256'],
      issuer: auth.clerk.issuers,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['sub', 'exp', 'iat'],
      ...(auth.clerk.audience ? { audience: auth.clerk.audience } : {}),
    };
    const { payload } =
      typeof clerkKey === 'function'
        ? await jwtVerify(token, clerkKey, options)
        : await jwtVerify(token, clerkKey, options);
    refuseFutureIssue(payload);
    const azp = claimString(payload, 'azp');
    if (auth.clerk.authorizedParties.length > 0 && (!azp || !auth.clerk.authorizedParties.includes(azp))) {
      throw unauthenticated('Token was issued for another party');
    }
    if (!payload.sub) throw unauthenticated('Token has no subject');
    return {
      token: {
        kind: 'clerk-user',
        externalId: payload.sub,
        email: claimString(payload, 'email'),
        // Clerk's session token template: "email_verified": "{{user.primary_email_address.verification.status == 'verified'}}"
        // renders a boolean; the string "true" is accepted for templates that render it as text.
        emailVerified: payload.email_verified === true || payload.email_verified === 'true',
        name: claimString(payload, 'name'),
      },
      exp: payload.exp,
    };
  }

  async function verifyUncached(token: string): Promise<Verified> {
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw unauthenticated('Malformed token');
    }
    if (FORBIDDEN_HEADERS.some((h) => h in header))
      throw unauthenticated('Token headers naming key locations are not accepted');
    try {
      if (header.alg === 'HS256' && header.typ === SERVICE_TOKEN_TYPE) return await verifyService(token);
      if (header.alg === 'HS256' && auth.provider === 'local') return await verifyLocal(token);
      if (header.alg === 'RS256' && auth.provider === 'clerk') return await verifyClerk(token);
    } catch (err) {
      if (err instanceof DomainError) throw err;
      // The key server being unreachable says nothing about the token: 503, so clients keep it and retry.
      if (keySourceUnavailable(err)) {
        throw new DomainError('SERVICE_UNAVAILABLE', 'Signing keys are unavailable right now; retry later');
      }
      // jose's messages ("\"exp\" claim timestamp check failed", …) are safe and useful to clients.
      throw unauthenticated(`Invalid token: ${err instanceof Error ? err.message : 'verification failed'}`);
    }
    throw unauthenticated(
      `Tokens signed with ${String(header.alg)} are not accepted in ${auth.provider} mode`,
    );
  }

  // Verifying a signature is the costliest step of an authenticated request (docs/benchmarks.md), and clients
  // send the same token many times: a token that verified is remembered, by its exact text, until it expires
  // or for VERIFIED_TOKEN_TTL_MS, whichever comes first. A Clerk key withdrawn from the JWKS therefore stops
  // being accepted at most that much later; accounts themselves are re-read as before.
  const verified = new TtlCache<Verified>(VERIFIED_TOKEN_TTL_MS, VERIFIED_TOKEN_MAX);
  return {
    async verify(token) {
      const known = verified.get(token);
      if (known && known.exp !== undefined && known.exp * 1000 > Date.now()) return known.token;
      const fresh = await verifyUncached(token);
      verified.set(token, fresh);
      return fresh.token;
    },
  };
}
