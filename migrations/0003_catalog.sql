-- Diacritic folding for search: "Lök" and "lok" meet as "lok". Declared IMMUTABLE (unaccent with an explicit
-- dictionary is stable in practice) so generated columns and indexes can use it.
CREATE EXTENSION IF NOT EXISTS unaccent;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION iris_fold(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1))
$$;
--> statement-breakpoint
CREATE TYPE "public"."storage_kind" AS ENUM('frozen', 'chilled', 'ambient');--> statement-breakpoint
CREATE TYPE "public"."vat_category" AS ENUM('food', 'standard', 'restaurant_service', 'alcohol');--> statement-breakpoint
CREATE TABLE "product_prices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"product_id" uuid NOT NULL,
	"price_cents" integer NOT NULL,
	"currency" char(3) NOT NULL,
	"valid_from" timestamp with time zone DEFAULT now() NOT NULL,
	"valid_to" timestamp with time zone,
	CONSTRAINT "product_prices_positive" CHECK ("product_prices"."price_cents" >= 1),
	CONSTRAINT "product_prices_period" CHECK ("product_prices"."valid_to" IS NULL OR "product_prices"."valid_to" > "product_prices"."valid_from")
);
--> statement-breakpoint
CREATE TABLE "products" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"supplier_id" uuid NOT NULL,
	"sku" text NOT NULL,
	"gtin" text,
	"name" text NOT NULL,
	"description" text,
	"brand" text,
	"category" text NOT NULL,
	"unit" text NOT NULL,
	"pack_size" numeric(12, 3),
	"price_cents" integer NOT NULL,
	"currency" char(3) DEFAULT 'SEK' NOT NULL,
	"vat_category" "vat_category" DEFAULT 'food' NOT NULL,
	"stock_quantity" numeric(14, 3),
	"active" boolean DEFAULT true NOT NULL,
	"country_of_origin" char(2),
	"storage" "storage_kind",
	"image_urls" text[] DEFAULT '{}'::text[] NOT NULL,
	"search_vector" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('swedish', iris_fold(name)), 'A') || setweight(to_tsvector('swedish', iris_fold(coalesce(brand, '') || ' ' || category)), 'B') || setweight(to_tsvector('simple', lower(sku) || ' ' || coalesce(gtin, '')), 'A')) STORED,
	"search_key" text GENERATED ALWAYS AS (iris_fold(name || ' ' || coalesce(brand, '') || ' ' || sku)) STORED,
	CONSTRAINT "products_price_positive" CHECK ("products"."price_cents" >= 1),
	CONSTRAINT "products_stock_non_negative" CHECK ("products"."stock_quantity" IS NULL OR "products"."stock_quantity" >= 0),
	CONSTRAINT "products_currency_code" CHECK ("products"."currency" ~ '^[A-Z]{3}$')
);
--> statement-breakpoint
CREATE TABLE "search_terms" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"term" text NOT NULL,
	CONSTRAINT "search_terms_term_key" UNIQUE("term")
);
--> statement-breakpoint
ALTER TABLE "product_prices" ADD CONSTRAINT "product_prices_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "products" ADD CONSTRAINT "products_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."suppliers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "product_prices_product_idx" ON "product_prices" USING btree ("product_id","valid_from");--> statement-breakpoint
CREATE UNIQUE INDEX "product_prices_one_current_key" ON "product_prices" USING btree ("product_id") WHERE "product_prices"."valid_to" IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "products_supplier_sku_live_key" ON "products" USING btree ("supplier_id","sku") WHERE "products"."deleted_at" IS NULL;--> statement-breakpoint
CREATE INDEX "products_name_sku_trgm_idx" ON "products" USING gin (("name" || ' ' || "sku") gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "products_search_vector_idx" ON "products" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "products_search_key_trgm_idx" ON "products" USING gin ("search_key" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "products_sku_prefix_idx" ON "products" USING btree (lower("sku") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "products_gtin_idx" ON "products" USING btree ("gtin") WHERE "products"."gtin" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "products_listing_idx" ON "products" USING btree ("name","id") WHERE "products"."deleted_at" IS NULL AND "products"."active";--> statement-breakpoint
CREATE INDEX "products_category_price_idx" ON "products" USING btree ("category","price_cents") WHERE "products"."deleted_at" IS NULL AND "products"."active";--> statement-breakpoint
CREATE INDEX "products_supplier_idx" ON "products" USING btree ("supplier_id","name");--> statement-breakpoint
CREATE INDEX "search_terms_trgm_idx" ON "search_terms" USING gin ("term" gin_trgm_ops);
--> statement-breakpoint
CREATE TRIGGER products_set_updated_at BEFORE UPDATE ON "products" FOR EACH ROW EXECUTE FUNCTION iris_set_updated_at();--> statement-breakpoint
CREATE TRIGGER product_prices_set_updated_at BEFORE UPDATE ON "product_prices" FOR EACH ROW EXECUTE FUNCTION iris_set_updated_at();--> statement-breakpoint
CREATE TRIGGER search_terms_set_updated_at BEFORE UPDATE ON "search_terms" FOR EACH ROW EXECUTE FUNCTION iris_set_updated_at();--> statement-breakpoint
-- Keeps the typo-correction dictionary current: every word (letters only, 3+) of a product's name, brand and category.
CREATE OR REPLACE FUNCTION iris_collect_search_terms() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_terms (term)
  SELECT DISTINCT lexeme FROM unnest(NEW.search_vector) WHERE lexeme ~ '^[a-z]{3,}$'
  ON CONFLICT (term) DO NOTHING;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER products_collect_search_terms AFTER INSERT OR UPDATE OF name, brand, category ON "products" FOR EACH ROW EXECUTE FUNCTION iris_collect_search_terms();
