import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * A worker thread running the module `name` beside `importMetaUrl` (given without extension): the `.ts` source
 * under tsx (dev, tests) or the compiled `.js`. Run from source, the worker registers tsx itself before loading
 * the TypeScript entry: on Node 20 neither the parent's loader hooks nor `--import tsx` reach a worker thread.
 */
export function spawnModuleWorker(importMetaUrl: string, name: string, workerData?: unknown): Worker {
  const extension = extname(fileURLToPath(importMetaUrl));
  const entry = new URL(`./${name}${extension}`, importMetaUrl);
  return extension === '.ts'
    ? new Worker(
        `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`,
        { eval: true, workerData },
      )
    : new Worker(entry, { workerData });
}
