import { dirname, join } from 'node:path';
import { z } from 'zod';
import { bool, emptyToUndefined, optionalString } from './config.fields.js';

/** Where uploaded and pulled files live (spec §3): local disk, or an S3-compatible bucket. */
export const storageEnv = {
  STORAGE_DRIVER: z.preprocess(emptyToUndefined, z.enum(['local', 's3']).default('local')),
  STORAGE_LOCAL_DIR: optionalString,
  S3_BUCKET: optionalString,
  S3_PREFIX: z.preprocess(emptyToUndefined, z.string().default('')),
  S3_REGION: z.preprocess(emptyToUndefined, z.string().default('eu-north-1')),
  S3_ENDPOINT: z.preprocess(emptyToUndefined, z.url().optional()),
  S3_FORCE_PATH_STYLE: bool(false),
  S3_ACCESS_KEY_ID: optionalString,
  S3_SECRET_ACCESS_KEY: optionalString,
};

type StorageEnv = z.infer<z.ZodObject<typeof storageEnv>>;

export type StorageConfig =
  | { driver: 'local'; localDir: string }
  | {
      driver: 's3';
      s3: {
        bucket: string;
        /** Prepended to every key, e.g. "iris/prod/"; empty for none. */
        prefix: string;
        region: string;
        /** An S3-compatible endpoint (MinIO, R2, a local test server); undefined for AWS. */
        endpoint: string | undefined;
        forcePathStyle: boolean;
        /** Static credentials; undefined uses the SDK's default chain (environment, instance role, …). */
        credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
      };
    };

/** Local files default to a folder beside the embedded database; S3 needs a bucket and both keys or neither. */
export function storageConfig(
  e: StorageEnv,
  context: { isProduction: boolean; embeddedDir: string },
  fail: (variable: string, detail: string) => never,
): StorageConfig {
  if (e.STORAGE_DRIVER === 'local') {
    if (context.isProduction && !e.STORAGE_LOCAL_DIR) {
      fail('STORAGE_LOCAL_DIR', 'is required when NODE_ENV=production and STORAGE_DRIVER=local');
    }
    return { driver: 'local', localDir: e.STORAGE_LOCAL_DIR ?? join(dirname(context.embeddedDir), 'files') };
  }
  if (!e.S3_BUCKET) fail('S3_BUCKET', 'is required when STORAGE_DRIVER=s3');
  if (Boolean(e.S3_ACCESS_KEY_ID) !== Boolean(e.S3_SECRET_ACCESS_KEY)) {
    fail('S3_ACCESS_KEY_ID', 'and S3_SECRET_ACCESS_KEY must be set together');
  }
  return {
    driver: 's3',
    s3: {
      bucket: e.S3_BUCKET,
      prefix: e.S3_PREFIX,
      region: e.S3_REGION,
      endpoint: e.S3_ENDPOINT,
      forcePathStyle: e.S3_FORCE_PATH_STYLE,
      credentials:
        e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY
          ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY }
          : undefined,
    },
  };
}
