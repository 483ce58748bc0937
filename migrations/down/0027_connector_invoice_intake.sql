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
ALTER TABLE "connector_invoice_documents" ADD CONSTRAINT "connector_invoice_documents_restaurant_id_restaurants_id_fk" FOREIGN KEY ("restaurant_id") REFERENCES "public"."restaurants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "connector_invoice_documents_restaurant_hash_key" ON "connector_invoice_documents" USING btree ("restaurant_id","sha256");--> statement-breakpoint
CREATE TRIGGER connector_invoice_documents_set_updated_at BEFORE UPDATE ON "connector_invoice_documents" FOR EACH ROW EXECUTE FUNCTION iris_set_updated_at();
