CREATE TABLE "recommendation_weights" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"restaurant_id" uuid NOT NULL,
	"weights" jsonb NOT NULL,
	"updated_by" uuid
);
--> statement-breakpoint
ALTER TABLE "suppliers" ADD COLUMN "delivery_weekdays" smallint[] DEFAULT '{1,2,3,4,5}'::smallint[] NOT NULL;--> statement-breakpoint
ALTER TABLE "suppliers" ADD COLUMN "order_lead_days" smallint DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "suppliers" ADD COLUMN "depot_latitude" double precision;--> statement-breakpoint
ALTER TABLE "suppliers" ADD COLUMN "depot_longitude" double precision;--> statement-breakpoint
ALTER TABLE "suppliers" ADD COLUMN "delivery_radius_km" double precision;--> statement-breakpoint
ALTER TABLE "suppliers" ADD COLUMN "min_order_cents" bigint;--> statement-breakpoint
ALTER TABLE "recommendation_weights" ADD CONSTRAINT "recommendation_weights_restaurant_id_restaurants_id_fk" FOREIGN KEY ("restaurant_id") REFERENCES "public"."restaurants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommendation_weights" ADD CONSTRAINT "recommendation_weights_updated_by_accounts_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "recommendation_weights_restaurant_key" ON "recommendation_weights" USING btree ("restaurant_id");--> statement-breakpoint
ALTER TABLE "suppliers" ADD CONSTRAINT "suppliers_delivery_weekdays_valid" CHECK (cardinality("suppliers"."delivery_weekdays") BETWEEN 1 AND 7 AND "suppliers"."delivery_weekdays" <@ '{1,2,3,4,5,6,7}'::smallint[]);--> statement-breakpoint
ALTER TABLE "suppliers" ADD CONSTRAINT "suppliers_order_lead_days_range" CHECK ("suppliers"."order_lead_days" BETWEEN 0 AND 30);--> statement-breakpoint
ALTER TABLE "suppliers" ADD CONSTRAINT "suppliers_depot_latitude_range" CHECK ("suppliers"."depot_latitude" BETWEEN -90 AND 90);--> statement-breakpoint
ALTER TABLE "suppliers" ADD CONSTRAINT "suppliers_depot_longitude_range" CHECK ("suppliers"."depot_longitude" BETWEEN -180 AND 180);--> statement-breakpoint
ALTER TABLE "suppliers" ADD CONSTRAINT "suppliers_delivery_radius_positive" CHECK ("suppliers"."delivery_radius_km" > 0);--> statement-breakpoint
ALTER TABLE "suppliers" ADD CONSTRAINT "suppliers_min_order_non_negative" CHECK ("suppliers"."min_order_cents" >= 0);--> statement-breakpoint
CREATE TRIGGER recommendation_weights_set_updated_at BEFORE UPDATE ON "recommendation_weights" FOR EACH ROW EXECUTE FUNCTION iris_set_updated_at();
