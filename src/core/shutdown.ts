interface ShutdownLogger {
  info(obj: object, msg: string): void;
  error(obj: object | string, msg?: string): void;
}

/**
 * Graceful shutdown on SIGTERM and SIGINT: `close` stops taking work and finishes what is in flight; past
 * `graceMs` the process exits with 1 anyway. Returns the function that starts it (the process guard calls it
 * after an uncaught exception). It relies on a free event loop, which is why the embedded database runs on its
 * own thread (core/embedded): a runaway statement there never keeps Ctrl-C from working.
 */
export function installShutdown(options: {
  log: ShutdownLogger;
  graceMs: number;
  close: () => Promise<void>;
}): (signal: string, exitCode?: number) => void {
  let closing = false;
  const shutdown = (signal: string, exitCode = 0) => {
    if (closing) return;
    closing = true;
    options.log.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
    const force = setTimeout(() => {
      options.log.error('graceful shutdown timed out');
      process.exit(1);
    }, options.graceMs);
    force.unref();
    options
      .close()
      .then(() => process.exit(exitCode))
      .catch((err: unknown) => {
        options.log.error({ err }, 'error during shutdown');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => {
    shutdown('SIGTERM');
  });
  process.on('SIGINT', () => {
    shutdown('SIGINT');
  });
  return shutdown;
}
