CREATE TYPE "public"."supplier_invoice_discrepancy_reason" AS ENUM('PRICE_DIFFERS', 'QUANTITY_DIFFERS', 'LINE_NOT_ORDERED', 'LINE_MISSING', 'VAT_RATE_WRONG', 'TOTALS_INCONSISTENT', 'DUPLICATE_INVOICE', 'CURRENCY_DIFFERS');--> statement-breakpoint
CREATE TYPE "public"."supplier_invoice_document_type" AS ENUM('invoice', 'credit_note');--> statement-breakpoint
CREATE TYPE "public"."supplier_invoice_format" AS ENUM('pdf', 'png', 'jpeg', 'tiff', 'ubl', 'cii');--> statement-breakpoint
CREATE TYPE "public"."supplier_invoice_status" AS ENUM('received', 'extracting', 'extracted', 'needs_review', 'failed', 'matched', 'disputed', 'approved', 'credited');--> statement-breakpoint
CREATE TABLE "supplier_invoice_discrepancies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"invoice_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"reason" "supplier_invoice_discrepancy_reason" NOT NULL,
	"invoice_line_no" integer,
	"order_line_no" integer,
	"amount_cents" bigint NOT NULL,
	"expected" text,
	"actual" text
);
--> statement-breakpoint
CREATE TABLE "supplier_invoice_history" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"invoice_id" uuid NOT NULL,
	"action" text NOT NULL,
	"from_status" "supplier_invoice_status",
	"to_status" "supplier_invoice_status",
	"actor_account_id" uuid,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "supplier_invoice_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"invoice_id" uuid NOT NULL,
	"line_no" integer NOT NULL,
	"seller_item_id" text,
	"gtin" text,
	"description" text NOT NULL,
	"quantity" numeric(14, 3) NOT NULL,
	"unit_code" text,
	"unit_price_cents" bigint NOT NULL,
	"net_cents" bigint NOT NULL,
	"vat_category" text,
	"vat_rate_bp" integer,
	"order_line_no" integer
);
--> statement-breakpoint
CREATE TABLE "supplier_invoice_tolerances" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"supplier_id" uuid NOT NULL,
	"tolerance_bp" integer NOT NULL,
	CONSTRAINT "supplier_invoice_tolerances_range" CHECK ("supplier_invoice_tolerances"."tolerance_bp" BETWEEN 0 AND 10000)
);
--> statement-breakpoint
CREATE TABLE "supplier_invoices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"owner_kind" text NOT NULL,
	"owner_org_id" uuid NOT NULL,
	"restaurant_id" uuid,
	"supplier_id" uuid,
	"uploaded_by" uuid,
	"status" "supplier_invoice_status" DEFAULT 'received' NOT NULL,
	"declared_type" "supplier_invoice_document_type",
	"document_type" "supplier_invoice_document_type",
	"file_key" text NOT NULL,
	"file_sha256" char(64) NOT NULL,
	"file_size" integer NOT NULL,
	"file_name" text,
	"format" "supplier_invoice_format" NOT NULL,
	"content_type" text NOT NULL,
	"extraction_source" text,
	"extraction_attempts" integer DEFAULT 0 NOT NULL,
	"fields" jsonb,
	"document" jsonb,
	"invoice_number" text,
	"issue_date" date,
	"currency" char(3),
	"payable_cents" bigint,
	"order_id" uuid,
	"credits_invoice_id" uuid,
	"review_reasons" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"failure_reason" text,
	"disputed_cents" bigint DEFAULT 0 NOT NULL,
	"credited_cents" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "supplier_invoices_party" CHECK ("supplier_invoices"."restaurant_id" IS NOT NULL OR "supplier_invoices"."supplier_id" IS NOT NULL),
	CONSTRAINT "supplier_invoices_amounts" CHECK ("supplier_invoices"."disputed_cents" >= 0 AND "supplier_invoices"."credited_cents" >= 0)
);
--> statement-breakpoint
ALTER TABLE "supplier_invoice_discrepancies" ADD CONSTRAINT "supplier_invoice_discrepancies_invoice_id_supplier_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."supplier_invoices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_invoice_history" ADD CONSTRAINT "supplier_invoice_history_invoice_id_supplier_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."supplier_invoices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_invoice_lines" ADD CONSTRAINT "supplier_invoice_lines_invoice_id_supplier_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."supplier_invoices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_invoice_tolerances" ADD CONSTRAINT "supplier_invoice_tolerances_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."suppliers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_invoices" ADD CONSTRAINT "supplier_invoices_restaurant_id_restaurants_id_fk" FOREIGN KEY ("restaurant_id") REFERENCES "public"."restaurants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_invoices" ADD CONSTRAINT "supplier_invoices_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."suppliers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_invoices" ADD CONSTRAINT "supplier_invoices_uploaded_by_accounts_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_invoices" ADD CONSTRAINT "supplier_invoices_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_invoices" ADD CONSTRAINT "supplier_invoices_credits_invoice_id_supplier_invoices_id_fk" FOREIGN KEY ("credits_invoice_id") REFERENCES "public"."supplier_invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "supplier_invoice_discrepancies_invoice_idx" ON "supplier_invoice_discrepancies" USING btree ("invoice_id","position");--> statement-breakpoint
CREATE INDEX "supplier_invoice_history_invoice_idx" ON "supplier_invoice_history" USING btree ("invoice_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "supplier_invoice_lines_invoice_line_key" ON "supplier_invoice_lines" USING btree ("invoice_id","line_no");--> statement-breakpoint
CREATE UNIQUE INDEX "supplier_invoice_tolerances_supplier_key" ON "supplier_invoice_tolerances" USING btree ("supplier_id");--> statement-breakpoint
CREATE UNIQUE INDEX "supplier_invoices_owner_file_key" ON "supplier_invoices" USING btree ("owner_kind","owner_org_id","file_sha256") WHERE "supplier_invoices"."deleted_at" IS NULL;--> statement-breakpoint
CREATE INDEX "supplier_invoices_restaurant_idx" ON "supplier_invoices" USING btree ("restaurant_id","created_at");--> statement-breakpoint
CREATE INDEX "supplier_invoices_supplier_idx" ON "supplier_invoices" USING btree ("supplier_id","created_at");--> statement-breakpoint
CREATE INDEX "supplier_invoices_status_idx" ON "supplier_invoices" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "supplier_invoices_number_idx" ON "supplier_invoices" USING btree ("supplier_id","invoice_number");--> statement-breakpoint
CREATE INDEX "supplier_invoices_order_idx" ON "supplier_invoices" USING btree ("order_id");--> statement-breakpoint
CREATE TRIGGER supplier_invoices_set_updated_at BEFORE UPDATE ON "supplier_invoices" FOR EACH ROW EXECUTE FUNCTION iris_set_updated_at();--> statement-breakpoint
CREATE TRIGGER supplier_invoice_lines_set_updated_at BEFORE UPDATE ON "supplier_invoice_lines" FOR EACH ROW EXECUTE FUNCTION iris_set_updated_at();--> statement-breakpoint
CREATE TRIGGER supplier_invoice_discrepancies_set_updated_at BEFORE UPDATE ON "supplier_invoice_discrepancies" FOR EACH ROW EXECUTE FUNCTION iris_set_updated_at();--> statement-breakpoint
CREATE TRIGGER supplier_invoice_history_set_updated_at BEFORE UPDATE ON "supplier_invoice_history" FOR EACH ROW EXECUTE FUNCTION iris_set_updated_at();--> statement-breakpoint
CREATE TRIGGER supplier_invoice_tolerances_set_updated_at BEFORE UPDATE ON "supplier_invoice_tolerances" FOR EACH ROW EXECUTE FUNCTION iris_set_updated_at();