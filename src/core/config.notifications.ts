import { existsSync } from 'node:fs';
import { z } from 'zod';
import {
  bool,
  emptyToUndefined,
  int,
  list,
  optionalString,
  type ServiceAccountKey,
  serviceAccountJson,
} from './config.fields.js';

/** Push (Firebase Cloud Messaging) and webhook delivery (spec §9), parsed with the rest of the environment. */
export const notificationEnv = {
  FIREBASE_PROJECT_ID: optionalString,
  FIREBASE_CREDENTIALS_JSON: serviceAccountJson,
  GOOGLE_APPLICATION_CREDENTIALS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine((path) => existsSync(path), 'must name an existing service-account key file')
      .optional(),
  ),
  FCM_ENDPOINT_OVERRIDE: z.preprocess(
    emptyToUndefined,
    z
      .url()
      .regex(/^http:\/\/[^/]+\/?$/, 'must be a plain http://host:port address (local fake FCM only)')
      .optional(),
  ),
  WEBHOOK_ALLOW_INSECURE_TARGETS: bool(false),
  WEBHOOK_TIMEOUT_MS: int(5_000, 100, 30_000),
  WEBHOOK_ALLOWED_PORTS: list.pipe(
    z.array(
      z
        .string()
        .regex(/^\d{1,5}$/, 'must list port numbers')
        .transform(Number)
        .refine((p) => p >= 1 && p <= 65535, 'must list ports 1-65535'),
    ),
  ),
  DEVICE_TOKEN_STALE_DAYS: int(270, 1, 3650),
};

type NotificationEnv = z.infer<z.ZodObject<typeof notificationEnv>>;

export interface NotificationConfig {
  fcm: {
    /** Service-account key (inline JSON or a file path); undefined leaves FCM unconfigured. */
    credentials: ServiceAccountKey | string | undefined;
    projectId: string | undefined;
    /** Tests only: every firebase-admin HTTP call goes to this plain-HTTP fake instead of Google. */
    endpointOverride: string | undefined;
  };
  webhooks: { allowInsecureTargets: boolean; timeoutMs: number; allowedPorts: number[] };
  deviceTokenStaleDays: number;
}

export function notificationConfig(
  e: NotificationEnv,
  isProduction: boolean,
  fail: (variable: string, detail: string) => never,
): NotificationConfig {
  if (isProduction && e.WEBHOOK_ALLOW_INSECURE_TARGETS) {
    fail(
      'WEBHOOK_ALLOW_INSECURE_TARGETS',
      'must not be true when NODE_ENV=production (it allows plain HTTP and loopback webhook targets)',
    );
  }
  if (isProduction && e.FCM_ENDPOINT_OVERRIDE) {
    fail('FCM_ENDPOINT_OVERRIDE', 'must not be set when NODE_ENV=production (tests only)');
  }
  if (e.FCM_ENDPOINT_OVERRIDE && !e.GOOGLE_APPLICATION_CREDENTIALS) {
    // firebase-admin sends an inline key's token request past the agent that implements the override.
    fail('FCM_ENDPOINT_OVERRIDE', 'needs the key as a file in GOOGLE_APPLICATION_CREDENTIALS');
  }
  if (e.FIREBASE_CREDENTIALS_JSON && e.GOOGLE_APPLICATION_CREDENTIALS) {
    fail('FIREBASE_CREDENTIALS_JSON', 'and GOOGLE_APPLICATION_CREDENTIALS are exclusive; set one');
  }
  return {
    fcm: {
      credentials: e.FIREBASE_CREDENTIALS_JSON ?? e.GOOGLE_APPLICATION_CREDENTIALS,
      projectId: e.FIREBASE_PROJECT_ID,
      endpointOverride: e.FCM_ENDPOINT_OVERRIDE,
    },
    webhooks: {
      allowInsecureTargets: e.WEBHOOK_ALLOW_INSECURE_TARGETS,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      allowedPorts: e.WEBHOOK_ALLOWED_PORTS.length > 0 ? e.WEBHOOK_ALLOWED_PORTS : [443],
    },
    deviceTokenStaleDays: e.DEVICE_TOKEN_STALE_DAYS,
  };
}
