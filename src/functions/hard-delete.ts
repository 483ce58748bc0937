import { type Config, loadConfig } from '../core/config.js';
import { openDatabase } from '../core/database.js';
import type { Database } from '../core/db.types.js';
import { createObjectStore } from '../core/storage/create-store.js';
import { type RetentionRun, retentionSettings, runRetention } from '../domain/privacy/retention.service.js';

/**
 * The hard-delete function (spec §7): deployable as an AWS Lambda (handler `handler`, scheduled daily by
 * EventBridge) so hard deletion never runs in the API process; the same work runs in-process as the
 * `retention.hard-delete` job where no function runtime is configured, and as `npm run hard-delete`.
 */
export interface HardDeleteEvent {
  /** Count what would go and change nothing. */
  dryRun?: boolean;
}

export interface LambdaContext {
  awsRequestId?: string;
}

export function hardDelete(
  db: Database,
  config: Config,
  event: HardDeleteEvent,
  trigger: string,
): Promise<RetentionRun> {
  return runRetention(db, {
    dryRun: event.dryRun ?? false,
    trigger,
    store: createObjectStore(config.storage),
    ...retentionSettings(config),
  });
}

/** AWS Lambda entry point: configuration from the function's environment, one database session per call. */
export async function handler(event: HardDeleteEvent = {}, _context?: LambdaContext): Promise<RetentionRun> {
  const config = loadConfig();
  const database = await openDatabase(config);
  try {
    return await hardDelete(database.db, config, event, 'function');
  } finally {
    await database.close();
  }
}
