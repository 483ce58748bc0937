import { z } from 'zod';

/** Field parsers for src/core/config.ts: each turns one environment string into a typed value or an issue. */

export const emptyToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;
export const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
export const postgresUrl = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
);
export const bool = (fallback: boolean) =>
  z.preprocess(
    emptyToUndefined,
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'])
      .optional()
      .transform((v) => (v === undefined ? fallback : ['true', '1', 'yes'].includes(v))),
  );
/** A boolean that stays undefined when unset, for defaults that depend on other variables. */
export const optionalBool = z.preprocess(
  emptyToUndefined,
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .optional()
    .transform((v) => (v === undefined ? undefined : ['true', '1', 'yes'].includes(v))),
);
export const int = (fallback: number, min: number, max: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).max(max).default(fallback));
export const list = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    ),
);

export interface DevUser {
  email: string;
  role: 'ADMIN' | 'SUPPLIER' | 'RESTAURANT';
  hash: string;
}

const BCRYPT_HASH = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;

export function parseDevUser(entry: string): DevUser | undefined {
  const parts = entry.split(':');
  const [email = '', roleOrHash = '', maybeHash] = parts;
  if (parts.length < 2 || parts.length > 3) return undefined;
  const role = parts.length === 3 ? roleOrHash.toUpperCase() : 'RESTAURANT';
  const hash = parts.length === 3 ? (maybeHash ?? '') : roleOrHash;
  if (!z.email().safeParse(email).success || !BCRYPT_HASH.test(hash)) return undefined;
  if (role !== 'ADMIN' && role !== 'SUPPLIER' && role !== 'RESTAURANT') return undefined;
  return { email: email.toLowerCase(), role, hash };
}

export const cidr = z.string().regex(/^[0-9a-fA-F:.]+(\/\d{1,3})?$/, 'must be an IP address or CIDR');

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** The three fields of a Google service-account key that firebase-admin needs; the rest is ignored. */
export interface ServiceAccountKey {
  projectId: string;
  clientEmail: string;
  privateKey: string;
}

export const serviceAccountJson = z
  .preprocess(emptyToUndefined, z.string().optional())
  .transform((raw, ctx) => {
    if (raw === undefined) return undefined;
    const shape = z.object({
      project_id: z.string().min(1),
      client_email: z.string().min(1),
      private_key: z.string().min(1),
    });
    let parsed: z.infer<typeof shape> | undefined;
    try {
      parsed = shape.safeParse(JSON.parse(raw)).data;
    } catch {
      parsed = undefined;
    }
    if (!parsed) {
      // Never echo the value: it holds a private key.
      ctx.addIssue({
        code: 'custom',
        message: 'must be service-account JSON with project_id, client_email and private_key',
      });
      return z.NEVER;
    }
    return { projectId: parsed.project_id, clientEmail: parsed.client_email, privateKey: parsed.private_key };
  });
