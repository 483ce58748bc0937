DROP TABLE IF EXISTS "search_terms";
--> statement-breakpoint
DROP TABLE IF EXISTS "product_prices";
--> statement-breakpoint
DROP TABLE IF EXISTS "products";
--> statement-breakpoint
DROP FUNCTION IF EXISTS iris_collect_search_terms();
--> statement-breakpoint
DROP TYPE IF EXISTS "public"."vat_category";
--> statement-breakpoint
DROP TYPE IF EXISTS "public"."storage_kind";
--> statement-breakpoint
DROP FUNCTION IF EXISTS iris_fold(text);
--> statement-breakpoint
DROP EXTENSION IF EXISTS unaccent;
