DROP TABLE IF EXISTS "connector_invoice_documents";--> statement-breakpoint
DROP TABLE IF EXISTS "supplier_catalog_cache";--> statement-breakpoint
DROP TABLE IF EXISTS "supplier_session_secrets";--> statement-breakpoint
DROP TABLE IF EXISTS "supplier_connectors";--> statement-breakpoint
DROP TABLE IF EXISTS "supplier_connections";--> statement-breakpoint
DROP TYPE IF EXISTS "public"."connector_health";--> statement-breakpoint
DROP TYPE IF EXISTS "public"."connection_state";
