DROP TABLE IF EXISTS "audit_log";
--> statement-breakpoint
DROP TABLE IF EXISTS "supplier_members";
--> statement-breakpoint
DROP TABLE IF EXISTS "restaurant_members";
--> statement-breakpoint
DROP TABLE IF EXISTS "suppliers";
--> statement-breakpoint
DROP TABLE IF EXISTS "restaurants";
--> statement-breakpoint
DROP TABLE IF EXISTS "accounts";
--> statement-breakpoint
DROP TYPE IF EXISTS "public"."member_role";
--> statement-breakpoint
DROP TYPE IF EXISTS "public"."account_role";
