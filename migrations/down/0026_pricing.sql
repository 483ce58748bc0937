DROP TABLE IF EXISTS "price_proposals";--> statement-breakpoint
DROP TABLE IF EXISTS "price_agreements";--> statement-breakpoint
DROP TABLE IF EXISTS "pricing_rules";--> statement-breakpoint
DROP TABLE IF EXISTS "pricing_settings";--> statement-breakpoint
DROP TYPE IF EXISTS "public"."pricing_proposal_status";--> statement-breakpoint
DROP TYPE IF EXISTS "public"."pricing_mode";--> statement-breakpoint
ALTER TABLE "product_prices" DROP CONSTRAINT IF EXISTS "product_prices_source_known";--> statement-breakpoint
ALTER TABLE "product_prices" DROP COLUMN IF EXISTS "pricing_inputs";--> statement-breakpoint
ALTER TABLE "product_prices" DROP COLUMN IF EXISTS "pricing_proposal_id";--> statement-breakpoint
ALTER TABLE "product_prices" DROP COLUMN IF EXISTS "pricing_rule_id";--> statement-breakpoint
ALTER TABLE "product_prices" DROP COLUMN IF EXISTS "source";--> statement-breakpoint
ALTER TABLE "products" DROP COLUMN IF EXISTS "best_before_date";
