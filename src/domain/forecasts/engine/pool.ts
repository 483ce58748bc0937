import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { spawnModuleWorker } from '../../../core/worker-thread.js';
import type { ForecastTask, ForecastTaskResult } from './tasks.js';

interface Pending {
  id: number;
  task: ForecastTask;
  resolve: (result: ForecastTaskResult) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  busy: Pending | null;
}

/**
 * A fixed set of worker threads running forecast tasks, so at most `size` fits run at once (bounded parallelism)
 * and the event loop of the process that owns the pool stays free. A worker that dies is replaced and its task
 * fails; the others carry on.
 */
export class ForecastPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(readonly size: number = Math.max(1, availableParallelism() - 1)) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  run(task: ForecastTask): Promise<ForecastTaskResult> {
    if (this.closed) return Promise.reject(new Error('forecast pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, resolve, reject });
      this.drain();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new Error('forecast pool is closed'));
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private drain(): void {
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const next = this.queue.shift();
      if (!next) return;
      slot.busy = next;
      slot.worker.postMessage({ id: next.id, task: next.task });
    }
  }

  private spawn(): Slot {
    const worker = spawnModuleWorker(import.meta.url, 'worker');
    const slot: Slot = { worker, busy: null };
    worker.on(
      'message',
      (message: { id: number; ok: boolean; result?: ForecastTaskResult; error?: string }) => {
        const pending = slot.busy;
        slot.busy = null;
        if (pending && pending.id === message.id) {
          if (message.ok && message.result) pending.resolve(message.result);
          else pending.reject(new Error(message.error ?? 'forecast task failed'));
        }
        this.drain();
      },
    );
    worker.on('error', (error) => {
      slot.busy?.reject(error);
      slot.busy = null;
    });
    worker.on('exit', () => {
      if (this.closed) return;
      const index = this.slots.indexOf(slot);
      slot.busy?.reject(new Error('forecast worker exited'));
      if (index >= 0) this.slots[index] = this.spawn();
      this.drain();
    });
    return slot;
  }
}
