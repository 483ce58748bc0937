CREATE INDEX IF NOT EXISTS "products_category_price_idx" ON "products" USING btree ("category","price_cents") WHERE "products"."deleted_at" IS NULL AND "products"."active";--> statement-breakpoint
