import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { citext } from '@electric-sql/pglite/contrib/citext';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';

/** The embedded PostgreSQL (PGlite) with the extensions the migrations use; in memory when `dir` is undefined. */
export function createPglite(dir: string | undefined): Promise<PGlite> {
  if (dir) mkdirSync(dir, { recursive: true });
  // PGlite loads extensions only when they are passed at creation.
  const extensions = { citext, pg_trgm, pgcrypto, unaccent };
  return PGlite.create(dir ? { dataDir: dir, extensions } : { extensions });
}
