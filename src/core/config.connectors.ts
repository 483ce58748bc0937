import { z } from 'zod';
import { emptyToUndefined, int, list, optionalString } from './config.fields.js';

/** Supplier connector settings (spec §11), parsed with the rest of the environment in config.ts. */
const httpUrl = (fallback: string) =>
  z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).default(fallback));
const orgNumber = (fallback: string) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^\d{10}$/, 'must be 10 digits')
      .default(fallback),
  );

export const connectorEnv = {
  CONNECTOR_CHROMIUM_PATH: z.preprocess(emptyToUndefined, z.string().default('/usr/bin/chromium')),
  CONNECTOR_MARTIN_SERVERA_URL: httpUrl('https://www.martinservera.se'),
  CONNECTOR_MENIGO_URL: httpUrl('https://www.menigo.se'),
  CONNECTOR_MARTIN_SERVERA_ORG_NUMBER: orgNumber('5560000001'),
  CONNECTOR_MENIGO_ORG_NUMBER: orgNumber('5560000019'),
  CONNECTOR_SESSION_KEK: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
      .optional(),
  ),
  CONNECTOR_SESSION_KEK_ID: z.preprocess(emptyToUndefined, z.string().max(64).default('app-secret-derived')),
  CONNECTOR_SESSION_TTL_HOURS: int(24, 1, 24),
  CONNECTOR_PAGE_DELAY_MS: int(100, 0, 60_000),
  CONNECTOR_PAGE_JITTER_MS: int(200, 0, 60_000),
  CONNECTOR_SYNC_BATCH_ITEMS: int(2_000, 1, 50_000),
  CONNECTOR_SYNC_WRITERS: int(2, 1, 8),
  CONNECTOR_RETRY_ATTEMPTS: int(4, 1, 10),
  CONNECTOR_BACKOFF_MS: int(500, 10, 60_000),
  CONNECTOR_TIMEOUT_MS: int(20_000, 1_000, 120_000),
  CONNECTOR_MAX_CONCURRENCY: int(2, 1, 20),
  CONNECTOR_CART_CONCURRENCY: int(3, 1, 8),
  CONNECTOR_MAX_DOWNLOAD_BYTES: int(10 * 1_048_576, 1024, 100 * 1_048_576),
  CONNECTOR_PROXY_URL: optionalString,
  CONNECTOR_USER_AGENTS: list,
  CONNECTOR_CODE_CHALLENGE_TTL_SECONDS: int(300, 30, 1800),
};

const DEFAULT_USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
];

type ConnectorEnv = z.infer<z.ZodObject<typeof connectorEnv>>;

export interface ConnectorConfig {
  chromiumPath: string;
  portals: {
    martin_servera: { baseUrl: string; orgNumber: string };
    menigo: { baseUrl: string; orgNumber: string };
  };
  /** Key-encryption key (32 bytes) wrapping each connection's data key; undefined derives one from APP_SECRET. */
  kek: Buffer | undefined;
  kekId: string;
  sessionTtlHours: number;
  pacing: { delayMs: number; jitterMs: number; attempts: number; backoffMs: number };
  /** Portal items a sync accumulates (whole pages) before writing them in one transaction. */
  syncBatchItems: number;
  /** Batches a sync writes at the same time (each its own transaction and connection). */
  syncWriters: number;
  timeoutMs: number;
  maxConcurrency: number;
  /** Cart lines a prefill adds at once within its one session. */
  cartConcurrency: number;
  maxDownloadBytes: number;
  proxy: string | undefined;
  userAgents: string[];
  codeChallengeTtlSeconds: number;
}

export function connectorConfig(e: ConnectorEnv): ConnectorConfig {
  return {
    chromiumPath: e.CONNECTOR_CHROMIUM_PATH,
    portals: {
      martin_servera: {
        baseUrl: e.CONNECTOR_MARTIN_SERVERA_URL,
        orgNumber: e.CONNECTOR_MARTIN_SERVERA_ORG_NUMBER,
      },
      menigo: { baseUrl: e.CONNECTOR_MENIGO_URL, orgNumber: e.CONNECTOR_MENIGO_ORG_NUMBER },
    },
    kek: e.CONNECTOR_SESSION_KEK ? Buffer.from(e.CONNECTOR_SESSION_KEK, 'base64') : undefined,
    kekId: e.CONNECTOR_SESSION_KEK_ID,
    sessionTtlHours: e.CONNECTOR_SESSION_TTL_HOURS,
    pacing: {
      delayMs: e.CONNECTOR_PAGE_DELAY_MS,
      jitterMs: e.CONNECTOR_PAGE_JITTER_MS,
      attempts: e.CONNECTOR_RETRY_ATTEMPTS,
      backoffMs: e.CONNECTOR_BACKOFF_MS,
    },
    syncBatchItems: e.CONNECTOR_SYNC_BATCH_ITEMS,
    syncWriters: e.CONNECTOR_SYNC_WRITERS,
    timeoutMs: e.CONNECTOR_TIMEOUT_MS,
    maxConcurrency: e.CONNECTOR_MAX_CONCURRENCY,
    cartConcurrency: e.CONNECTOR_CART_CONCURRENCY,
    maxDownloadBytes: e.CONNECTOR_MAX_DOWNLOAD_BYTES,
    proxy: e.CONNECTOR_PROXY_URL,
    userAgents: e.CONNECTOR_USER_AGENTS.length > 0 ? e.CONNECTOR_USER_AGENTS : DEFAULT_USER_AGENTS,
    codeChallengeTtlSeconds: e.CONNECTOR_CODE_CHALLENGE_TTL_SECONDS,
  };
}
