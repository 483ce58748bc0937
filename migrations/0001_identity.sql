CREATE TYPE "public"."account_role" AS ENUM('ADMIN', 'SUPPLIER', 'RESTAURANT');--> statement-breakpoint
CREATE TYPE "public"."member_role" AS ENUM('owner', 'staff');--> statement-breakpoint
CREATE TABLE "accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"email" "citext" NOT NULL,
	"external_id" text,
	"role" "account_role" DEFAULT 'RESTAURANT' NOT NULL,
	"display_name" text,
	"locale" text DEFAULT 'sv-SE' NOT NULL,
	"time_zone" text DEFAULT 'Europe/Stockholm' NOT NULL,
	"last_login_at" timestamp with time zone,
	CONSTRAINT "accounts_email_key" UNIQUE("email"),
	CONSTRAINT "accounts_external_id_key" UNIQUE("external_id")
);
--> statement-breakpoint
CREATE TABLE "restaurant_members" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"account_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"member_role" "member_role" DEFAULT 'staff' NOT NULL,
	CONSTRAINT "restaurant_members_account_org_key" UNIQUE("account_id","org_id")
);
--> statement-breakpoint
CREATE TABLE "restaurants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"legal_name" text NOT NULL,
	"org_number" char(10) NOT NULL,
	"contact_email" "citext",
	"contact_phone" text,
	"address_line" text,
	"postal_code" text,
	"city" text,
	"country" char(2) DEFAULT 'SE' NOT NULL,
	"delivery_address_line" text,
	"delivery_postal_code" text,
	"delivery_city" text,
	CONSTRAINT "restaurants_org_number_digits" CHECK ("restaurants"."org_number" ~ '^[0-9]{10}$')
);
--> statement-breakpoint
CREATE TABLE "supplier_members" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"account_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"member_role" "member_role" DEFAULT 'staff' NOT NULL,
	CONSTRAINT "supplier_members_account_org_key" UNIQUE("account_id","org_id")
);
--> statement-breakpoint
CREATE TABLE "suppliers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"legal_name" text NOT NULL,
	"org_number" char(10) NOT NULL,
	"contact_email" "citext",
	"contact_phone" text,
	"address_line" text,
	"postal_code" text,
	"city" text,
	"country" char(2) DEFAULT 'SE' NOT NULL,
	"default_currency" char(3) DEFAULT 'SEK' NOT NULL,
	"payment_terms_days" integer DEFAULT 30 NOT NULL,
	CONSTRAINT "suppliers_org_number_digits" CHECK ("suppliers"."org_number" ~ '^[0-9]{10}$'),
	CONSTRAINT "suppliers_payment_terms_range" CHECK ("suppliers"."payment_terms_days" BETWEEN 0 AND 365)
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"request_id" text,
	"actor_account_id" uuid,
	"actor_role" "account_role",
	"action" text NOT NULL,
	"resource_type" text,
	"resource_id" text,
	"ip" "inet",
	"user_agent" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "restaurant_members" ADD CONSTRAINT "restaurant_members_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "restaurant_members" ADD CONSTRAINT "restaurant_members_org_id_restaurants_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."restaurants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_members" ADD CONSTRAINT "supplier_members_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_members" ADD CONSTRAINT "supplier_members_org_id_suppliers_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."suppliers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "accounts_role_idx" ON "accounts" USING btree ("role") WHERE "accounts"."deleted_at" IS NULL;--> statement-breakpoint
CREATE INDEX "restaurant_members_org_idx" ON "restaurant_members" USING btree ("org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "restaurants_org_number_live_key" ON "restaurants" USING btree ("org_number") WHERE "restaurants"."deleted_at" IS NULL;--> statement-breakpoint
CREATE INDEX "supplier_members_org_idx" ON "supplier_members" USING btree ("org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "suppliers_org_number_live_key" ON "suppliers" USING btree ("org_number") WHERE "suppliers"."deleted_at" IS NULL;--> statement-breakpoint
CREATE INDEX "audit_log_created_at_idx" ON "audit_log" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "audit_log_actor_idx" ON "audit_log" USING btree ("actor_account_id","created_at");--> statement-breakpoint
CREATE INDEX "audit_log_action_idx" ON "audit_log" USING btree ("action","created_at");--> statement-breakpoint
CREATE TRIGGER accounts_set_updated_at BEFORE UPDATE ON "accounts" FOR EACH ROW EXECUTE FUNCTION iris_set_updated_at();--> statement-breakpoint
CREATE TRIGGER suppliers_set_updated_at BEFORE UPDATE ON "suppliers" FOR EACH ROW EXECUTE FUNCTION iris_set_updated_at();--> statement-breakpoint
CREATE TRIGGER restaurants_set_updated_at BEFORE UPDATE ON "restaurants" FOR EACH ROW EXECUTE FUNCTION iris_set_updated_at();--> statement-breakpoint
CREATE TRIGGER supplier_members_set_updated_at BEFORE UPDATE ON "supplier_members" FOR EACH ROW EXECUTE FUNCTION iris_set_updated_at();--> statement-breakpoint
CREATE TRIGGER restaurant_members_set_updated_at BEFORE UPDATE ON "restaurant_members" FOR EACH ROW EXECUTE FUNCTION iris_set_updated_at();--> statement-breakpoint
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON "audit_log" FOR EACH ROW EXECUTE FUNCTION iris_reject_change();--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON "audit_log" FOR EACH STATEMENT EXECUTE FUNCTION iris_reject_change();
