DROP TABLE IF EXISTS "stripe_events";
--> statement-breakpoint
DROP TABLE IF EXISTS "payouts";
--> statement-breakpoint
DROP TABLE IF EXISTS "payment_refunds";
--> statement-breakpoint
DROP TABLE IF EXISTS "payments";
--> statement-breakpoint
DROP TABLE IF EXISTS "payment_accounts";
--> statement-breakpoint
ALTER TABLE "orders" DROP COLUMN IF EXISTS "payment_method";
--> statement-breakpoint
DROP TYPE IF EXISTS "public"."refund_status";
--> statement-breakpoint
DROP TYPE IF EXISTS "public"."payment_status";
--> statement-breakpoint
DROP TYPE IF EXISTS "public"."payment_method";
