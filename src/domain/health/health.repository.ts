import { sql } from 'drizzle-orm';
import type { Executor } from '../../core/db.types.js';

export async function pingDatabase(ex: Executor): Promise<void> {
  await ex.execute(sql`SELECT 1`);
}
