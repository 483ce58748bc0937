import { startupConfigOrExit } from './bootstrap.js';
import { installProcessGuards } from './core/process-guard.js';
import { parseQueues, startWorkerProcess, workerLogger } from './workers/worker-process.js';

async function main(): Promise<void> {
  const config = startupConfigOrExit();
  const log = workerLogger(config);
  const queues = parseQueues(process.argv.slice(2));
  const worker = await startWorkerProcess(config, { log, ...(queues ? { queues } : {}) });

  let closing = false;
  const shutdown = (signal: string, exitCode = 0) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down: finishing running jobs');
    // A job still running when the grace period ends is recovered by BullMQ's stalled-job check elsewhere.
    const force = setTimeout(() => {
      log.error('graceful shutdown timed out');
      process.exit(1);
    }, config.http.shutdownGraceMs);
    force.unref();
    worker
      .close()
      .then(() => process.exit(exitCode))
      .catch((err: unknown) => {
        log.error({ err }, 'error during shutdown');
        process.exit(1);
      });
  };
  installProcessGuards({
    log,
    onFatal: () => {
      shutdown('uncaughtException', 1);
    },
  });
  process.on('SIGTERM', () => {
    shutdown('SIGTERM');
  });
  process.on('SIGINT', () => {
    shutdown('SIGINT');
  });
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`Iris worker failed to start: ${message}\n`);
  process.exit(1);
});
