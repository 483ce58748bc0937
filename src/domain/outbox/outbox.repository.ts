import type { Transaction } from '../../core/db.types.js';
import type { DomainEvent } from '../../core/events.js';
import { outboxEvents } from './outbox.models.js';

/** Records events inside the caller's transaction: they exist exactly when the change they describe commits. */
export async function insertOutboxEvents(tx: Transaction, events: DomainEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  const rows = await tx
    .insert(outboxEvents)
    .values(
      events.map((e) => ({
        eventType: e.type,
        aggregateType: e.aggregateType,
        aggregateId: e.aggregateId,
        payload: e.payload,
      })),
    )
    .returning({ id: outboxEvents.id });
  return rows.map((r) => r.id);
}
