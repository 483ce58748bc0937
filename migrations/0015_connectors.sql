CREATE TYPE "public"."connection_state" AS ENUM('awaiting_code', 'active', 'expired', 'failed', 'disconnected');--> statement-breakpoint
CREATE TYPE "public"."connector_health" AS ENUM('healthy', 'degraded');--> statement-breakpoint
CREATE TABLE "connector_invoice_documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"restaurant_id" uuid NOT NULL,
	"supplier_key" text NOT NULL,
	"filename" text NOT NULL,
	"sha256" char(64) NOT NULL,
	"size_bytes" integer NOT NULL,
	"content_type" text NOT NULL,
	"content" "bytea" NOT NULL,
	CONSTRAINT "connector_invoice_documents_size" CHECK ("connector_invoice_documents"."size_bytes" > 0)
);
--> statement-breakpoint
CREATE TABLE "supplier_catalog_cache" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"connection_id" uuid NOT NULL,
	"product_external_id" text NOT NULL,
	"name" text NOT NULL,
	"price_cents" integer NOT NULL,
	"currency" char(3) DEFAULT 'SEK' NOT NULL,
	"unit" text NOT NULL,
	"pack_text" text NOT NULL,
	"gtin" text,
	"available" boolean NOT NULL,
	"orderable" boolean NOT NULL,
	"raw" jsonb NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"seen_run_id" uuid NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "supplier_catalog_cache_price_positive" CHECK ("supplier_catalog_cache"."price_cents" >= 1)
);
--> statement-breakpoint
CREATE TABLE "supplier_connections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"restaurant_id" uuid NOT NULL,
	"supplier_key" text NOT NULL,
	"status" "connection_state" NOT NULL,
	"scopes" text[] DEFAULT '{}'::text[] NOT NULL,
	"consent_given_at" timestamp with time zone NOT NULL,
	"consent_text_version" text NOT NULL,
	"consent_account_id" uuid NOT NULL,
	"session_expires_at" timestamp with time zone,
	"last_sync_at" timestamp with time zone,
	"last_sync_outcome" text,
	"last_sync_reason" text,
	"last_sync_items" integer,
	"sync_cursor" jsonb,
	"last_invoice_pull_at" timestamp with time zone,
	"disconnected_at" timestamp with time zone,
	CONSTRAINT "supplier_connections_supplier_key" CHECK ("supplier_connections"."supplier_key" ~ '^[a-z][a-z0-9_]{1,39}$')
);
--> statement-breakpoint
CREATE TABLE "supplier_connectors" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"supplier_key" text NOT NULL,
	"supplier_id" uuid NOT NULL,
	"health" "connector_health" DEFAULT 'healthy' NOT NULL,
	"selector_map_version" text,
	"broken_selectors" text[] DEFAULT '{}'::text[] NOT NULL,
	"checked_at" timestamp with time zone,
	CONSTRAINT "supplier_connectors_supplier_key" UNIQUE("supplier_key")
);
--> statement-breakpoint
CREATE TABLE "supplier_session_secrets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"connection_id" uuid NOT NULL,
	"kek_id" text NOT NULL,
	"wrapped_data_key" text NOT NULL,
	"ciphertext" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "supplier_session_secrets_connection_key" UNIQUE("connection_id")
);
--> statement-breakpoint
ALTER TABLE "connector_invoice_documents" ADD CONSTRAINT "connector_invoice_documents_restaurant_id_restaurants_id_fk" FOREIGN KEY ("restaurant_id") REFERENCES "public"."restaurants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_catalog_cache" ADD CONSTRAINT "supplier_catalog_cache_connection_id_supplier_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."supplier_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_connections" ADD CONSTRAINT "supplier_connections_restaurant_id_restaurants_id_fk" FOREIGN KEY ("restaurant_id") REFERENCES "public"."restaurants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_connectors" ADD CONSTRAINT "supplier_connectors_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."suppliers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_session_secrets" ADD CONSTRAINT "supplier_session_secrets_connection_id_supplier_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."supplier_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "connector_invoice_documents_restaurant_hash_key" ON "connector_invoice_documents" USING btree ("restaurant_id","sha256");--> statement-breakpoint
CREATE UNIQUE INDEX "supplier_catalog_cache_connection_product_key" ON "supplier_catalog_cache" USING btree ("connection_id","product_external_id");--> statement-breakpoint
CREATE UNIQUE INDEX "supplier_connections_restaurant_supplier_key" ON "supplier_connections" USING btree ("restaurant_id","supplier_key") WHERE "supplier_connections"."deleted_at" IS NULL;--> statement-breakpoint
CREATE INDEX "supplier_connections_live_idx" ON "supplier_connections" USING btree ("supplier_key","session_expires_at") WHERE "supplier_connections"."status" = 'active' AND "supplier_connections"."deleted_at" IS NULL;--> statement-breakpoint
CREATE TRIGGER connector_invoice_documents_set_updated_at BEFORE UPDATE ON "connector_invoice_documents" FOR EACH ROW EXECUTE FUNCTION iris_set_updated_at();--> statement-breakpoint
CREATE TRIGGER supplier_catalog_cache_set_updated_at BEFORE UPDATE ON "supplier_catalog_cache" FOR EACH ROW EXECUTE FUNCTION iris_set_updated_at();--> statement-breakpoint
CREATE TRIGGER supplier_connections_set_updated_at BEFORE UPDATE ON "supplier_connections" FOR EACH ROW EXECUTE FUNCTION iris_set_updated_at();--> statement-breakpoint
CREATE TRIGGER supplier_connectors_set_updated_at BEFORE UPDATE ON "supplier_connectors" FOR EACH ROW EXECUTE FUNCTION iris_set_updated_at();--> statement-breakpoint
CREATE TRIGGER supplier_session_secrets_set_updated_at BEFORE UPDATE ON "supplier_session_secrets" FOR EACH ROW EXECUTE FUNCTION iris_set_updated_at();
