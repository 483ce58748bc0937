ALTER TABLE "products" ALTER COLUMN "id" SET DEFAULT gen_random_uuid();
--> statement-breakpoint
ALTER TABLE "product_prices" ALTER COLUMN "id" SET DEFAULT gen_random_uuid();
--> statement-breakpoint
ALTER TABLE "supplier_catalog_cache" ALTER COLUMN "id" SET DEFAULT gen_random_uuid();
--> statement-breakpoint
DROP FUNCTION IF EXISTS iris_uuid_v7();
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "products_search_key_trgm_idx" ON "products" USING gin ("search_key" gin_trgm_ops);
--> statement-breakpoint
DROP TRIGGER IF EXISTS products_collect_search_terms ON "products";
--> statement-breakpoint
CREATE TRIGGER products_collect_search_terms AFTER INSERT OR UPDATE OF name, brand, category, sku, gtin ON "products" FOR EACH ROW EXECUTE FUNCTION iris_collect_search_terms();
--> statement-breakpoint
DROP TRIGGER IF EXISTS products_collect_inserted_search_terms ON "products";
--> statement-breakpoint
DROP FUNCTION IF EXISTS iris_collect_inserted_search_terms();
