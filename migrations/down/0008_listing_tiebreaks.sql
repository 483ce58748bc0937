CREATE INDEX "products_price_listing_idx" ON "products" USING btree ("price_cents","id") WHERE "products"."deleted_at" IS NULL AND "products"."active";--> statement-breakpoint
CREATE INDEX "products_created_listing_idx" ON "products" USING btree ("created_at","id") WHERE "products"."deleted_at" IS NULL AND "products"."active";--> statement-breakpoint
DROP INDEX "products_created_name_listing_idx";--> statement-breakpoint
DROP INDEX "products_price_name_listing_idx";
