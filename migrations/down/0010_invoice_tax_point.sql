ALTER TABLE "products" ALTER COLUMN "vat_category" SET DEFAULT 'food';--> statement-breakpoint
ALTER TABLE "order_lines" ADD COLUMN "tax_cents" bigint;--> statement-breakpoint
-- Line VAT as it was kept before: the line's net × its rate, rounded half up.
UPDATE "order_lines" SET "tax_cents" = ("net_cents" * "vat_rate_bp" * 2 + 10000) / 20000;--> statement-breakpoint
ALTER TABLE "order_lines" ALTER COLUMN "tax_cents" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" DROP CONSTRAINT "orders_invoice_frozen";--> statement-breakpoint
ALTER TABLE "order_lines" DROP CONSTRAINT "order_lines_amounts";--> statement-breakpoint
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_amounts" CHECK ("order_lines"."net_cents" >= 0 AND "order_lines"."tax_cents" >= 0 AND "order_lines"."unit_price_cents" >= 1);--> statement-breakpoint
ALTER TABLE "suppliers" DROP CONSTRAINT "suppliers_bankgiro_digits";--> statement-breakpoint
ALTER TABLE "suppliers" DROP CONSTRAINT "suppliers_vat_number_form";--> statement-breakpoint
ALTER TABLE "restaurants" DROP CONSTRAINT "restaurants_vat_number_form";--> statement-breakpoint
ALTER TABLE "orders" DROP COLUMN "buyer";--> statement-breakpoint
ALTER TABLE "orders" DROP COLUMN "seller";--> statement-breakpoint
ALTER TABLE "orders" DROP COLUMN "due_date";--> statement-breakpoint
ALTER TABLE "orders" DROP COLUMN "payment_terms_days";--> statement-breakpoint
ALTER TABLE "orders" DROP COLUMN "supply_date";--> statement-breakpoint
ALTER TABLE "order_lines" DROP COLUMN "stock_taken";--> statement-breakpoint
ALTER TABLE "suppliers" DROP COLUMN "bankgiro";--> statement-breakpoint
ALTER TABLE "suppliers" DROP COLUMN "vat_number";--> statement-breakpoint
ALTER TABLE "restaurants" DROP COLUMN "vat_number";
