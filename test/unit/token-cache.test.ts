import { SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { createTokenVerifier, issueAccessToken } from '../../src/core/security.js';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256-0123456789';
const auth = parseConfig({ APP_SECRET: SECRET, ACCESS_TOKEN_TTL_SECONDS: '60' }).auth;
const accountId = '0f8c2b4e-6f43-4c9a-9a53-1b2c3d4e5f60';

async function signed(secret: string, ttlSeconds: number): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(accountId)
    .setIssuer(auth.issuer)
    .setAudience(auth.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .sign(new TextEncoder().encode(secret));
}

describe('verified-token cache', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('never accepts a remembered token after it expires', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-26T12:00:00Z'));
    const verifier = createTokenVerifier(auth);
    // Expires in 20 s, well inside the cache's own 60 s lifetime.
    const token = await signed(SECRET, 20);
    await expect(verifier.verify(token)).resolves.toEqual({ kind: 'local-user', accountId });
    await expect(verifier.verify(token)).resolves.toEqual({ kind: 'local-user', accountId });
    // Past exp and the 5 s clock tolerance: refused although it verified a moment ago.
    vi.setSystemTime(new Date('2026-11-26T12:00:26Z'));
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('remembers only tokens that verified: a forged one is refused every time', async () => {
    const verifier = createTokenVerifier(auth);
    const forged = await signed('another-secret-another-secret-another-secret-0123', 60);
    for (let i = 0; i < 2; i += 1) {
      await expect(verifier.verify(forged)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    const genuine = await issueAccessToken(auth, accountId);
    await expect(verifier.verify(genuine)).resolves.toMatchObject({ accountId });
    // A token differing from a remembered one in a single signature character is verified afresh and refused.
    const last = genuine.at(-2) === 'A' ? 'B' : 'A';
    const tampered = `${genuine.slice(0, -2)}${last}${genuine.slice(-1)}`;
    await expect(verifier.verify(tampered)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
