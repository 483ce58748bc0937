CREATE INDEX "search_terms_term_prefix_idx" ON "search_terms" USING btree ("term" text_pattern_ops);--> statement-breakpoint
-- The dictionary now holds every lexeme that begins with three letters (not only letter-only words), so that a
-- search word's stem can be expanded into exactly the lexemes a prefix match would find; typo correction still
-- reads only the letter-only ones. SKU and GTIN changes feed it too, since they are part of the search vector.
-- Catalog writes wait (SHARE lock) while the dictionary is refilled, so none can slip between the refill and the
-- new trigger; searches go on. The trigger is replaced last: DROP TRIGGER's ACCESS EXCLUSIVE lock lasts only
-- until the commit.
LOCK TABLE "products" IN SHARE MODE;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION iris_collect_search_terms() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_terms (term)
  SELECT DISTINCT lexeme FROM unnest(NEW.search_vector) WHERE lexeme ~ '^[a-z]{3,}'
  ON CONFLICT (term) DO NOTHING;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
INSERT INTO search_terms (term)
SELECT DISTINCT lexeme FROM products, unnest(products.search_vector) WHERE lexeme ~ '^[a-z]{3,}'
ON CONFLICT (term) DO NOTHING;
--> statement-breakpoint
DROP TRIGGER IF EXISTS products_collect_search_terms ON "products";
--> statement-breakpoint
CREATE TRIGGER products_collect_search_terms AFTER INSERT OR UPDATE OF name, brand, category, sku, gtin ON "products" FOR EACH ROW EXECUTE FUNCTION iris_collect_search_terms();
