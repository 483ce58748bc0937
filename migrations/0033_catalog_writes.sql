-- The search cache keeps a page while nothing it could show has changed. Every statement that writes catalog
-- content notes its transaction here (one row per transaction, whatever the number of rows it wrote); a row is
-- visible once its transaction commits, so "did any catalog write commit since snapshot S" is one index probe:
-- a noted transaction not visible in S. Stock and popularity updates are left out: order placement moves stock
-- with every order and the popularity job rewrites counts every ten minutes; a cached page may show those up to
-- SEARCH_CACHE_MAX_AGE_MS old. Rows older than an hour are pruned by the products.catalog-writes-prune job.
CREATE TABLE IF NOT EXISTS "catalog_writes" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  "created_at" timestamp with time zone DEFAULT now() NOT NULL,
  "updated_at" timestamp with time zone DEFAULT now() NOT NULL,
  "deleted_at" timestamp with time zone,
  "xid" xid8 NOT NULL,
  CONSTRAINT "catalog_writes_xid_key" UNIQUE("xid")
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "catalog_writes_created_at_idx" ON "catalog_writes" USING btree ("created_at");
--> statement-breakpoint
CREATE TRIGGER catalog_writes_set_updated_at BEFORE UPDATE ON "catalog_writes" FOR EACH ROW EXECUTE FUNCTION iris_set_updated_at();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION iris_note_catalog_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO catalog_writes (xid) VALUES (pg_current_xact_id()) ON CONFLICT (xid) DO NOTHING;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER products_note_catalog_write AFTER INSERT OR DELETE OR TRUNCATE ON "products" FOR EACH STATEMENT EXECUTE FUNCTION iris_note_catalog_write();
--> statement-breakpoint
CREATE TRIGGER products_note_catalog_update AFTER UPDATE OF supplier_id, sku, gtin, name, description, brand, category, unit, pack_size, price_cents, currency, vat_category, active, country_of_origin, storage, image_urls, best_before_date, deleted_at ON "products" FOR EACH STATEMENT EXECUTE FUNCTION iris_note_catalog_write();
