import { createServer, type Server } from 'node:http';
import { exportJWK, exportSPKI, generateKeyPair, type JWK, SignJWT } from 'jose';

/** A local stand-in for Clerk's JWKS endpoint: real RS256 keys, real HTTP, a hit counter. */
export interface FakeJwks {
  url: string;
  hits: () => number;
  publicPem: string;
  sign(
    claims: Record<string, unknown>,
    options?: { kid?: string; exp?: number; iat?: number; header?: Record<string, unknown> },
  ): Promise<string>;
  close(): Promise<void>;
}

export async function startFakeJwks(): Promise<FakeJwks> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'clerk-key-1', alg: 'RS256', use: 'sig' };
  let hits = 0;
  const server: Server = createServer((req, res) => {
    hits += 1;
    if (req.url !== '/.well-known/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    hits: () => hits,
    publicPem: await exportSPKI(publicKey),
    async sign(claims, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'clerk-key-1', ...options.header })
        .setIssuedAt(options.iat ?? now)
        .setExpirationTime(options.exp ?? now + 300)
        .sign(privateKey);
    },
    close: () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  };
}
