DROP TABLE IF EXISTS "idempotency_keys";
--> statement-breakpoint
DROP TABLE IF EXISTS "order_status_history";
--> statement-breakpoint
DROP TABLE IF EXISTS "order_lines";
--> statement-breakpoint
DROP TABLE IF EXISTS "orders";
--> statement-breakpoint
DROP TYPE IF EXISTS "public"."idempotency_state";
--> statement-breakpoint
DROP TYPE IF EXISTS "public"."order_status";
