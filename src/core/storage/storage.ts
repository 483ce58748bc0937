import { createHash } from 'node:crypto';

/**
 * File storage (spec §3): objects are addressed by the SHA-256 of their bytes, so the same bytes always land on
 * the same key and nothing is ever overwritten — a put of bytes already stored is a no-op.
 */
export interface StoredObject {
  key: string;
  sha256: string;
  size: number;
  /** False when the bytes were already stored (nothing was written). */
  created: boolean;
}

export interface ListedObject {
  key: string;
  /** When the bytes were last put (a put of bytes already stored renews it). */
  lastModified: Date;
}

export interface ObjectStore {
  readonly driver: 'local' | 's3';
  /**
   * Stores the bytes under their hash. Bytes already stored are not written again, but their modification time
   * is renewed: the hard-delete sweep collects only objects unreferenced AND untouched for a grace period, so
   * bytes re-uploaded just before their row is committed are never taken for an orphan.
   */
  put(bytes: Buffer): Promise<StoredObject>;
  /** The bytes of a stored object; throws `ObjectNotFoundError` for an unknown key. */
  get(key: string): Promise<Buffer>;
  exists(key: string): Promise<boolean>;
  /** The modification time of one object; undefined when it is not stored. */
  lastModified(key: string): Promise<Date | undefined>;
  /** Every stored object, in no particular order; anything under the root that is not one of our keys is skipped. */
  list(): AsyncIterable<ListedObject>;
  /** Removes an object (hard deletion of files no row references); a key already gone is not an error. */
  remove(key: string): Promise<void>;
}

export class ObjectNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`No stored object ${key}`);
    this.name = 'ObjectNotFoundError';
  }
}

export const sha256Hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** `sha256/ab/cd/abcd…`: two fan-out levels keep directories and S3 listings small. */
export function keyFor(sha256: string): string {
  return `sha256/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
}

const OBJECT_KEY = /^sha256\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/;

export const isObjectKey = (key: string) => OBJECT_KEY.test(key);

/** Keys come from our own rows, but a key is a path: refuse anything that is not one of ours. */
export function assertKey(key: string): void {
  if (!isObjectKey(key)) throw new ObjectNotFoundError(key);
}
