CREATE TABLE "credit_notes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"order_id" uuid NOT NULL,
	"serial" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "credit_notes_serial_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"issue_date" date NOT NULL,
	"reason" text NOT NULL,
	"currency" char(3) NOT NULL,
	"subtotal_cents" bigint NOT NULL,
	"tax_cents" bigint NOT NULL,
	"total_cents" bigint NOT NULL,
	"vat" jsonb NOT NULL,
	"issued_by" uuid,
	CONSTRAINT "credit_notes_serial_key" UNIQUE("serial"),
	CONSTRAINT "credit_notes_total_is_sum" CHECK ("credit_notes"."total_cents" = "credit_notes"."subtotal_cents" + "credit_notes"."tax_cents"),
	CONSTRAINT "credit_notes_amounts" CHECK ("credit_notes"."subtotal_cents" > 0 AND "credit_notes"."tax_cents" >= 0)
);
--> statement-breakpoint
CREATE TABLE "credit_note_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"credit_note_id" uuid NOT NULL,
	"line_no" integer NOT NULL,
	"invoice_line_no" integer NOT NULL,
	"sku" text NOT NULL,
	"name" text NOT NULL,
	"unit" text NOT NULL,
	"quantity" numeric(12, 3) NOT NULL,
	"unit_price_cents" integer NOT NULL,
	"vat_category" "vat_category" NOT NULL,
	"vat_rate_bp" integer NOT NULL,
	"net_cents" bigint NOT NULL,
	CONSTRAINT "credit_note_lines_note_line_key" UNIQUE("credit_note_id","line_no"),
	CONSTRAINT "credit_note_lines_quantity_positive" CHECK ("credit_note_lines"."quantity" > 0),
	CONSTRAINT "credit_note_lines_net" CHECK ("credit_note_lines"."net_cents" >= 0)
);
--> statement-breakpoint
ALTER TABLE "credit_notes" ADD CONSTRAINT "credit_notes_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_notes" ADD CONSTRAINT "credit_notes_issued_by_accounts_id_fk" FOREIGN KEY ("issued_by") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_note_lines" ADD CONSTRAINT "credit_note_lines_credit_note_id_credit_notes_id_fk" FOREIGN KEY ("credit_note_id") REFERENCES "public"."credit_notes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "credit_notes_order_idx" ON "credit_notes" USING btree ("order_id","serial");--> statement-breakpoint
CREATE TRIGGER credit_notes_set_updated_at BEFORE UPDATE ON "credit_notes" FOR EACH ROW EXECUTE FUNCTION iris_set_updated_at();--> statement-breakpoint
CREATE TRIGGER credit_note_lines_set_updated_at BEFORE UPDATE ON "credit_note_lines" FOR EACH ROW EXECUTE FUNCTION iris_set_updated_at();
