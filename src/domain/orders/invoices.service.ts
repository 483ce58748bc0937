import type { UserContext } from '../../core/context.js';
import type { Database, Executor } from '../../core/db.types.js';
import { type Paginated, toPage } from '../../core/pagination.js';
import { recordAudit } from '../audit/audit.service.js';
import {
  type IdempotencyService,
  type StoredResponse,
  keyedPost,
} from '../idempotency/idempotency.service.js';
import { findRestaurant, findSupplier } from '../organisations/organisations.repository.js';
import { insertOutboxEvents } from '../outbox/outbox.repository.js';
import { computeCredit } from './credit-notes.js';
import * as credits from './credit-notes.repository.js';
import { buildCreditNote, buildInvoice, buildReceipt, frozenInvoice } from './documents.js';
import { partyOf, visibleOrder } from './order-access.js';
import * as e from './orders.errors.js';
import type { CreditNoteRow, OrderRow } from './orders.models.js';
import * as repo from './orders.repository.js';
import type { CreditNoteCreate, CreditNoteDto, InvoiceDto, ReceiptDto } from './orders.schemas.js';
import { creditNoteUbl, invoiceUbl } from './ubl.js';
import { stockholmDate } from './vat.js';

export interface InvoiceServiceDeps {
  db: Database;
  idempotency: IdempotencyService;
  /** Called after a credit note commits, to publish its outbox event promptly. */
  afterCommit?: () => void;
  /** The clock a credit note's issue date is read from. */
  now?: () => Date;
}

/**
 * The documents of an order (spec §4): the receipt, our sales invoice — derived on request from what `deliver`
 * froze, as JSON or as a Peppol BIS 3 UBL invoice — and the credit notes that correct an invoice.
 */
