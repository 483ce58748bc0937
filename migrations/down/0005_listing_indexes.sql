DROP INDEX IF EXISTS "products_created_listing_idx";
--> statement-breakpoint
DROP INDEX IF EXISTS "products_price_listing_idx";
