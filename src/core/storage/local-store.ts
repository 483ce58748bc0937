import { randomBytes } from 'node:crypto';
import { access, link, mkdir, opendir, readFile, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import {
  assertKey,
  isObjectKey,
  keyFor,
  type ListedObject,
  type ObjectStore,
  ObjectNotFoundError,
  sha256Hex,
} from './storage.js';

const isCode = (err: unknown, code: string) => (err as NodeJS.ErrnoException | null)?.code === code;

/**
 * Objects as files under one root. A put writes a temporary file and hard-links it into place: `link` fails
 * when the target exists, so concurrent puts of the same bytes never overwrite and never expose a partial file.
 */
export function createLocalStore(root: string): ObjectStore {
  const pathOf = (key: string) => join(root, ...key.split('/'));

  async function* walk(dir: string): AsyncGenerator<ListedObject> {
    let handle;
    try {
      handle = await opendir(dir);
    } catch (err) {
      if (isCode(err, 'ENOENT')) return;
      throw err;
    }
    for await (const entry of handle) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        yield* walk(path);
        continue;
      }
      const key = relative(root, path).split(sep).join('/');
      if (!entry.isFile() || !isObjectKey(key)) continue;
      try {
        yield { key, lastModified: (await stat(path)).mtime };
      } catch (err) {
        if (!isCode(err, 'ENOENT')) throw err; // removed while we listed
      }
    }
  }

  return {
    driver: 'local',
    async put(bytes) {
      const sha256 = sha256Hex(bytes);
      const key = keyFor(sha256);
      const target = pathOf(key);
      await mkdir(dirname(target), { recursive: true });
      const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(temp, bytes, { flag: 'wx', mode: 0o640 });
      let created = true;
      try {
        await link(temp, target);
      } catch (err) {
        if (!isCode(err, 'EEXIST')) throw err;
        created = false;
      } finally {
        await unlink(temp);
      }
      if (!created) {
        const now = new Date();
        await utimes(target, now, now);
      }
      return { key, sha256, size: bytes.length, created };
    },
    async get(key) {
      assertKey(key);
      try {
        return await readFile(pathOf(key));
      } catch (err) {
        if (isCode(err, 'ENOENT')) throw new ObjectNotFoundError(key);
        throw err;
      }
    },
    async exists(key) {
      assertKey(key);
      try {
        await access(pathOf(key));
        return true;
      } catch {
        return false;
      }
    },
    async lastModified(key) {
      assertKey(key);
      try {
        return (await stat(pathOf(key))).mtime;
      } catch (err) {
        if (isCode(err, 'ENOENT')) return undefined;
        throw err;
      }
    },
    list() {
      return walk(join(root, 'sha256'));
    },
    async remove(key) {
      assertKey(key);
      try {
        await unlink(pathOf(key));
      } catch (err) {
        if (!isCode(err, 'ENOENT')) throw err;
      }
    },
  };
}
