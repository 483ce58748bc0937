DROP TABLE IF EXISTS "recommendation_weights";
--> statement-breakpoint
ALTER TABLE "suppliers" DROP CONSTRAINT IF EXISTS "suppliers_min_order_non_negative";
--> statement-breakpoint
ALTER TABLE "suppliers" DROP CONSTRAINT IF EXISTS "suppliers_delivery_radius_positive";
--> statement-breakpoint
ALTER TABLE "suppliers" DROP CONSTRAINT IF EXISTS "suppliers_depot_longitude_range";
--> statement-breakpoint
ALTER TABLE "suppliers" DROP CONSTRAINT IF EXISTS "suppliers_depot_latitude_range";
--> statement-breakpoint
ALTER TABLE "suppliers" DROP CONSTRAINT IF EXISTS "suppliers_order_lead_days_range";
--> statement-breakpoint
ALTER TABLE "suppliers" DROP CONSTRAINT IF EXISTS "suppliers_delivery_weekdays_valid";
--> statement-breakpoint
ALTER TABLE "suppliers" DROP COLUMN IF EXISTS "min_order_cents";
--> statement-breakpoint
ALTER TABLE "suppliers" DROP COLUMN IF EXISTS "delivery_radius_km";
--> statement-breakpoint
ALTER TABLE "suppliers" DROP COLUMN IF EXISTS "depot_longitude";
--> statement-breakpoint
ALTER TABLE "suppliers" DROP COLUMN IF EXISTS "depot_latitude";
--> statement-breakpoint
ALTER TABLE "suppliers" DROP COLUMN IF EXISTS "order_lead_days";
--> statement-breakpoint
ALTER TABLE "suppliers" DROP COLUMN IF EXISTS "delivery_weekdays";