export function createInvoiceService(deps: InvoiceServiceDeps) {
  const { db, idempotency } = deps;
  const now = deps.now ?? (() => new Date());

  function invoicedOrder(order: OrderRow) {
    const frozen = frozenInvoice(order);
    if (!frozen) throw e.invoiceNotAvailable(order.status);
    return frozen;
  }

  async function invoiceOf(ctx: UserContext, id: string): Promise<{ order: OrderRow; invoice: InvoiceDto }> {
    const order = await visibleOrder(db, ctx, id);
    return { order, invoice: buildInvoice(order, invoicedOrder(order), await repo.linesOf(db, id)) };
  }

  async function creditNoteDtos(
    ex: Executor,
    order: OrderRow,
    notes: CreditNoteRow[],
  ): Promise<CreditNoteDto[]> {
    const frozen = invoicedOrder(order);
    const lines = await credits.linesOfCreditNotes(
      ex,
      notes.map((n) => n.id),
    );
    return notes.map((n) =>
      buildCreditNote(
        order,
        frozen,
        n,
        lines.filter((l) => l.creditNoteId === n.id),
      ),
    );
  }

  async function visibleCreditNote(ctx: UserContext, id: string): Promise<CreditNoteDto> {
    const note = await credits.findCreditNote(db, id);
    if (!note) throw e.creditNoteNotFound(id);
    const order = await repo.findOrder(db, note.orderId);
    if (!order) throw e.creditNoteNotFound(id);
    await partyOf(db, ctx, order).catch(() => {
      throw e.creditNoteNotFound(id);
    });
    const [dto] = await creditNoteDtos(db, order, [note]);
    if (!dto) throw e.creditNoteNotFound(id);
    return dto;
  }

  return {
    async receipt(ctx: UserContext, id: string): Promise<ReceiptDto> {
      const order = await visibleOrder(db, ctx, id);
      const frozen = frozenInvoice(order);
      const [restaurant, supplier] = frozen
        ? [frozen.buyer, frozen.seller]
        : await Promise.all([findRestaurant(db, order.restaurantId), findSupplier(db, order.supplierId)]);
      return buildReceipt(
        order,
        await repo.linesOf(db, id),
        { restaurant: restaurant?.legalName ?? '', supplier: supplier?.legalName ?? '' },
        await repo.historyOf(db, id),
      );
    },

    /** Our sales invoice, derived only from what `deliver` froze on the order; parties' later edits never show. */
    invoice: async (ctx: UserContext, id: string): Promise<InvoiceDto> => (await invoiceOf(ctx, id)).invoice,

    /** The same invoice as a Peppol BIS Billing 3.0 UBL 2.1 document. */
    async invoiceXml(ctx: UserContext, id: string): Promise<string> {
      const { order, invoice } = await invoiceOf(ctx, id);
      return invoiceUbl(invoice, order.paymentMethod);
    },

    /**
     * Issues a credit note against a delivered order's invoice, under an Idempotency-Key: the seller (or an
     * admin) credits quantities of invoice lines, never more than is left. The order's row lock serialises the
     * credit notes of one invoice, so two at once cannot both take the last unit.
     */
    async issueCreditNote(
      ctx: UserContext,
      rawKey: string | string[] | undefined,
      path: string,
      orderId: string,
      input: CreditNoteCreate,
    ): Promise<StoredResponse> {
      const response = await idempotency.run(keyedPost(ctx, rawKey, path, input), (completion) =>
        db.transaction(async (tx) => {
          const order = await repo.lockOrder(tx, orderId);
          if (!order) throw e.orderNotFound(orderId);
          const party = await partyOf(tx, ctx, order);
          if (party === 'restaurant') throw e.creditForbidden();
          const frozen = invoicedOrder(order);
          const credit = computeCredit(
            await repo.linesOf(tx, orderId),
            await credits.creditedLinesOf(tx, orderId),
            input.lines,
          );
          const written = await credits.insertCreditNote(
            tx,
            {
              orderId,
              issueDate: stockholmDate(now()),
              reason: input.reason,
              currency: order.currency,
              subtotalCents: credit.subtotalCents,
              taxCents: credit.taxCents,
              totalCents: credit.totalCents,
              vat: credit.vat,
              issuedBy: ctx.principal.accountId,
            },
            credit.lines,
          );
          const dto = buildCreditNote(order, frozen, written.note, written.lines);
          await insertOutboxEvents(tx, [
            {
              type: 'order.credit_note_issued',
              aggregateType: 'order',
              aggregateId: orderId,
              payload: {
                order_id: orderId,
                credit_note_id: written.note.id,
                restaurant_id: order.restaurantId,
                supplier_id: order.supplierId,
                issued_by: ctx.principal.accountId,
                subtotal_cents: credit.subtotalCents,
                tax_cents: credit.taxCents,
                total_cents: credit.totalCents,
                currency: order.currency,
              },
            },
          ]);
          await recordAudit(tx, ctx, {
            action: 'invoice.credit',
            resourceType: 'credit_note',
            resourceId: written.note.id,
            details: {
              order_id: orderId,
              credit_note_number: dto.credit_note_number,
              invoice_number: dto.invoice_number,
              lines: credit.lines.map((l) => ({ invoice_line_no: l.invoiceLineNo, quantity: l.quantity })),
              total_cents: credit.totalCents,
            },
          });
          const body = JSON.stringify(dto);
          await completion.complete(tx, 201, body);
          return { status: 201, body, replayed: false };
        }),
      );
      if (!response.replayed && response.status === 201) deps.afterCommit?.();
      return response;
    },

    async creditNotes(
      ctx: UserContext,
      orderId: string,
      page: { limit: number; offset: number },
    ): Promise<Paginated<CreditNoteDto>> {
      const order = await visibleOrder(db, ctx, orderId);
      invoicedOrder(order);
      const { rows, total } = await credits.creditNotesOf(db, orderId, page);
      return toPage(await creditNoteDtos(db, order, rows), page, total);
    },

    creditNote: visibleCreditNote,

    /** A credit note as a Peppol BIS Billing 3.0 UBL 2.1 CreditNote. */
    creditNoteXml: async (ctx: UserContext, id: string): Promise<string> =>
      creditNoteUbl(await visibleCreditNote(ctx, id)),
  };
}

export type InvoiceService = ReturnType<typeof createInvoiceService>;
