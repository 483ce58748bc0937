import type { UserContext } from '../../core/context.js';
import type { Database, Executor, Transaction } from '../../core/db.types.js';
import { DomainError } from '../../core/errors.js';
import { recordAudit } from '../audit/audit.service.js';
import { findLiveOrg, findMembership } from '../organisations/organisations.repository.js';
import type { PaymentAccountRow } from './payments.models.js';
import { paymentToDto, refundToDto, summaryOf } from './payments.apply.js';
import * as e from './payments.errors.js';
import type { PaymentMethod } from './payments.events.js';
import * as repo from './payments.repository.js';
import type { AccountDto, PaymentDto, RefundDto } from './payments.schemas.js';
import type { PaymentSync } from './payments.sync.js';
import { StripeCallError, type StripeGateway } from './stripe.gateway.js';

export interface PaymentServiceDeps {
  db: Database;
  stripe: StripeGateway;
  sync: PaymentSync;
  platformFeeBp: number;
  /** How long placement waits for the PaymentIntent before answering with payment `pending`. */
  placementTimeoutMs: number;
  /** Where Stripe sends the supplier back after (or to restart) onboarding, unless the request names one. */
  onboardingReturnUrl: string;
  now?: () => Date;
}

/**
 * Stripe Connect for suppliers (spec §3, §4): Express onboarding, account state, the card payment of an order
 * (created with the order, driven by `payments.sync`), refunds, payouts. Stripe is called outside transactions.
 */
