import { z } from 'zod';
import { SUPPLIER_KEYS } from '../../connectors/connector.js';
import { CONNECTION_STATES } from './integrations.models.js';

/** The consent statements of spec §11, shown before any sign-in; the version accepted is recorded. */
export const CONSENT_TEXT_VERSION = '2026-12-01';
export const CONSENT_STATEMENTS = {
  session_only: 'Data is pulled only for the duration of the current session.',
  credentials_not_stored:
    'Your password is NOT stored; Iris keeps only a temporary, encrypted session token.',
  delegated_retrieval:
    'You temporarily delegate control of your supplier account to Iris for automated retrieval.',
} as const;

export const supplierParams = z.strictObject({ supplier: z.enum(SUPPLIER_KEYS) });
export const challengeParams = supplierParams.extend({ challenge_id: z.uuid() });
export const restaurantQuery = z.strictObject({ restaurant_id: z.uuid() });

export const connectBody = z.strictObject({
  restaurant_id: z.uuid(),
  consent: z.strictObject({
    text_version: z.string().min(1).max(40),
    session_only: z.boolean(),
    credentials_not_stored: z.boolean(),
    delegated_retrieval: z.boolean(),
  }),
  username: z.string().trim().min(1).max(200),
  password: z.string().min(1).max(200),
});
export type ConnectBody = z.infer<typeof connectBody>;

export const codeBody = z.strictObject({ restaurant_id: z.uuid(), code: z.string().trim().min(4).max(12) });

export const prefillBody = z.strictObject({
  restaurant_id: z.uuid(),
  lines: z
    .array(
      z
        .strictObject({
          article: z.string().trim().min(1).max(40).optional(),
          product_id: z.uuid().optional(),
          quantity: z.number().int().min(1).max(10_000),
        })
        .refine((l) => (l.article === undefined) !== (l.product_id === undefined), {
          error: 'give either article or product_id',
        }),
    )
    .min(1)
    .max(100),
});
export type PrefillBody = z.infer<typeof prefillBody>;

export const connectionDto = z.object({
  connection_id: z.uuid(),
  supplier: z.enum(SUPPLIER_KEYS),
  restaurant_id: z.uuid(),
  status: z.enum(CONNECTION_STATES),
  scopes: z.array(z.string()),
  consent_given_at: z.iso.datetime(),
  consent_text_version: z.string(),
  session_expires_at: z.iso.datetime().nullable(),
  last_sync_at: z.iso.datetime().nullable(),
  last_sync_outcome: z.string().nullable(),
  last_sync_reason: z.string().nullable(),
  last_sync_items: z.number().int().nullable(),
  connector_health: z.enum(['healthy', 'degraded']),
});
export type ConnectionDto = z.infer<typeof connectionDto>;

export const challengeDto = z.object({
  challenge_id: z.uuid(),
  status: z.literal('awaiting_code'),
  expires_at: z.iso.datetime(),
});

export const syncAcceptedDto = z.object({ status: z.literal('queued'), connection: connectionDto });

export const prefillDto = z.object({
  deep_link: z.url(),
  lines: z.array(
    z.object({
      article: z.string(),
      product_id: z.uuid().nullable(),
      requested: z.number().int(),
      added: z.number().int(),
      problem: z.enum(['unknown_article', 'not_orderable', 'quantity_rounded', 'portal_error']).nullable(),
    }),
  ),
});
export type PrefillDto = z.infer<typeof prefillDto>;

export const consentDto = z.object({
  text_version: z.string(),
  statements: z.record(z.string(), z.string()),
});
