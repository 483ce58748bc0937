-- Search ranking's popularity signal: orders per product, written by the products.popularity-refresh job. A
-- constant default makes ADD COLUMN a catalog-only change (no table rewrite).
ALTER TABLE "products" ADD COLUMN "popularity" integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
CREATE INDEX "products_popular_idx" ON "products" USING btree ("id") WHERE "products"."popularity" > 0;
--> statement-breakpoint
-- The job's writes change the popularity only; they must not look like a supplier's edit, so updated_at moves
-- only when popularity stays the same (every other update).
DROP TRIGGER IF EXISTS products_set_updated_at ON "products";
--> statement-breakpoint
CREATE TRIGGER products_set_updated_at BEFORE UPDATE ON "products" FOR EACH ROW WHEN (OLD.popularity IS NOT DISTINCT FROM NEW.popularity) EXECUTE FUNCTION iris_set_updated_at();
