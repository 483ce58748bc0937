-- New indexes first: building them takes a SHARE lock (searches go on, catalog writes wait for the build);
-- the old ones are dropped last, so the ACCESS EXCLUSIVE lock a DROP takes lasts only until the commit.
CREATE INDEX "products_price_name_listing_idx" ON "products" USING btree ("price_cents","name","id") WHERE "products"."deleted_at" IS NULL AND "products"."active";--> statement-breakpoint
CREATE INDEX "products_created_name_listing_idx" ON "products" USING btree ("created_at","name","id") WHERE "products"."deleted_at" IS NULL AND "products"."active";--> statement-breakpoint
DROP INDEX "products_price_listing_idx";--> statement-breakpoint
DROP INDEX "products_created_listing_idx";
