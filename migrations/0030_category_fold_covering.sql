-- The category filter's count (up to 1,001 matches) read every matching product row from the heap: PostgreSQL
-- plans an index-only scan of an expression index only when the columns the expression reads are in the index
-- too. With `category` included, counting a category's price window is an index-only scan, as it was before
-- the filter was folded (products_category_price_idx).
DROP INDEX IF EXISTS "products_category_fold_idx";--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "products_category_fold_idx" ON "products" USING btree (iris_fold("category"),"price_cents") INCLUDE ("category") WHERE "products"."deleted_at" IS NULL AND "products"."active";