export function createPaymentService(deps: PaymentServiceDeps) {
  const { db, stripe } = deps;
  const now = deps.now ?? (() => new Date());

  const accountToDto = (a: PaymentAccountRow): AccountDto => ({
    supplier_id: a.supplierId,
    stripe_account_id: a.stripeAccountId,
    charges_enabled: a.chargesEnabled,
    payouts_enabled: a.payoutsEnabled,
    details_submitted: a.detailsSubmitted,
    requirements: a.requirements,
    fee_bp: a.feeBp ?? deps.platformFeeBp,
    fee_bp_override: a.feeBp,
  });

  /** Supplier members (owners when `ownerOnly`) and admins; anyone else sees a 404 for another's supplier. */
  async function checkSupplier(ctx: UserContext, supplierId: string, ownerOnly: boolean): Promise<void> {
    if (!(await findLiveOrg(db, 'supplier', supplierId)))
      throw new DomainError('SUPPLIER_NOT_FOUND', `Supplier ${supplierId} not found`);
    if (ctx.principal.role === 'ADMIN') return;
    const membership =
      ctx.principal.role === 'SUPPLIER'
        ? await findMembership(db, 'supplier', ctx.principal.accountId, supplierId)
        : undefined;
    if (!membership) throw new DomainError('SUPPLIER_NOT_FOUND', `Supplier ${supplierId} not found`);
    if (ownerOnly && membership.memberRole !== 'owner')
      throw new DomainError('FORBIDDEN', 'Only an owner of the supplier may do this');
  }

  async function orderParty(ctx: UserContext, orderId: string) {
    const order = await repo.orderState(db, orderId);
    const notFound = new DomainError('ORDER_NOT_FOUND', `Order ${orderId} not found`);
    if (!order) throw notFound;
    if (ctx.principal.role === 'ADMIN') return { order, party: 'admin' as const, owner: true };
    const kind = ctx.principal.role === 'SUPPLIER' ? 'supplier' : 'restaurant';
    const membership = await findMembership(
      db,
      kind,
      ctx.principal.accountId,
      kind === 'supplier' ? order.supplierId : order.restaurantId,
    );
    if (!membership) throw notFound;
    return { order, party: kind, owner: membership.memberRole === 'owner' };
  }

  const stripeFailure = (err: unknown): never => {
    if (err instanceof StripeCallError) throw e.processingError(err.message);
    throw err;
  };

  return {
    /** Creates the supplier's Express account once (idempotent at Stripe and here) and a fresh onboarding link. */
    async onboard(ctx: UserContext, supplierId: string, returnUrl: string | undefined) {
      await checkSupplier(ctx, supplierId, true);
      if (!stripe.enabled) throw e.paymentsOff();
      let account = await repo.findAccount(db, supplierId);
      if (!account) {
        const created = await stripe.createAccount(supplierId).catch(stripeFailure);
        await repo.insertAccount(db, {
          supplierId,
          stripeAccountId: created.id,
          chargesEnabled: created.charges_enabled,
          payoutsEnabled: created.payouts_enabled,
          detailsSubmitted: created.details_submitted,
          requirements: {
            currently_due: created.requirements?.currently_due ?? [],
            disabled_reason: created.requirements?.disabled_reason ?? null,
          },
        });
        account = await repo.findAccount(db, supplierId);
        if (!account) throw new Error('payment account vanished after insert');
        await db.transaction((tx) =>
          recordAudit(tx, ctx, {
            action: 'payments.onboard',
            resourceType: 'supplier',
            resourceId: supplierId,
            details: { stripe_account_id: account?.stripeAccountId ?? null },
          }),
        );
      }
      const link = await stripe
        .createAccountLink(supplierId, account.stripeAccountId, returnUrl ?? deps.onboardingReturnUrl, now())
        .catch(stripeFailure);
      return {
        ...accountToDto(account),
        onboarding_url: link.url,
        expires_at: new Date(link.expires_at * 1000).toISOString(),
      };
    },

    async account(ctx: UserContext, supplierId: string): Promise<AccountDto> {
      await checkSupplier(ctx, supplierId, false);
      const account = await repo.findAccount(db, supplierId);
      if (!account) throw e.accountNotFound(supplierId);
      return accountToDto(account);
    },

    async setFee(ctx: UserContext, supplierId: string, feeBp: number | null): Promise<AccountDto> {
      await checkSupplier(ctx, supplierId, false);
      if (!(await repo.setFeeBp(db, supplierId, feeBp))) throw e.accountNotFound(supplierId);
      await db.transaction((tx) =>
        recordAudit(tx, ctx, {
          action: 'payments.set_fee',
          resourceType: 'supplier',
          resourceId: supplierId,
          details: { fee_bp: feeBp },
        }),
      );
      return this.account(ctx, supplierId);
    },

    async payouts(ctx: UserContext, supplierId: string) {
      await checkSupplier(ctx, supplierId, false);
      const [rows, totals] = await Promise.all([
        repo.payoutsOf(db, supplierId, 200),
        repo.supplierTotals(db, supplierId),
      ]);
      return {
        payouts: rows.map((p) => ({
          id: p.id,
          stripe_payout_id: p.stripePayoutId,
          amount_cents: p.amountCents,
          currency: p.currency,
          status: p.status,
          arrival_date: p.arrivalDate?.toISOString() ?? null,
          failure_code: p.failureCode,
          updated_at: p.updatedAt.toISOString(),
        })),
        captured_cents: totals.captured,
        application_fees_cents: totals.fees,
        refunded_cents: totals.refunded,
      };
    },

    async payment(ctx: UserContext, orderId: string): Promise<PaymentDto> {
      await orderParty(ctx, orderId);
      const payment = await repo.findPayment(db, orderId);
      if (!payment) throw e.paymentNotFound(orderId);
      return paymentToDto(payment, await repo.refundsOf(db, payment.id));
    },

    /** Supplier owners and admins; never more in total than was captured (pending refunds count). */
    async refund(
      ctx: UserContext,
      orderId: string,
      input: { amount_cents: number; reason: string },
    ): Promise<RefundDto> {
      const { party, owner } = await orderParty(ctx, orderId);
      if (party === 'restaurant' || (party === 'supplier' && !owner))
        throw new DomainError('FORBIDDEN', 'Refunds are made by an owner of the supplier or an admin');
      if (!stripe.enabled) throw e.paymentsOff();
      const refund = await db.transaction(async (tx) => {
        const payment = await repo.lockPayment(tx, orderId);
        if (!payment) throw e.paymentNotFound(orderId);
        if (payment.status !== 'captured' && payment.status !== 'partially_refunded')
          throw e.refundNotAllowed(payment.status);
        const reserved = (await repo.refundsOf(tx, payment.id))
          .filter((r) => r.status === 'pending')
          .reduce((sum, r) => sum + r.amountCents, 0);
        const refundable = payment.capturedCents - payment.refundedCents - reserved;
        if (input.amount_cents > refundable) throw e.refundExceedsCaptured(input.amount_cents, refundable);
        const row = await repo.insertRefund(tx, {
          paymentId: payment.id,
          orderId,
          amountCents: input.amount_cents,
          reason: input.reason,
          requestedBy: ctx.principal.accountId,
        });
        await recordAudit(tx, ctx, {
          action: 'payments.refund',
          resourceType: 'order',
          resourceId: orderId,
          details: { refund_id: row.id, amount_cents: input.amount_cents },
        });
        return row;
      });
      return refundToDto(await deps.sync.executeRefund(refund));
    },

    sync: (orderId: string) => deps.sync.sync(orderId),
    reconcile: () => deps.sync.reconcile(),

    /** Orders hook, inside placement's transaction: refuses card unless the supplier can take it, then records the payment. */
    async cardPlacement(
      tx: Transaction,
      order: { id: string; supplierId: string; currency: string; totalCents: number },
    ): Promise<void> {
      if (!stripe.enabled) throw e.paymentsOff();
      const account = await repo.findAccount(tx, order.supplierId);
      if (!account?.chargesEnabled) throw e.cardUnavailable('the supplier does not accept card payments yet');
      if (order.currency !== 'SEK')
        throw e.cardUnavailable(`card payments are in SEK, the order is in ${order.currency}`);
      if (order.totalCents < 300) throw e.cardUnavailable('card payments start at 3,00 kr');
      await repo.insertPayment(tx, {
        orderId: order.id,
        supplierId: order.supplierId,
        currency: order.currency,
        amountCents: order.totalCents,
        feeBp: account.feeBp ?? deps.platformFeeBp,
        destinationAccountId: account.stripeAccountId,
      });
    },

    /** Orders hook, after placement commits: the answer of a card order gets its intent's client_secret. */
    async afterPlacement(body: string): Promise<string> {
      const order = JSON.parse(body) as { id: string; payment_method: PaymentMethod; payment: unknown };
      if (order.payment_method !== 'card') return body;
      const payment = await deps.sync.createIntentNow(order.id, deps.placementTimeoutMs);
      return payment ? JSON.stringify({ ...order, payment: summaryOf(payment) }) : body;
    },

    /** Orders hook: the payment summaries of some orders (card orders only). */
    async summaries(ex: Executor, orders: { id: string; paymentMethod: PaymentMethod }[]) {
      const rows = await repo.paymentsOfOrders(
        ex,
        orders.filter((o) => o.paymentMethod === 'card').map((o) => o.id),
      );
      return new Map(rows.map((p) => [p.orderId, summaryOf(p)]));
    },
  };
}

export type PaymentService = ReturnType<typeof createPaymentService>;
