CREATE TYPE "public"."pricing_mode" AS ENUM('auto', 'review');--> statement-breakpoint
CREATE TYPE "public"."pricing_proposal_status" AS ENUM('pending', 'applied', 'rejected', 'superseded', 'expired');--> statement-breakpoint
CREATE TABLE "pricing_settings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"supplier_id" uuid NOT NULL,
	"mode" "pricing_mode" DEFAULT 'review' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pricing_rules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"supplier_id" uuid NOT NULL,
	"product_id" uuid,
	"category" text,
	"min_price_cents" integer NOT NULL,
	"max_price_cents" integer NOT NULL,
	"max_daily_change_bp" integer NOT NULL,
	"max_weekly_change_bp" integer NOT NULL,
	"demand" jsonb,
	"stock" jsonb,
	"active" boolean DEFAULT true NOT NULL,
	CONSTRAINT "pricing_rules_one_target" CHECK (("pricing_rules"."product_id" IS NULL) <> ("pricing_rules"."category" IS NULL)),
	CONSTRAINT "pricing_rules_bounds" CHECK ("pricing_rules"."min_price_cents" >= 1 AND "pricing_rules"."max_price_cents" >= "pricing_rules"."min_price_cents" AND "pricing_rules"."max_daily_change_bp" BETWEEN 0 AND "pricing_rules"."max_weekly_change_bp" AND "pricing_rules"."max_weekly_change_bp" <= 10000),
	CONSTRAINT "pricing_rules_signal" CHECK ("pricing_rules"."demand" IS NOT NULL OR "pricing_rules"."stock" IS NOT NULL)
);
--> statement-breakpoint
CREATE TABLE "price_proposals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"supplier_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"rule_id" uuid NOT NULL,
	"list_price_cents" integer NOT NULL,
	"from_price_cents" integer NOT NULL,
	"target_price_cents" integer NOT NULL,
	"proposed_price_cents" integer NOT NULL,
	"currency" char(3) NOT NULL,
	"inputs" jsonb NOT NULL,
	"status" "pricing_proposal_status" DEFAULT 'pending' NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	CONSTRAINT "price_proposals_positive" CHECK ("price_proposals"."proposed_price_cents" >= 1 AND "price_proposals"."from_price_cents" >= 1)
);
--> statement-breakpoint
CREATE TABLE "price_agreements" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"supplier_id" uuid NOT NULL,
	"restaurant_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"price_cents" integer NOT NULL,
	"currency" char(3) NOT NULL,
	"valid_from" date NOT NULL,
	"valid_until" date,
	CONSTRAINT "price_agreements_positive" CHECK ("price_agreements"."price_cents" >= 1),
	CONSTRAINT "price_agreements_period" CHECK ("price_agreements"."valid_until" IS NULL OR "price_agreements"."valid_until" >= "price_agreements"."valid_from")
);
--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "best_before_date" date;--> statement-breakpoint
ALTER TABLE "product_prices" ADD COLUMN "source" text DEFAULT 'manual' NOT NULL;--> statement-breakpoint
ALTER TABLE "product_prices" ADD COLUMN "pricing_rule_id" uuid;--> statement-breakpoint
ALTER TABLE "product_prices" ADD COLUMN "pricing_proposal_id" uuid;--> statement-breakpoint
ALTER TABLE "product_prices" ADD COLUMN "pricing_inputs" jsonb;--> statement-breakpoint
ALTER TABLE "product_prices" ADD CONSTRAINT "product_prices_source_known" CHECK ("product_prices"."source" IN ('manual', 'dynamic', 'rollback'));--> statement-breakpoint
ALTER TABLE "pricing_settings" ADD CONSTRAINT "pricing_settings_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."suppliers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pricing_rules" ADD CONSTRAINT "pricing_rules_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."suppliers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pricing_rules" ADD CONSTRAINT "pricing_rules_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "price_proposals" ADD CONSTRAINT "price_proposals_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."suppliers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "price_proposals" ADD CONSTRAINT "price_proposals_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "price_proposals" ADD CONSTRAINT "price_proposals_rule_id_pricing_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."pricing_rules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "price_proposals" ADD CONSTRAINT "price_proposals_decided_by_accounts_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "price_agreements" ADD CONSTRAINT "price_agreements_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."suppliers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "price_agreements" ADD CONSTRAINT "price_agreements_restaurant_id_restaurants_id_fk" FOREIGN KEY ("restaurant_id") REFERENCES "public"."restaurants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "price_agreements" ADD CONSTRAINT "price_agreements_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "pricing_settings_supplier_key" ON "pricing_settings" USING btree ("supplier_id");--> statement-breakpoint
CREATE UNIQUE INDEX "pricing_rules_product_live_key" ON "pricing_rules" USING btree ("supplier_id","product_id") WHERE "pricing_rules"."deleted_at" IS NULL AND "pricing_rules"."product_id" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "pricing_rules_category_live_key" ON "pricing_rules" USING btree ("supplier_id","category") WHERE "pricing_rules"."deleted_at" IS NULL AND "pricing_rules"."category" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "price_proposals_pending_key" ON "price_proposals" USING btree ("product_id") WHERE "price_proposals"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "price_proposals_supplier_idx" ON "price_proposals" USING btree ("supplier_id","status","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "price_agreements_live_key" ON "price_agreements" USING btree ("restaurant_id","product_id") WHERE "price_agreements"."deleted_at" IS NULL;--> statement-breakpoint
CREATE INDEX "price_agreements_supplier_idx" ON "price_agreements" USING btree ("supplier_id");--> statement-breakpoint
CREATE TRIGGER pricing_settings_set_updated_at BEFORE UPDATE ON "pricing_settings" FOR EACH ROW EXECUTE FUNCTION iris_set_updated_at();--> statement-breakpoint
CREATE TRIGGER pricing_rules_set_updated_at BEFORE UPDATE ON "pricing_rules" FOR EACH ROW EXECUTE FUNCTION iris_set_updated_at();--> statement-breakpoint
CREATE TRIGGER price_proposals_set_updated_at BEFORE UPDATE ON "price_proposals" FOR EACH ROW EXECUTE FUNCTION iris_set_updated_at();--> statement-breakpoint
CREATE TRIGGER price_agreements_set_updated_at BEFORE UPDATE ON "price_agreements" FOR EACH ROW EXECUTE FUNCTION iris_set_updated_at();
