import { type FormObject, obj, str } from './form.js';
import {
  badRequest,
  type FakeAccount,
  type FakeCharge,
  type FakePaymentIntent,
  type FakeRefund,
  FakeStripeError,
  newId,
  notFound,
  nowSeconds,
} from './objects.js';

export interface FakeEvent {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  data: { object: unknown };
  livemode: boolean;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
  account?: string;
}

const int = (v: string | undefined, param: string): number => {
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n) || n < 0)
    throw badRequest(`Invalid integer: ${v}`, 'parameter_invalid_integer', param);
  return n;
};

/**
 * Stripe's behaviour for the calls Iris makes, in memory: Express accounts and onboarding, manual-capture
 * PaymentIntents with destination charges, captures (partial), cancels, refunds (never past what was captured),
 * and the events each change produces. `emit` is called with every event (the server signs and sends them).
 */
export class FakeStripeState {
  readonly accounts = new Map<string, FakeAccount>();
  readonly intents = new Map<string, FakePaymentIntent>();
  readonly charges = new Map<string, FakeCharge>();
  readonly events: FakeEvent[] = [];

  constructor(
    private readonly emit: (event: FakeEvent) => void,
    private readonly baseUrl: () => string,
  ) {}

  event(type: string, object: unknown, account?: string): FakeEvent {
    const event: FakeEvent = {
      id: newId('evt'),
      object: 'event',
      api_version: '2025-01-01',
      created: nowSeconds(),
      data: { object: structuredClone(object) },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
      ...(account ? { account } : {}),
    };
    this.events.push(event);
    this.emit(event);
    return event;
  }

  createAccount(p: FormObject): FakeAccount {
    if (str(p.type) !== 'express')
      throw badRequest('Only express accounts are supported here', 'parameter_invalid', 'type');
    const account: FakeAccount = {
      id: newId('acct'),
      object: 'account',
      type: 'express',
      country: str(p.country) ?? 'SE',
      default_currency: str(p.default_currency) ?? 'sek',
      charges_enabled: false,
      payouts_enabled: false,
      details_submitted: false,
      requirements: {
        currently_due: ['external_account', 'tos_acceptance.date'],
        disabled_reason: 'requirements.past_due',
      },
      capabilities: { card_payments: 'inactive', transfers: 'inactive' },
      metadata: obj(p.metadata) as Record<string, string>,
      livemode: false,
      created: nowSeconds(),
    };
    this.accounts.set(account.id, account);
    return account;
  }

  account(id: string): FakeAccount {
    const account = this.accounts.get(id);
    if (!account) throw notFound('account', id);
    return account;
  }

  accountLink(p: FormObject) {
    const account = this.account(str(p.account) ?? '');
    if (!str(p.return_url) || !str(p.refresh_url))
      throw badRequest('return_url and refresh_url are required');
    return {
      object: 'account_link',
      created: nowSeconds(),
      expires_at: nowSeconds() + 300,
      url: `${this.baseUrl()}/_fake/onboarding/${account.id}`,
    };
  }

  /** What finishing the hosted onboarding does: charges and payouts enabled, nothing due; `account.updated`. */
  completeOnboarding(accountId: string, enabled = true): FakeAccount {
    const account = this.account(accountId);
    Object.assign(account, {
      charges_enabled: enabled,
      payouts_enabled: enabled,
      details_submitted: true,
      requirements: enabled
        ? { currently_due: [], disabled_reason: null }
        : { currently_due: ['individual.verification.document'], disabled_reason: 'requirements.past_due' },
      capabilities: {
        card_payments: enabled ? 'active' : 'inactive',
        transfers: enabled ? 'active' : 'inactive',
      },
    });
    this.event('account.updated', account, account.id);
    return account;
  }

  createIntent(p: FormObject): FakePaymentIntent {
    const amount = int(str(p.amount), 'amount');
    if (amount < 300) throw badRequest('Amount must be at least 3,00 kr', 'amount_too_small', 'amount');
    const destination = str(obj(p.transfer_data).destination);
    if (destination) {
      const account = this.account(destination);
      if (!account.charges_enabled)
        throw badRequest(
          `The destination account ${destination} cannot receive charges`,
          'insufficient_capabilities_for_transfer',
        );
    }
    const fee =
      str(p.application_fee_amount) === undefined
        ? null
        : int(str(p.application_fee_amount), 'application_fee_amount');
    if (fee !== null && fee > amount)
      throw badRequest(
        'application_fee_amount exceeds amount',
        'parameter_invalid',
        'application_fee_amount',
      );
    const id = newId('pi');
    const intent: FakePaymentIntent = {
      id,
      object: 'payment_intent',
      amount,
      amount_capturable: 0,
      amount_received: 0,
      application_fee_amount: fee,
      capture_method: str(p.capture_method) === 'manual' ? 'manual' : 'automatic',
      cancellation_reason: null,
      client_secret: `${id}_secret_${newId('s').slice(2, 18)}`,
      currency: str(p.currency) ?? 'sek',
      last_payment_error: null,
      latest_charge: null,
      metadata: obj(p.metadata) as Record<string, string>,
      status: 'requires_payment_method',
      transfer_data: destination ? { destination } : null,
      livemode: false,
      created: nowSeconds(),
    };
    this.intents.set(id, intent);
    this.event('payment_intent.created', intent);
    return intent;
  }

  intent(id: string): FakePaymentIntent {
    const intent = this.intents.get(id);
    if (!intent) throw notFound('payment_intent', id);
    return intent;
  }

