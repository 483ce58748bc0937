import Stripe from 'stripe';
import type { Config } from '../../core/config.js';
import type { PaymentMetrics } from '../../core/metrics.js';

/** The fake's fixed test credentials (src/dev/fake-stripe): a local demo, never a real account. */
export const FAKE_SECRET_KEY = 'sk_test_iris_fake_stripe';
export const FAKE_WEBHOOK_SECRET = 'whsec_iris_fake_stripe_local';

/** A Stripe failure, classified: `transient` ones (5xx, 429, timeouts) are retried with the same key. */
export class StripeCallError extends Error {
  constructor(
    readonly operation: string,
    readonly kind: 'declined' | 'rejected' | 'transient',
    message: string,
    readonly code: string | null,
  ) {
    super(`${operation}: ${message}`);
    this.name = 'StripeCallError';
  }
}

function classify(operation: string, err: unknown): StripeCallError {
  if (err instanceof Stripe.errors.StripeCardError)
    return new StripeCallError(operation, 'declined', err.message, err.decline_code);
  // The key was used before with other parameters (a 409, which the SDK reports as an API error): asking again
  // can only get the same answer, so it is final — unlike a 409 for a key still in flight.
  if (err instanceof Stripe.errors.StripeError && err.rawType === 'idempotency_error')
    return new StripeCallError(operation, 'rejected', err.message, 'idempotency_key_reused');
  if (
    err instanceof Stripe.errors.StripeConnectionError ||
    err instanceof Stripe.errors.StripeAPIError ||
    err instanceof Stripe.errors.StripeRateLimitError ||
    // In flight with the same key elsewhere: the other attempt decides; ask again later.
    (err instanceof Stripe.errors.StripeError && err.statusCode === 409)
  )
    return new StripeCallError(operation, 'transient', err.message, err.code ?? null);
  if (err instanceof Stripe.errors.StripeError)
    return new StripeCallError(operation, 'rejected', err.message, err.code ?? null);
  return new StripeCallError(operation, 'transient', err instanceof Error ? err.message : String(err), null);
}

/** Idempotency keys: the order (or supplier) id and the action, so a retry of one action is one effect. */
export const stripeKey = (...parts: (string | number)[]) => `iris:${parts.join(':')}`;

export interface IntentRequest {
  orderId: string;
  attempt: number;
  amountCents: number;
  feeCents: number;
  currency: string;
  destination: string;
}

/**
 * Every Stripe API call Iris makes, through the official SDK (pointed at the fake or at api.stripe.com), each
 * with its idempotency key, timed per operation, errors classified. The SDK's own retries are off: the jobs
 * retry, with the same key.
 */
export function createStripeGateway(config: Config, metrics: PaymentMetrics) {
  const p = config.payments;
  const fake = p.provider === 'fake';
  const base = fake ? { host: '127.0.0.1', port: p.fakePort, protocol: 'http' as const } : p.apiBase;
  // With PAYMENTS_PROVIDER=none there is no key and the client is never called; the SDK still wants one.
  const stripe = new Stripe(fake ? FAKE_SECRET_KEY : (p.secretKey ?? 'sk_test_payments_disabled'), {
    maxNetworkRetries: 0,
    timeout: p.timeoutMs,
    telemetry: false,
    ...(base ? { host: base.host, port: base.port, protocol: base.protocol } : {}),
  });
  const webhookSecret = fake ? FAKE_WEBHOOK_SECRET : (p.webhookSecret ?? '');
  const enabled = p.provider !== 'none';

  async function call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    // PAYMENTS_PROVIDER=none: the services refuse card work before this; a call that slips through is rejected.
    if (!enabled)
      throw new StripeCallError(
        operation,
        'rejected',
        'card payments are not configured',
        'payments_disabled',
      );
    const stop = metrics.stripeRequest.startTimer({ operation });
    try {
      const result = await run();
      stop({ outcome: 'ok' });
      return result;
    } catch (err) {
      const classified = classify(operation, err);
      stop({ outcome: classified.kind === 'declined' ? 'declined' : 'error' });
      throw classified;
    }
  }

  return {
    livemode: p.livemode,
    /** False with PAYMENTS_PROVIDER=none (invoice-only): no account, intent, refund or webhook is accepted. */
    enabled,

    createAccount: (supplierId: string) =>
      call('accounts.create', () =>
        stripe.accounts.create(
          {
            type: 'express',
            country: 'SE',
            default_currency: 'sek',
            capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
            metadata: { supplier_id: supplierId },
          },
          { idempotencyKey: stripeKey('supplier', supplierId, 'create_account') },
        ),
      ),

    retrieveAccount: (accountId: string) =>
      call('accounts.retrieve', () => stripe.accounts.retrieve(accountId)),

    /** Links are single-use and short-lived, so each request gets its own (keyed by the minute it is asked in). */
    createAccountLink: (supplierId: string, accountId: string, returnUrl: string, at: Date) =>
      call('account_links.create', () =>
        stripe.accountLinks.create(
          { account: accountId, type: 'account_onboarding', return_url: returnUrl, refresh_url: returnUrl },
          {
            idempotencyKey: stripeKey(
              'supplier',
              supplierId,
              'account_link',
              Math.floor(at.getTime() / 60_000),
            ),
          },
        ),
      ),

    /** `timeoutMs`: placement waits less than a job would (the job creates the intent if this one gives up). */
    createIntent: (r: IntentRequest, timeoutMs?: number) =>
      call('payment_intents.create', () =>
        stripe.paymentIntents.create(
          {
            amount: r.amountCents,
            currency: r.currency.toLowerCase(),
            capture_method: 'manual',
            transfer_data: { destination: r.destination },
            application_fee_amount: r.feeCents,
            metadata: { order_id: r.orderId, attempt: String(r.attempt) },
          },
          {
            idempotencyKey: stripeKey('order', r.orderId, 'create_intent', r.attempt),
            ...(timeoutMs === undefined ? {} : { timeout: timeoutMs }),
          },
        ),
      ),

    capture: (orderId: string, intentId: string, amountCents: number, feeCents: number) =>
      call('payment_intents.capture', () =>
        stripe.paymentIntents.capture(
          intentId,
          { amount_to_capture: amountCents, application_fee_amount: feeCents },
          { idempotencyKey: stripeKey('order', orderId, 'capture') },
        ),
      ),

    cancel: (orderId: string, attempt: number, intentId: string) =>
      call('payment_intents.cancel', () =>
        stripe.paymentIntents.cancel(
          intentId,
          { cancellation_reason: 'requested_by_customer' },
          { idempotencyKey: stripeKey('order', orderId, 'cancel', attempt) },
        ),
      ),

    refund: (orderId: string, refundId: string, intentId: string, amountCents: number) =>
      call('refunds.create', () =>
        stripe.refunds.create(
          {
            payment_intent: intentId,
            amount: amountCents,
            reverse_transfer: true,
            refund_application_fee: true,
            metadata: { order_id: orderId, refund_id: refundId },
          },
          { idempotencyKey: stripeKey('order', orderId, 'refund', refundId) },
        ),
      ),

    /** Verifies `Stripe-Signature` over the raw body (300 s tolerance); throws on a bad or missing one. */
    constructEvent: (raw: Buffer, signature: string): Stripe.Event => {
      if (!enabled) throw new Error('no webhook endpoint is configured (PAYMENTS_PROVIDER=none)');
      return stripe.webhooks.constructEvent(raw, signature, webhookSecret, 300);
    },
  };
}

export type StripeGateway = ReturnType<typeof createStripeGateway>;
export type { Stripe };
