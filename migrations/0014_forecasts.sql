CREATE TYPE "public"."forecast_scope" AS ENUM('restaurant', 'supplier');--> statement-breakpoint
CREATE TYPE "public"."weather_source" AS ENUM('history', 'forecast');--> statement-breakpoint
CREATE TABLE "forecast_points" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"series_id" uuid NOT NULL,
	"day" date NOT NULL,
	"quantity" double precision NOT NULL,
	"lower" double precision NOT NULL,
	"upper" double precision NOT NULL,
	CONSTRAINT "forecast_points_interval" CHECK ("forecast_points"."lower" <= "forecast_points"."quantity" AND "forecast_points"."quantity" <= "forecast_points"."upper")
);
--> statement-breakpoint
CREATE TABLE "forecast_series" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"scope" "forecast_scope" NOT NULL,
	"restaurant_id" uuid,
	"supplier_id" uuid,
	"product_id" uuid NOT NULL,
	"model" text NOT NULL,
	"weather_used" boolean DEFAULT false NOT NULL,
	"weather_note" text,
	"backtest_mase" double precision,
	"backtest_smape" double precision,
	"backtest_origins" integer DEFAULT 0 NOT NULL,
	"candidates" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"training" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"history_from" date,
	"history_to" date,
	"data_digest" text NOT NULL,
	"trained_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "forecast_series_scope_owner" CHECK (("forecast_series"."scope" = 'restaurant' AND "forecast_series"."restaurant_id" IS NOT NULL AND "forecast_series"."supplier_id" IS NULL) OR ("forecast_series"."scope" = 'supplier' AND "forecast_series"."supplier_id" IS NOT NULL AND "forecast_series"."restaurant_id" IS NULL)),
	CONSTRAINT "forecast_series_model_known" CHECK ("forecast_series"."model" IN ('prophet_weather', 'prophet', 'seasonal_naive', 'moving_average'))
);
--> statement-breakpoint
CREATE TABLE "weather_days" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"latitude" numeric(5, 2) NOT NULL,
	"longitude" numeric(5, 2) NOT NULL,
	"day" date NOT NULL,
	"temperature_c" double precision NOT NULL,
	"precipitation_mm" double precision NOT NULL,
	"source" "weather_source" NOT NULL,
	"fetched_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "restaurants" ADD COLUMN "latitude" double precision;--> statement-breakpoint
ALTER TABLE "restaurants" ADD COLUMN "longitude" double precision;--> statement-breakpoint
ALTER TABLE "restaurants" ADD COLUMN "opening_weekdays" smallint[] DEFAULT '{1,2,3,4,5,6,7}'::smallint[] NOT NULL;--> statement-breakpoint
ALTER TABLE "forecast_points" ADD CONSTRAINT "forecast_points_series_id_forecast_series_id_fk" FOREIGN KEY ("series_id") REFERENCES "public"."forecast_series"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "forecast_series" ADD CONSTRAINT "forecast_series_restaurant_id_restaurants_id_fk" FOREIGN KEY ("restaurant_id") REFERENCES "public"."restaurants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "forecast_series" ADD CONSTRAINT "forecast_series_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."suppliers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "forecast_series" ADD CONSTRAINT "forecast_series_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "forecast_points_series_day_key" ON "forecast_points" USING btree ("series_id","day");--> statement-breakpoint
CREATE UNIQUE INDEX "forecast_series_restaurant_product_key" ON "forecast_series" USING btree ("restaurant_id","product_id") WHERE "forecast_series"."scope" = 'restaurant';--> statement-breakpoint
CREATE UNIQUE INDEX "forecast_series_supplier_product_key" ON "forecast_series" USING btree ("supplier_id","product_id") WHERE "forecast_series"."scope" = 'supplier';--> statement-breakpoint
CREATE INDEX "forecast_series_product_idx" ON "forecast_series" USING btree ("product_id");--> statement-breakpoint
CREATE UNIQUE INDEX "weather_days_place_day_key" ON "weather_days" USING btree ("latitude","longitude","day");--> statement-breakpoint
ALTER TABLE "restaurants" ADD CONSTRAINT "restaurants_latitude_range" CHECK ("restaurants"."latitude" BETWEEN -90 AND 90);--> statement-breakpoint
ALTER TABLE "restaurants" ADD CONSTRAINT "restaurants_longitude_range" CHECK ("restaurants"."longitude" BETWEEN -180 AND 180);--> statement-breakpoint
ALTER TABLE "restaurants" ADD CONSTRAINT "restaurants_opening_weekdays_valid" CHECK (cardinality("restaurants"."opening_weekdays") BETWEEN 1 AND 7 AND "restaurants"."opening_weekdays" <@ '{1,2,3,4,5,6,7}'::smallint[]);--> statement-breakpoint
CREATE TRIGGER forecast_series_set_updated_at BEFORE UPDATE ON "forecast_series" FOR EACH ROW EXECUTE FUNCTION iris_set_updated_at();--> statement-breakpoint
CREATE TRIGGER forecast_points_set_updated_at BEFORE UPDATE ON "forecast_points" FOR EACH ROW EXECUTE FUNCTION iris_set_updated_at();--> statement-breakpoint
CREATE TRIGGER weather_days_set_updated_at BEFORE UPDATE ON "weather_days" FOR EACH ROW EXECUTE FUNCTION iris_set_updated_at();
