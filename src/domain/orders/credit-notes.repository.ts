import { and, asc, count, eq, inArray, isNull } from 'drizzle-orm';
import type { Executor, Transaction } from '../../core/db.types.js';
import type { Page } from '../../core/pagination.js';
import type { NewCreditLine } from './credit-notes.js';
import { type CreditNoteLineRow, creditNoteLines, type CreditNoteRow, creditNotes } from './orders.models.js';

/** Every line credited so far against an order's invoice; the caller holds the order's row lock. */
export async function creditedLinesOf(tx: Transaction, orderId: string): Promise<CreditNoteLineRow[]> {
  return tx
    .select({ line: creditNoteLines })
    .from(creditNoteLines)
    .innerJoin(creditNotes, eq(creditNotes.id, creditNoteLines.creditNoteId))
    .where(and(eq(creditNotes.orderId, orderId), isNull(creditNotes.deletedAt)))
    .orderBy(asc(creditNotes.serial), asc(creditNoteLines.lineNo))
    .then((rows) => rows.map((r) => r.line));
}

export async function insertCreditNote(
  tx: Transaction,
  note: Omit<typeof creditNotes.$inferInsert, 'serial'>,
  lines: NewCreditLine[],
): Promise<{ note: CreditNoteRow; lines: CreditNoteLineRow[] }> {
  const [row] = await tx.insert(creditNotes).values(note).returning();
  if (!row) throw new Error('credit note insert returned no row');
  const written = await tx
    .insert(creditNoteLines)
    .values(lines.map((l) => ({ ...l, creditNoteId: row.id })))
    .returning();
  return { note: row, lines: written.sort((a, b) => a.lineNo - b.lineNo) };
}

export async function findCreditNote(ex: Executor, id: string): Promise<CreditNoteRow | undefined> {
  const [row] = await ex
    .select()
    .from(creditNotes)
    .where(and(eq(creditNotes.id, id), isNull(creditNotes.deletedAt)));
  return row;
}

export async function creditNotesOf(
  ex: Executor,
  orderId: string,
  page: Page,
): Promise<{ rows: CreditNoteRow[]; total: number }> {
  const where = and(eq(creditNotes.orderId, orderId), isNull(creditNotes.deletedAt));
  const rows = await ex
    .select()
    .from(creditNotes)
    .where(where)
    .orderBy(asc(creditNotes.serial))
    .limit(page.limit)
    .offset(page.offset);
  const [total] = await ex.select({ n: count() }).from(creditNotes).where(where);
  return { rows, total: total?.n ?? 0 };
}

export async function linesOfCreditNotes(ex: Executor, ids: string[]): Promise<CreditNoteLineRow[]> {
  if (ids.length === 0) return [];
  return ex
    .select()
    .from(creditNoteLines)
    .where(inArray(creditNoteLines.creditNoteId, ids))
    .orderBy(asc(creditNoteLines.creditNoteId), asc(creditNoteLines.lineNo));
}
