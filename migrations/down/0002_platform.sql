DROP TABLE IF EXISTS "notification_deliveries";
--> statement-breakpoint
DROP TABLE IF EXISTS "webhook_endpoints";
--> statement-breakpoint
DROP TABLE IF EXISTS "device_tokens";
--> statement-breakpoint
DROP TABLE IF EXISTS "outbox_events";
