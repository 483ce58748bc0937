import { z } from 'zod';
import { bool, int } from './config.fields.js';

/** The GDPR hard-delete run (spec §6): batch bounds and its schedule. */
export const retentionEnv = {
  RETENTION_BATCH_SIZE: int(1_000, 10, 10_000),
  RETENTION_MAX_BATCHES: int(10_000, 1, 1_000_000),
  RETENTION_SCHEDULE_ENABLED: bool(true),
  RETENTION_FILE_GRACE_HOURS: int(24, 1, 24 * 30),
};

type RetentionEnv = z.infer<z.ZodObject<typeof retentionEnv>>;

export interface RetentionConfig {
  /** Rows one hard-delete transaction removes at most: short transactions, short locks. */
  batchSize: number;
  /** Batches one run of the function performs per table at most, so a backlog spreads over several nights. */
  maxBatches: number;
  /** Run the hard-delete function daily from the job scheduler; off when a serverless scheduler invokes it. */
  scheduleEnabled: boolean;
  /** Stored files untouched for less than this are never swept as unreferenced (uploads in flight). */
  fileGraceHours: number;
}

export function retentionConfig(e: RetentionEnv): RetentionConfig {
  return {
    batchSize: e.RETENTION_BATCH_SIZE,
    maxBatches: e.RETENTION_MAX_BATCHES,
    scheduleEnabled: e.RETENTION_SCHEDULE_ENABLED,
    fileGraceHours: e.RETENTION_FILE_GRACE_HOURS,
  };
}
