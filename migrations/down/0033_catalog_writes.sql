DROP TRIGGER IF EXISTS products_note_catalog_update ON "products";
--> statement-breakpoint
DROP TRIGGER IF EXISTS products_note_catalog_write ON "products";
--> statement-breakpoint
DROP FUNCTION IF EXISTS iris_note_catalog_write();
--> statement-breakpoint
DROP TABLE IF EXISTS "catalog_writes";
