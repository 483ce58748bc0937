import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The process's last line of defence (docs/README.md, "Failure behaviour").
 *
 * - An unhandled promise rejection is logged (with the request id when it happened inside a request) and counted;
 *   the process continues. A rejected promise nobody awaited has already lost its caller; it leaves no half-run
 *   synchronous code behind, and ending the process would fail every other in-flight request with it.
 * - An uncaught exception is logged and counted, then the process shuts down gracefully (no new requests or jobs,
 *   in-flight work finishes within SHUTDOWN_GRACE_MS) and exits with code 1 for the orchestrator to restart it:
 *   a synchronous throw escaped a callback half-way, and Node documents that the process state is then unknown.
 *
 * The counts are process-wide, so both the API's and the worker's registries report them
 * (`iris_process_faults_total{kind}`).
 */

export type ProcessFaultKind = 'unhandled_rejection' | 'uncaught_exception';

interface RequestScope {
  requestId: string;
}

/** The request a piece of asynchronous work belongs to; the API enters it for every request. */
export const requestScope = new AsyncLocalStorage<RequestScope>();

const faults: Record<ProcessFaultKind, number> = { unhandled_rejection: 0, uncaught_exception: 0 };

export function processFaultCounts(): Readonly<Record<ProcessFaultKind, number>> {
  return { ...faults };
}

interface GuardLogger {
  error(obj: object, msg: string): void;
  fatal(obj: object, msg: string): void;
}

function describe(reason: unknown): object {
  if (reason instanceof Error) return { type: reason.name, message: reason.message, stack: reason.stack };
  return { value: String(reason) };
}

let installed: (() => void) | undefined;

/**
 * Installs the process-level handlers once per process. `onFatal` starts the graceful shutdown after an uncaught
 * exception; it is called once, however many exceptions follow.
 */
export function installProcessGuards(options: {
  log: GuardLogger;
  onFatal: (reason: unknown) => void;
}): () => void {
  if (installed) return installed;
  let fatalCalled = false;
  const onRejection = (reason: unknown) => {
    faults.unhandled_rejection += 1;
    options.log.error(
      { kind: 'unhandled_rejection', request_id: requestScope.getStore()?.requestId, err: describe(reason) },
      'unhandled promise rejection; the process continues',
    );
  };
  const onException = (err: unknown) => {
    faults.uncaught_exception += 1;
    options.log.fatal(
      { kind: 'uncaught_exception', request_id: requestScope.getStore()?.requestId, err: describe(err) },
      'uncaught exception; shutting down gracefully',
    );
    if (fatalCalled) return;
    fatalCalled = true;
    options.onFatal(err);
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  installed = () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
    installed = undefined;
  };
  return installed;
}
