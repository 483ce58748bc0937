import type { StorageConfig } from '../config.js';
import { createLocalStore } from './local-store.js';
import { createS3Store } from './s3-store.js';
import type { ObjectStore } from './storage.js';

export function createObjectStore(config: StorageConfig): ObjectStore {
  return config.driver === 'local' ? createLocalStore(config.localDir) : createS3Store(config.s3);
}
