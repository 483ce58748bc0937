import { sql } from 'drizzle-orm';
import type { Executor } from '../../core/db.types.js';
import { queryRows as rows } from '../../db/rows.js';

/** Catalog queries over the live database (pg_catalog / information_schema), never the source files. */

export function passwordLikeColumns(ex: Executor) {
  return rows<{ table_name: string; column_name: string }>(
    ex,
    sql`SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = current_schema()
          AND column_name ~* '(password|passwd|pwd|passphrase|pass_hash|pw_hash)'`,
  );
}

export function naiveTimestampColumns(ex: Executor) {
  return rows<{ table_name: string; column_name: string }>(
    ex,
    sql`SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND data_type IN ('timestamp without time zone', 'time without time zone')`,
  );
}

/** created_at / updated_at columns that lack a now() default (server_default=now() in the spec). */
export function auditTimestampsWithoutNowDefault(ex: Executor) {
  return rows<{ table_name: string; column_name: string }>(
    ex,
    sql`SELECT c.table_name, c.column_name FROM information_schema.columns c
        JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
          AND c.column_name IN ('created_at', 'updated_at')
          AND (c.column_default IS NULL OR c.column_default !~* '^(now\\(\\)|CURRENT_TIMESTAMP|transaction_timestamp\\(\\))')`,
  );
}

/** Application tables that lack a created_at column altogether. */
export function tablesWithoutCreatedAt(ex: Executor) {
  return rows<{ table_name: string }>(
    ex,
    sql`SELECT t.table_name FROM information_schema.tables t
        WHERE t.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
          AND t.table_name <> 'iris_schema_migrations'
          AND NOT EXISTS (SELECT 1 FROM information_schema.columns c
                          WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name AND c.column_name = 'created_at')`,
  );
}

export function installedExtensions(ex: Executor) {
  return rows<{ extname: string }>(ex, sql`SELECT extname FROM pg_extension`);
}

/** GIN trigram indexes on products whose definition covers name and sku. */
export function productTrigramIndexes(ex: Executor) {
  return rows<{ indexname: string }>(
    ex,
    sql`SELECT indexname FROM pg_indexes
        WHERE schemaname = current_schema() AND tablename = 'products'
          AND indexdef ~* 'USING gin' AND indexdef ~* 'gin_trgm_ops'
          AND indexdef ~* 'name' AND indexdef ~* 'sku'`,
  );
}

/**
 * Groups of unique indexes (constraint-backed or not) enforcing the same uniqueness on one table:
 * same column set, same expressions, same predicate.
 */
export function duplicateUniqueIndexes(ex: Executor) {
  return rows<{ table_name: string; indexes: string[] }>(
    ex,
    sql`SELECT c.relname AS table_name, array_agg(ic.relname::text ORDER BY ic.relname) AS indexes
        FROM pg_index i
        JOIN pg_class c ON c.oid = i.indrelid
        JOIN pg_class ic ON ic.oid = i.indexrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE i.indisunique AND n.nspname = current_schema()
        GROUP BY c.relname,
                 (SELECT array_agg(k ORDER BY k) FROM unnest(i.indkey::int2[]) AS k),
                 coalesce(pg_get_expr(i.indexprs, i.indrelid), ''),
                 coalesce(pg_get_expr(i.indpred, i.indrelid), '')
        HAVING count(*) > 1`,
  );
}

export interface ConstraintFact {
  table_name: string;
  contype: 'f' | 'u' | 'p' | 'c' | 'x';
  columns: string[];
  referenced_table: string | null;
  referenced_columns: string[] | null;
}

/** Foreign-key and unique constraints of the given tables, with their column names. */
export function constraintsOf(ex: Executor, tables: string[]) {
  return rows<ConstraintFact>(
    ex,
    sql`SELECT cl.relname AS table_name, co.contype,
               (SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_attribute a
                 WHERE a.attrelid = co.conrelid AND a.attnum = ANY (co.conkey)) AS columns,
               rt.relname AS referenced_table,
               (SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_attribute a
                 WHERE a.attrelid = co.confrelid AND a.attnum = ANY (co.confkey)) AS referenced_columns
        FROM pg_constraint co
        JOIN pg_class cl ON cl.oid = co.conrelid
        JOIN pg_namespace n ON n.oid = cl.relnamespace
        LEFT JOIN pg_class rt ON rt.oid = co.confrelid
        WHERE n.nspname = current_schema() AND co.contype IN ('f', 'u')
          AND cl.relname IN ${tables}`,
  );
}

/** Unique indexes (not backed by a constraint) of a table, as sorted column-name lists. */
export function uniqueIndexColumns(ex: Executor, table: string) {
  return rows<{ columns: string[]; partial: boolean }>(
    ex,
    sql`SELECT (SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_attribute a
                 WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey::int2[])) AS columns,
               i.indpred IS NOT NULL AS partial
        FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE i.indisunique AND n.nspname = current_schema() AND c.relname = ${table}`,
  );
}
