import { sql } from 'drizzle-orm';
import type { Executor } from '../../src/core/db.types.js';
import { queryRows } from '../../src/db/rows.js';

/** A comparable description of the public schema: columns, constraints, indexes, triggers, types, extensions. */
export async function schemaSnapshot(ex: Executor) {
  const part = (q: ReturnType<typeof sql>) => queryRows<Record<string, unknown>>(ex, q);
  return {
    columns: await part(sql`SELECT table_name, column_name, data_type, is_nullable, column_default
      FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, column_name`),
    constraints:
      await part(sql`SELECT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(oid) AS def
      FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2`),
    indexes: await part(
      sql`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2`,
    ),
    triggers: await part(sql`SELECT event_object_table, trigger_name, event_manipulation, action_statement
      FROM information_schema.triggers WHERE trigger_schema = 'public' ORDER BY 1, 2, 3`),
    types: await part(sql`SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder) AS labels
      FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname ORDER BY 1`),
    functions: await part(
      sql`SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace AND proname LIKE 'iris_%' ORDER BY 1`,
    ),
    extensions: await part(sql`SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1`),
  };
}
