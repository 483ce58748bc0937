import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { createLocalStore } from '../../src/core/storage/local-store.js';
import { createS3Store } from '../../src/core/storage/s3-store.js';
import { keyFor, type ObjectStore, ObjectNotFoundError, sha256Hex } from '../../src/core/storage/storage.js';

const dirs: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'iris-store-'));
  dirs.push(dir);
  return dir;
};

let s3server: S3rver;
let s3: ObjectStore & { client: import('@aws-sdk/client-s3').S3Client };

beforeAll(async () => {
  s3server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: await tempDir() });
  const { port } = await s3server.run();
  s3 = createS3Store({
    bucket: 'iris-invoices',
    prefix: 'test/',
    region: 'eu-north-1',
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  await s3.client.send(new CreateBucketCommand({ Bucket: 'iris-invoices' }));
});

afterAll(async () => {
  s3.client.destroy();
  await s3server.close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const collect = async <T>(items: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
};

const stores: [string, () => Promise<ObjectStore>][] = [
  ['local disk', async () => createLocalStore(await tempDir())],
  ['S3 (s3rver)', () => Promise.resolve(s3)],
];

describe.each(stores)('object store on %s', (_name, make) => {
  it('addresses objects by SHA-256 and reads back the same bytes', async () => {
    const store = await make();
    const bytes = Buffer.from(`faktura ${Math.random()}`);
    const stored = await store.put(bytes);
    expect(stored).toEqual({
      key: keyFor(sha256Hex(bytes)),
      sha256: sha256Hex(bytes),
      size: bytes.length,
      created: true,
    });
    expect(await store.exists(stored.key)).toBe(true);
    expect((await store.get(stored.key)).equals(bytes)).toBe(true);
  });

  it('never overwrites: the same bytes twice write once', async () => {
    const store = await make();
    const bytes = Buffer.from(`same ${Math.random()}`);
    const first = await store.put(bytes);
    const second = await store.put(bytes);
    expect(first.created).toBe(true);
    expect(second).toEqual({ ...first, created: false });
    expect((await store.get(first.key)).equals(bytes)).toBe(true);
  });

  it('lists what it holds and removes an object for good; removing it again is no error', async () => {
    const store = await make();
    const kept = await store.put(Buffer.from(`kept ${Math.random()}`));
    const gone = await store.put(Buffer.from(`gone ${Math.random()}`));
    const listed = new Map<string, Date>();
    for await (const o of store.list()) listed.set(o.key, o.lastModified);
    expect(listed.has(kept.key) && listed.has(gone.key)).toBe(true);
    expect(listed.get(kept.key)?.getTime()).toBeGreaterThan(Date.now() - 60_000);

    await store.remove(gone.key);
    await store.remove(gone.key);
    expect(await store.exists(gone.key)).toBe(false);
    expect(await store.lastModified(gone.key)).toBeUndefined();
    await expect(store.get(gone.key)).rejects.toBeInstanceOf(ObjectNotFoundError);
    const after: string[] = [];
    for await (const o of store.list()) after.push(o.key);
    expect(after).toContain(kept.key);
    expect(after).not.toContain(gone.key);
    await expect(store.remove('../outside')).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('an unknown or foreign key is not found', async () => {
    const store = await make();
    await expect(store.get(keyFor('0'.repeat(64)))).rejects.toBeInstanceOf(ObjectNotFoundError);
    expect(await store.exists(keyFor('1'.repeat(64)))).toBe(false);
    await expect(store.get('../../etc/passwd')).rejects.toBeInstanceOf(ObjectNotFoundError);
  });
});

describe('local store', () => {
  it('renews the modification time when the same bytes are put again, and lists only its own keys', async () => {
    const root = await tempDir();
    const store = createLocalStore(root);
    const stored = await store.put(Buffer.from('renewed bytes'));
    const path = join(root, ...stored.key.split('/'));
    const old = new Date(Date.now() - 3 * 86_400_000);
    await utimes(path, old, old);
    expect((await store.lastModified(stored.key))?.getTime()).toBe(old.getTime());
    await store.put(Buffer.from('renewed bytes'));
    expect((await store.lastModified(stored.key))?.getTime()).toBeGreaterThan(Date.now() - 60_000);

    await writeFile(join(root, 'sha256', 'not-a-key.txt'), 'stray');
    const listed: string[] = [];
    for await (const o of store.list()) listed.push(o.key);
    expect(listed).toEqual([stored.key]);
    expect(await collect(createLocalStore(join(root, 'missing')).list())).toEqual([]);
  });

  it('concurrent puts of the same bytes leave one file and no temporaries', async () => {
    const root = await tempDir();
    const store = createLocalStore(root);
    const bytes = Buffer.from('racing');
    const results = await Promise.all(Array.from({ length: 8 }, () => store.put(bytes)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const key = keyFor(sha256Hex(bytes));
    expect(await readdir(join(root, ...key.split('/').slice(0, -1)))).toEqual([key.split('/').at(-1)]);
  });
});

describe('storage configuration', () => {
  const base = { APP_SECRET: 'x'.repeat(32), NODE_ENV: 'test' };
  it('defaults to files beside the embedded database', () => {
    expect(parseConfig(base).storage).toEqual({ driver: 'local', localDir: '.iris/files' });
  });
  it('S3 needs a bucket, and both keys or neither', () => {
    expect(() => parseConfig({ ...base, STORAGE_DRIVER: 's3' })).toThrow(/S3_BUCKET/);
    expect(() =>
      parseConfig({ ...base, STORAGE_DRIVER: 's3', S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'k' }),
    ).toThrow(/S3_ACCESS_KEY_ID/);
    const s3config = parseConfig({
      ...base,
      STORAGE_DRIVER: 's3',
      S3_BUCKET: 'b',
      S3_FORCE_PATH_STYLE: 'true',
    });
    expect(s3config.storage).toMatchObject({
      driver: 's3',
      s3: { bucket: 'b', forcePathStyle: true, prefix: '' },
    });
  });
});
