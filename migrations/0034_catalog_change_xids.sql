-- Two catalog-change trackers counted time from a transaction's start, so a transaction that ran long could be
-- missed. Both now go by commit instead.
-- 1. A catalog_writes note was pruned an hour after its transaction began, which could be before a check saw it
--    commit. The prune job now stamps `seen_at` on the notes it finds (all committed, since it sees them) and
--    deletes a note an hour after that stamp: a note lives at least an hour after its commit.
-- 2. The search dictionary read the terms added since a time, with a minute's overlap; a term written by a
--    transaction that committed later than that was never read. Each term now carries the transaction that added
--    it, and a refresh reads the terms of transactions its previous snapshot did not see, as catalog checks do.
-- created_at joins the content columns whose update is noted, for completeness: nothing updates it today.
ALTER TABLE "catalog_writes" ADD COLUMN IF NOT EXISTS "seen_at" timestamp with time zone;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "catalog_writes_seen_at_idx" ON "catalog_writes" USING btree ("seen_at");
--> statement-breakpoint
DROP INDEX IF EXISTS "catalog_writes_created_at_idx";
--> statement-breakpoint
DROP TRIGGER IF EXISTS products_note_catalog_update ON "products";
--> statement-breakpoint
CREATE TRIGGER products_note_catalog_update AFTER UPDATE OF supplier_id, sku, gtin, name, description, brand, category, unit, pack_size, price_cents, currency, vat_category, active, country_of_origin, storage, image_urls, best_before_date, created_at, deleted_at ON "products" FOR EACH STATEMENT EXECUTE FUNCTION iris_note_catalog_write();
--> statement-breakpoint
ALTER TABLE "search_terms" ADD COLUMN IF NOT EXISTS "xid" xid8 DEFAULT pg_current_xact_id() NOT NULL;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "search_terms_xid_idx" ON "search_terms" USING btree ("xid");
