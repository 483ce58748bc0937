import { customType } from 'drizzle-orm/pg-core';

/** Case-insensitive text (citext extension), for e-mail addresses. */
export const citext = customType<{ data: string }>({ dataType: () => 'citext' });

/** PostgreSQL full-text document. */
export const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
