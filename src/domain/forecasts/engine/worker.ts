import { parentPort } from 'node:worker_threads';
import { runTask, type ForecastTask } from './tasks.js';

/** Runs forecast tasks off the main thread: Prophet fits are CPU-bound and would stall the event loop. */
if (!parentPort) throw new Error('forecast worker must run as a worker thread');
const port = parentPort;
port.on('message', (message: { id: number; task: ForecastTask }) => {
  try {
    port.postMessage({ id: message.id, ok: true, result: runTask(message.task) });
  } catch (error) {
    port.postMessage({
      id: message.id,
      ok: false,
      error: error instanceof Error ? error.message : String(error),
    });
  }
});
