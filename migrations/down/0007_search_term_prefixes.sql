DROP TRIGGER IF EXISTS products_collect_search_terms ON "products";
--> statement-breakpoint
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
--> statement-breakpoint
DELETE FROM search_terms WHERE term !~ '^[a-z]{3,}$';
--> statement-breakpoint
DROP INDEX IF EXISTS "search_terms_term_prefix_idx";