  /** The customer's confirmation (Stripe.js): `pm_card_visa` authorises, `pm_card_chargeDeclined` declines. */
  confirm(id: string, p: FormObject): FakePaymentIntent {
    const intent = this.intent(id);
    if (intent.status !== 'requires_payment_method' && intent.status !== 'requires_confirmation')
      throw badRequest(`This PaymentIntent's status is ${intent.status}`, 'payment_intent_unexpected_state');
    const method = str(p.payment_method) ?? 'pm_card_visa';
    if (method === 'pm_card_chargeDeclined') {
      intent.status = 'requires_payment_method';
      intent.last_payment_error = {
        type: 'card_error',
        code: 'card_declined',
        decline_code: 'generic_decline',
        message: 'Your card was declined.',
      };
      this.event('payment_intent.payment_failed', intent);
      throw new FakeStripeError(402, {
        type: 'card_error',
        code: 'card_declined',
        decline_code: 'generic_decline',
        message: 'Your card was declined.',
      });
    }
    const charge: FakeCharge = {
      id: newId('ch'),
      object: 'charge',
      amount: intent.amount,
      amount_captured: 0,
      amount_refunded: 0,
      captured: false,
      refunded: false,
      currency: intent.currency,
      payment_intent: intent.id,
      refunds: { object: 'list', data: [], has_more: false, url: '/v1/refunds' },
      livemode: false,
      created: nowSeconds(),
    };
    this.charges.set(charge.id, charge);
    Object.assign(intent, {
      status: 'requires_capture',
      amount_capturable: intent.amount,
      latest_charge: charge.id,
      last_payment_error: null,
    });
    this.event('payment_intent.amount_capturable_updated', intent);
    return intent;
  }

  capture(id: string, p: FormObject): FakePaymentIntent {
    const intent = this.intent(id);
    if (intent.status !== 'requires_capture')
      throw badRequest(
        `This PaymentIntent could not be captured because it has a status of ${intent.status}.`,
        'payment_intent_unexpected_state',
      );
    const amount =
      str(p.amount_to_capture) === undefined
        ? intent.amount_capturable
        : int(str(p.amount_to_capture), 'amount_to_capture');
    if (amount > intent.amount_capturable)
      throw badRequest(
        'amount_to_capture exceeds amount_capturable',
        'amount_too_large',
        'amount_to_capture',
      );
    if (str(p.application_fee_amount) !== undefined)
      intent.application_fee_amount = int(str(p.application_fee_amount), 'application_fee_amount');
    const charge = this.charges.get(intent.latest_charge ?? '');
    if (charge) Object.assign(charge, { amount_captured: amount, captured: true });
    Object.assign(intent, { status: 'succeeded', amount_received: amount, amount_capturable: 0 });
    this.event('payment_intent.succeeded', intent);
    return intent;
  }

  cancel(
    id: string,
    p: FormObject,
    reason = str(p.cancellation_reason) ?? 'requested_by_customer',
  ): FakePaymentIntent {
    const intent = this.intent(id);
    if (intent.status === 'succeeded' || intent.status === 'canceled')
      throw badRequest(
        `You cannot cancel this PaymentIntent because it has a status of ${intent.status}.`,
        'payment_intent_unexpected_state',
      );
    Object.assign(intent, { status: 'canceled', cancellation_reason: reason, amount_capturable: 0 });
    this.event('payment_intent.canceled', intent);
    return intent;
  }

  /** Stripe cancels an uncaptured authorisation after seven days: `cancellation_reason: automatic`. */
  expire(id: string): FakePaymentIntent {
    return this.cancel(id, {}, 'automatic');
  }

  refund(p: FormObject): FakeRefund {
    const intent = this.intent(str(p.payment_intent) ?? '');
    const charge = this.charges.get(intent.latest_charge ?? '');
    if (intent.status !== 'succeeded' || !charge)
      throw badRequest('This PaymentIntent has no captured charge to refund', 'charge_not_refundable');
    const left = charge.amount_captured - charge.amount_refunded;
    const amount = str(p.amount) === undefined ? left : int(str(p.amount), 'amount');
    if (left === 0)
      throw badRequest(`Charge ${charge.id} has already been refunded.`, 'charge_already_refunded');
    if (amount > left || amount === 0)
      throw badRequest(
        `Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`,
        'amount_too_large',
        'amount',
      );
    const refund: FakeRefund = {
      id: newId('re'),
      object: 'refund',
      amount,
      charge: charge.id,
      payment_intent: intent.id,
      currency: charge.currency,
      status: 'succeeded',
      reason: str(p.reason) ?? null,
      metadata: obj(p.metadata) as Record<string, string>,
      created: nowSeconds(),
    };
    charge.refunds.data.unshift(refund);
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount_captured;
    this.event('charge.refunded', charge);
    return refund;
  }

  dispute(intentId: string, reason = 'fraudulent') {
    const intent = this.intent(intentId);
    const dispute = {
      id: newId('dp'),
      object: 'dispute',
      amount: intent.amount_received,
      charge: intent.latest_charge,
      payment_intent: intent.id,
      currency: intent.currency,
      reason,
      status: 'needs_response',
      created: nowSeconds(),
    };
    return this.event('charge.dispute.created', dispute);
  }

  payout(accountId: string, amount: number, status: 'paid' | 'failed') {
    this.account(accountId);
    const payout = {
      id: newId('po'),
      object: 'payout',
      amount,
      currency: 'sek',
      arrival_date: nowSeconds() + 86_400,
      status,
      failure_code: status === 'failed' ? 'account_closed' : null,
      created: nowSeconds(),
    };
    return this.event(`payout.${status}`, payout, accountId);
  }
}
