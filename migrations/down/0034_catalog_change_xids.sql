DROP INDEX IF EXISTS "search_terms_xid_idx";
--> statement-breakpoint
ALTER TABLE "search_terms" DROP COLUMN IF EXISTS "xid";
--> statement-breakpoint
DROP TRIGGER IF EXISTS products_note_catalog_update ON "products";
--> statement-breakpoint
CREATE TRIGGER products_note_catalog_update AFTER UPDATE OF supplier_id, sku, gtin, name, description, brand, category, unit, pack_size, price_cents, currency, vat_category, active, country_of_origin, storage, image_urls, best_before_date, deleted_at ON "products" FOR EACH STATEMENT EXECUTE FUNCTION iris_note_catalog_write();
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "catalog_writes_created_at_idx" ON "catalog_writes" USING btree ("created_at");
--> statement-breakpoint
DROP INDEX IF EXISTS "catalog_writes_seen_at_idx";
--> statement-breakpoint
ALTER TABLE "catalog_writes" DROP COLUMN IF EXISTS "seen_at";
