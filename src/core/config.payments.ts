import { z } from 'zod';
import { emptyToUndefined, int } from './config.fields.js';

/** Stripe Connect settings (spec §3, §4), parsed with the rest of the environment in config.ts. */
export const paymentsEnv = {
  /** `fake`: the in-repo fake Stripe (development default); `stripe`: api.stripe.com; `none`: invoices only. */
  PAYMENTS_PROVIDER: z.preprocess(emptyToUndefined, z.enum(['fake', 'stripe', 'none']).default('fake')),
  STRIPE_SECRET_KEY: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/, 'must be a Stripe secret key (sk_test_…, sk_live_…)')
      .optional(),
  ),
  STRIPE_WEBHOOK_SECRET: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^whsec_[A-Za-z0-9_]+$/, 'must be a webhook signing secret (whsec_…)')
      .optional(),
  ),
  STRIPE_API_BASE: z.preprocess(
    emptyToUndefined,
    z
      .url()
      .regex(/^https?:\/\/[^/]+\/?$/, 'must be a plain scheme://host[:port] address')
      .optional(),
  ),
  STRIPE_TIMEOUT_MS: int(10_000, 100, 80_000),
  STRIPE_PLACEMENT_TIMEOUT_MS: int(3_000, 100, 80_000),
  FAKE_STRIPE_PORT: int(12111, 0, 65535),
  PAYMENTS_PLATFORM_FEE_BP: int(500, 0, 10_000),
  PAYMENTS_ONBOARDING_RETURN_URL: z.preprocess(
    emptyToUndefined,
    z.url({ protocol: /^https?$/ }).default('http://localhost:3000/supplier/payments'),
  ),
};

type PaymentsEnv = z.infer<ReturnType<typeof z.object<typeof paymentsEnv>>>;

export interface PaymentsConfig {
  /** `fake`: the fake Stripe runs inside the API (embedded demo); `stripe`: the real API; `none`: no card payments. */
  provider: PaymentsEnv['PAYMENTS_PROVIDER'];
  secretKey: string | undefined;
  webhookSecret: string | undefined;
  /** Where the Stripe SDK sends requests; undefined is api.stripe.com. */
  apiBase: { host: string; port: number; protocol: 'http' | 'https' } | undefined;
  /** Whether events must be live-mode ones (a live key); test-mode events are ignored then, and vice versa. */
  livemode: boolean;
  timeoutMs: number;
  /** How long placement waits for the PaymentIntent before answering without it (the job creates it then). */
  placementTimeoutMs: number;
  fakePort: number;
  platformFeeBp: number;
  onboardingReturnUrl: string;
}

/**
 * The payment settings and their cross-field rules. `fail` throws the caller's configuration error; production
 * takes a real or no provider, never the fake, and a live key is refused anywhere else.
 */
export function paymentsConfig(
  e: PaymentsEnv,
  isProduction: boolean,
  fail: (variable: string, detail: string) => never,
): PaymentsConfig {
  const livemode = /^(sk|rk)_live_/.test(e.STRIPE_SECRET_KEY ?? '');
  if (livemode && !isProduction)
    fail('STRIPE_SECRET_KEY', 'is a live key; live keys are refused outside NODE_ENV=production');
  if (e.PAYMENTS_PROVIDER === 'stripe' && (!e.STRIPE_SECRET_KEY || !e.STRIPE_WEBHOOK_SECRET))
    fail(
      e.STRIPE_SECRET_KEY ? 'STRIPE_WEBHOOK_SECRET' : 'STRIPE_SECRET_KEY',
      'is required when PAYMENTS_PROVIDER=stripe',
    );
  if (isProduction && e.PAYMENTS_PROVIDER === 'fake')
    fail(
      'PAYMENTS_PROVIDER',
      'must be stripe (or none for invoice-only) when NODE_ENV=production; fake is a local demo',
    );
  if (isProduction && e.STRIPE_API_BASE)
    fail('STRIPE_API_BASE', 'must not be set when NODE_ENV=production (tests only)');
  const apiBase = e.STRIPE_API_BASE ? new URL(e.STRIPE_API_BASE) : undefined;
  return {
    provider: e.PAYMENTS_PROVIDER,
    secretKey: e.STRIPE_SECRET_KEY,
    webhookSecret: e.STRIPE_WEBHOOK_SECRET,
    apiBase: apiBase
      ? {
          host: apiBase.hostname,
          port: Number(apiBase.port || (apiBase.protocol === 'https:' ? 443 : 80)),
          protocol: apiBase.protocol === 'https:' ? 'https' : 'http',
        }
      : undefined,
    livemode,
    timeoutMs: e.STRIPE_TIMEOUT_MS,
    placementTimeoutMs: e.STRIPE_PLACEMENT_TIMEOUT_MS,
    fakePort: e.FAKE_STRIPE_PORT,
    platformFeeBp: e.PAYMENTS_PLATFORM_FEE_BP,
    onboardingReturnUrl: e.PAYMENTS_ONBOARDING_RETURN_URL,
  };
}
