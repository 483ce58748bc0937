import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { connect } from 'node:net';
import type { Config } from '../../core/config.js';

/** What sending to one target came to. `dropped` is final (never retried); `failed` is retried by the job. */
export type ChannelResult =
  | { status: 'sent' }
  | { status: 'dropped'; reason: string; invalidTarget?: boolean }
  | { status: 'failed'; reason: string };

export interface PushMessage {
  title: string;
  body: string;
  /** FCM data values are strings. */
  data: Record<string, string>;
}

export interface PushChannel {
  send(token: string, message: PushMessage): Promise<ChannelResult>;
  close(): Promise<void>;
}

/** FCM's answers meaning "this token will never work": the token is deleted, the delivery dropped. */
export const INVALID_TOKEN_CODES = new Set([
  'messaging/registration-token-not-registered',
  'messaging/invalid-registration-token',
  'messaging/invalid-argument',
]);

/**
 * Routes every firebase-admin request to a local fake server in plain HTTP (tests only). firebase-admin has no
 * endpoint setting, but it sends everything — the OAuth token exchange and FCM itself — through the agent of
 * `AppOptions.httpAgent` and `cert(key, httpAgent)`, its documented hook for proxies; this agent connects
 * those `https://…googleapis.com` requests to the fake instead.
 */
class LocalFakeAgent extends http.Agent {
  // Node checks that an agent used for https:// requests speaks https.
  readonly protocol = 'https:';

  constructor(private readonly target: URL) {
    super({ keepAlive: false });
  }

  override createConnection() {
    return connect({ host: this.target.hostname, port: Number(this.target.port || 80) });
  }
}

const unconfigured: PushChannel = {
  send: () => Promise.resolve({ status: 'dropped', reason: 'fcm not configured' }),
  close: () => Promise.resolve(),
};

/**
 * Firebase Cloud Messaging through firebase-admin (spec §10). Without credentials the channel is switched off:
 * deliveries are recorded as dropped, "fcm not configured" — not an error.
 */
export async function createFcmChannel(config: Config['notifications']['fcm']): Promise<PushChannel> {
  if (config.credentials === undefined) return unconfigured;
  const { cert, deleteApp, initializeApp } = await import('firebase-admin/app');
  const { getMessaging } = await import('firebase-admin/messaging');
  const agent = config.endpointOverride ? new LocalFakeAgent(new URL(config.endpointOverride)) : undefined;
  const app = initializeApp(
    {
      credential: cert(config.credentials, agent),
      ...(config.projectId ? { projectId: config.projectId } : {}),
      ...(agent ? { httpAgent: agent } : {}),
    },
    // One named app per channel, so several apps (tests) in one process do not share state.
    `iris-fcm-${randomUUID()}`,
  );
  const messaging = getMessaging(app);
  return {
    async send(token, message) {
      try {
        await messaging.send({
          token,
          notification: { title: message.title, body: message.body },
          data: message.data,
        });
        return { status: 'sent' };
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        const reason = err instanceof Error ? err.message : String(err);
        if (typeof code === 'string' && INVALID_TOKEN_CODES.has(code)) {
          return { status: 'dropped', reason: code, invalidTarget: true };
        }
        return { status: 'failed', reason: typeof code === 'string' ? `${code}: ${reason}` : reason };
      }
    },
    close: () => deleteApp(app),
  };
}
