DROP TRIGGER IF EXISTS products_set_updated_at ON "products";
--> statement-breakpoint
CREATE TRIGGER products_set_updated_at BEFORE UPDATE ON "products" FOR EACH ROW EXECUTE FUNCTION iris_set_updated_at();
--> statement-breakpoint
DROP INDEX IF EXISTS "products_popular_idx";
--> statement-breakpoint
ALTER TABLE "products" DROP COLUMN IF EXISTS "popularity";
