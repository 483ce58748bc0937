DROP TABLE IF EXISTS "forecast_points";
--> statement-breakpoint
DROP TABLE IF EXISTS "forecast_series";
--> statement-breakpoint
DROP TABLE IF EXISTS "weather_days";
--> statement-breakpoint
DROP TYPE IF EXISTS "public"."forecast_scope";
--> statement-breakpoint
DROP TYPE IF EXISTS "public"."weather_source";
--> statement-breakpoint
ALTER TABLE "restaurants" DROP CONSTRAINT IF EXISTS "restaurants_opening_weekdays_valid";
--> statement-breakpoint
ALTER TABLE "restaurants" DROP CONSTRAINT IF EXISTS "restaurants_longitude_range";
--> statement-breakpoint
ALTER TABLE "restaurants" DROP CONSTRAINT IF EXISTS "restaurants_latitude_range";
--> statement-breakpoint
ALTER TABLE "restaurants" DROP COLUMN IF EXISTS "opening_weekdays";
--> statement-breakpoint
ALTER TABLE "restaurants" DROP COLUMN IF EXISTS "longitude";
--> statement-breakpoint
ALTER TABLE "restaurants" DROP COLUMN IF EXISTS "latitude";
