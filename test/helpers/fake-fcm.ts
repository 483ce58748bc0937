import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importSPKI, jwtVerify } from 'jose';

export interface FcmMessage {
  token: string;
  notification: { title: string; body: string };
  data: Record<string, string>;
}

/**
 * A local stand-in for Google: the OAuth token endpoint (it verifies the service-account JWT firebase-admin
 * signs) and FCM's HTTP v1 send endpoint. Tokens choose their fate by prefix: `unregistered-` (404
 * UNREGISTERED), `badtoken-` (400 INVALID_ARGUMENT), `flaky-` (500 INTERNAL once — firebase-admin itself retries 503s — then accepted); others are accepted.
 */
export interface FakeFcm {
  /** FCM_ENDPOINT_OVERRIDE */
  endpoint: string;
  /**
   * GOOGLE_APPLICATION_CREDENTIALS: a real-shaped service-account key file whose private key the fake knows.
   * (A file, not FIREBASE_CREDENTIALS_JSON: firebase-admin ignores the agent for inline keys' token requests.)
   */
  credentialsFile: string;
  credentialsJson: string;
  projectId: string;
  /** Messages FCM accepted, in order. */
  accepted: FcmMessage[];
  /** Every send attempt's token, accepted or not. */
  attempts: string[];
  tokenRequests: () => number;
  close(): Promise<void>;
}

export async function startFakeFcm(): Promise<FakeFcm> {
  const projectId = 'iris-test-project';
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const verificationKey = await importSPKI(publicKey, 'RS256');
  const clientEmail = `iris@${projectId}.iam.gserviceaccount.com`;
  const accepted: FcmMessage[] = [];
  const attempts: string[] = [];
  const flaked = new Set<string>();
  let tokenRequests = 0;

  const fcmError = (status: number, code: string, errorCode?: string) => ({
    status,
    body: {
      error: {
        code: status,
        message: `fake ${code}`,
        status: code,
        ...(errorCode
          ? { details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode }] }
          : {}),
      },
    },
  });

  async function answer(path: string, headers: Record<string, unknown>, raw: string) {
    if (path === '/token') {
      const assertion = new URLSearchParams(raw).get('assertion') ?? '';
      await jwtVerify(assertion, verificationKey, { issuer: clientEmail });
      tokenRequests += 1;
      return {
        status: 200,
        body: { access_token: 'fake-access-token', expires_in: 3600, token_type: 'Bearer' },
      };
    }
    if (path !== `/v1/projects/${projectId}/messages:send`)
      return { status: 404, body: { error: 'no route' } };
    if (headers.authorization !== 'Bearer fake-access-token') return fcmError(401, 'UNAUTHENTICATED');
    const { message } = JSON.parse(raw) as { message: FcmMessage };
    attempts.push(message.token);
    if (message.token.startsWith('unregistered-')) return fcmError(404, 'NOT_FOUND', 'UNREGISTERED');
    if (message.token.startsWith('badtoken-')) return fcmError(400, 'INVALID_ARGUMENT', 'INVALID_ARGUMENT');
    if (message.token.startsWith('flaky-') && !flaked.has(message.token)) {
      flaked.add(message.token);
      return fcmError(500, 'INTERNAL', 'INTERNAL');
    }
    accepted.push(message);
    return { status: 200, body: { name: `projects/${projectId}/messages/${accepted.length}` } };
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      answer(req.url ?? '', req.headers, Buffer.concat(chunks).toString('utf8'))
        .catch(() => ({ status: 400, body: { error: 'invalid_grant' } }))
        .then(({ status, body }) => {
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        })
        .catch(() => undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const credentialsJson = JSON.stringify({
    type: 'service_account',
    project_id: projectId,
    private_key_id: 'fake-key',
    private_key: privateKey,
    client_email: clientEmail,
    client_id: '1',
    token_uri: 'https://oauth2.googleapis.com/token',
  });
  const dir = mkdtempSync(join(tmpdir(), 'iris-fake-fcm-'));
  const credentialsFile = join(dir, 'service-account.json');
  writeFileSync(credentialsFile, credentialsJson, { mode: 0o600 });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    credentialsFile,
    credentialsJson,
    projectId,
    accepted,
    attempts,
    tokenRequests: () => tokenRequests,
    close: () =>
      new Promise<void>((resolve) => {
        rmSync(dir, { recursive: true, force: true });
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
