import type { Config } from './core/config.js';
import type { Services } from './services.js';
import type { JobRuntime } from './workers/runtime.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    services: Services;
    /** The in-process job runtime in embedded mode; undefined when the worker process runs the jobs. */
    jobs: JobRuntime | undefined;
  }
}
