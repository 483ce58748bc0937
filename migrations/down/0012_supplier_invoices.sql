DROP TABLE IF EXISTS "supplier_invoice_tolerances";
--> statement-breakpoint
DROP TABLE IF EXISTS "supplier_invoice_history";
--> statement-breakpoint
DROP TABLE IF EXISTS "supplier_invoice_discrepancies";
--> statement-breakpoint
DROP TABLE IF EXISTS "supplier_invoice_lines";
--> statement-breakpoint
DROP TABLE IF EXISTS "supplier_invoices";
--> statement-breakpoint
DROP TYPE IF EXISTS "public"."supplier_invoice_status";
--> statement-breakpoint
DROP TYPE IF EXISTS "public"."supplier_invoice_format";
--> statement-breakpoint
DROP TYPE IF EXISTS "public"."supplier_invoice_document_type";
--> statement-breakpoint
DROP TYPE IF EXISTS "public"."supplier_invoice_discrepancy_reason";
