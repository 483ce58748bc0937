ALTER TABLE "orders" DROP CONSTRAINT IF EXISTS "orders_serial_key";
--> statement-breakpoint
ALTER TABLE "orders" DROP COLUMN IF EXISTS "serial";
