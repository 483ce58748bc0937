import { z } from 'zod';
import { RETENTION_KINDS } from './privacy.models.js';

export const retentionPolicyDto = z.object({
  kind: z.enum(RETENTION_KINDS),
  retention_days: z.number().int(),
  minimum_days: z.number().int(),
  description: z.string(),
  updated_at: z.string(),
  updated_by: z.uuid().nullable(),
});
export type RetentionPolicyDto = z.infer<typeof retentionPolicyDto>;

export const retentionList = z.object({ data: z.array(retentionPolicyDto) });

export const retentionUpdate = z.strictObject({
  policies: z
    .array(
      z.strictObject({
        kind: z.enum(RETENTION_KINDS),
        retention_days: z.number().int().min(1).max(36_500),
      }),
    )
    .min(1)
    .max(RETENTION_KINDS.length)
    .refine((list) => new Set(list.map((p) => p.kind)).size === list.length, 'each kind at most once'),
});
export type RetentionUpdate = z.infer<typeof retentionUpdate>;

export const erasureResult = z.object({
  account_id: z.uuid(),
  pseudonym: z.string(),
  erased_at: z.string(),
  counts: z.record(z.string(), z.number().int()),
});
export type ErasureResult = z.infer<typeof erasureResult>;

export const personalDataExport = z.object({
  account_id: z.uuid(),
  generated_at: z.string(),
  tables: z.array(
    z.object({
      table: z.string(),
      handling: z.string(),
      retention: z.string(),
      rows: z.array(z.record(z.string(), z.unknown())),
    }),
  ),
});
export type PersonalDataExport = z.infer<typeof personalDataExport>;

export const userIdParams = z.object({ user_id: z.uuid() });
