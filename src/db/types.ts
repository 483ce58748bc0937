import { customType } from 'drizzle-orm/pg-core';

/** Case-insensitive text (citext extension), for e-mail addresses. */
export const citext = customType<{ data: string }>({ dataType: () => 'citext' });

/** PostgreSQL full-text document. */
export const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/** A 64-bit transaction id (never wraps around), as pg_current_xact_id() returns it; read as text. */
export const xid8 = customType<{ data: string }>({ dataType: () => 'xid8' });
