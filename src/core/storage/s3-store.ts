import type { StorageConfig } from '../config.storage.js';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import {
  assertKey,
  isObjectKey,
  keyFor,
  type ListedObject,
  type ObjectStore,
  ObjectNotFoundError,
  sha256Hex,
} from './storage.js';

export type S3StoreOptions = Extract<StorageConfig, { driver: 's3' }>['s3'];

const status = (err: unknown) =>
  err instanceof S3ServiceException ? err.$metadata.httpStatusCode : undefined;

/**
 * Objects in an S3 bucket. A put first asks whether the key exists, then writes with `If-None-Match: *`, so a
 * racing writer of the same bytes gets 412 from S3 instead of overwriting (content-addressed: same bytes anyway).
 */
export function createS3Store(options: S3StoreOptions): ObjectStore & { client: S3Client } {
  const client = new S3Client({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    forcePathStyle: options.forcePathStyle,
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
  const objectKey = (key: string) => `${options.prefix}${key}`;

  async function lastModified(key: string): Promise<Date | undefined> {
    assertKey(key);
    try {
      const head = await client.send(new HeadObjectCommand({ Bucket: options.bucket, Key: objectKey(key) }));
      return head.LastModified ?? new Date(0);
    } catch (err) {
      if (err instanceof NotFound || status(err) === 404) return undefined;
      throw err;
    }
  }

  /** Same bytes: a copy onto itself only renews LastModified (S3 refuses a self-copy that changes nothing). */
  async function renew(key: string): Promise<void> {
    await client.send(
      new CopyObjectCommand({
        Bucket: options.bucket,
        Key: objectKey(key),
        CopySource: encodeURI(`${options.bucket}/${objectKey(key)}`),
        MetadataDirective: 'REPLACE',
        Metadata: { renewed: new Date().toISOString() },
      }),
    );
  }

  async function* list(): AsyncGenerator<ListedObject> {
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: options.bucket,
          Prefix: objectKey('sha256/'),
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      for (const item of page.Contents ?? []) {
        const key = item.Key?.slice(options.prefix.length);
        if (key && item.Key?.startsWith(options.prefix) && isObjectKey(key))
          yield { key, lastModified: item.LastModified ?? new Date(0) };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  return {
    driver: 's3',
    client,
    lastModified,
    list,
    async exists(key) {
      return (await lastModified(key)) !== undefined;
    },
    async put(bytes) {
      const sha256 = sha256Hex(bytes);
      const key = keyFor(sha256);
      if ((await lastModified(key)) !== undefined) {
        await renew(key);
        return { key, sha256, size: bytes.length, created: false };
      }
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: options.bucket,
            Key: objectKey(key),
            Body: bytes,
            IfNoneMatch: '*',
            ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64'),
          }),
        );
      } catch (err) {
        if (status(err) !== 412) throw err;
        await renew(key);
        return { key, sha256, size: bytes.length, created: false };
      }
      return { key, sha256, size: bytes.length, created: true };
    },
    async get(key) {
      assertKey(key);
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: options.bucket, Key: objectKey(key) }));
        if (!out.Body) throw new ObjectNotFoundError(key);
        return Buffer.from(await out.Body.transformToByteArray());
      } catch (err) {
        if (err instanceof NoSuchKey || status(err) === 404) throw new ObjectNotFoundError(key);
        throw err;
      }
    },
    async remove(key) {
      assertKey(key);
      await client.send(new DeleteObjectCommand({ Bucket: options.bucket, Key: objectKey(key) }));
    },
  };
}
