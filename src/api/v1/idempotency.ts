import { z } from 'zod';
import type { ErrorCode } from '../../core/errors.js';

/** What every POST under an Idempotency-Key documents: the policy, the header and the codes it can answer. */
export const IDEMPOTENCY_POLICY =
  'Requires an Idempotency-Key header (1–255 printable ASCII characters), scoped to the caller. Keys are kept 24 hours. ' +
  'The same key and body replays the stored status and byte-identical body with Idempotent-Replayed: true; ' +
  'the same key with another body → 422 IDEMPOTENCY_KEY_REUSED; while the first request runs → 409 IDEMPOTENCY_KEY_IN_USE ' +
  '(a lock older than 90 s is taken over). Successes and business 4xx answers are stored; validation errors, 401 and 429 are not; ' +
  'on a 5xx the key is released so the request can be retried.';

export const IDEMPOTENCY_ERRORS: ErrorCode[] = [
  'IDEMPOTENCY_KEY_REQUIRED',
  'IDEMPOTENCY_KEY_INVALID',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_KEY_IN_USE',
];

export const idempotencyHeaders = z.object({
  'idempotency-key': z.string().meta({
    description: '1–255 printable ASCII characters, unique per attempt (a UUID works well)',
  }),
});
