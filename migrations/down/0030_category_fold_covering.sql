DROP INDEX IF EXISTS "products_category_fold_idx";--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "products_category_fold_idx" ON "products" USING btree (iris_fold("category"),"price_cents") WHERE "products"."deleted_at" IS NULL AND "products"."active";
