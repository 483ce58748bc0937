ALTER TABLE "order_lines" DROP CONSTRAINT "order_lines_amounts";--> statement-breakpoint
ALTER TABLE "restaurants" ADD COLUMN "vat_number" text;--> statement-breakpoint
ALTER TABLE "suppliers" ADD COLUMN "vat_number" text;--> statement-breakpoint
-- A Swedish VAT registration number is "SE", the organisation number and "01".
UPDATE "suppliers" SET "vat_number" = 'SE' || "org_number" || '01';--> statement-breakpoint
ALTER TABLE "suppliers" ALTER COLUMN "vat_number" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "suppliers" ADD COLUMN "bankgiro" text;--> statement-breakpoint
ALTER TABLE "order_lines" ADD COLUMN "stock_taken" boolean;--> statement-breakpoint
-- Placement took stock for the products tracked at the time; for orders placed before this column, the
-- products tracked now are the best record of that.
UPDATE "order_lines" l SET "stock_taken" = (p."stock_quantity" IS NOT NULL) FROM "products" p WHERE p."id" = l."product_id";--> statement-breakpoint
ALTER TABLE "order_lines" ALTER COLUMN "stock_taken" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "supply_date" date;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "payment_terms_days" integer;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "due_date" date;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "seller" jsonb;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "buyer" jsonb;--> statement-breakpoint
-- Orders delivered before this migration freeze their parties as they stand now, as the invoice showed them.
UPDATE "orders" o SET
  "supply_date" = (coalesce(o."delivered_at", o."placed_at") AT TIME ZONE 'Europe/Stockholm')::date,
  "payment_terms_days" = s."payment_terms_days",
  "due_date" = (coalesce(o."delivered_at", o."placed_at") AT TIME ZONE 'Europe/Stockholm')::date + s."payment_terms_days",
  "seller" = jsonb_build_object('legalName', s."legal_name", 'orgNumber', s."org_number", 'vatNumber', s."vat_number",
    'bankgiro', s."bankgiro", 'address', jsonb_build_object('line', s."address_line", 'postalCode', s."postal_code",
    'city', s."city", 'country', s."country")),
  "buyer" = jsonb_build_object('legalName', r."legal_name", 'orgNumber', r."org_number", 'vatNumber', r."vat_number",
    'address', jsonb_build_object('line', r."address_line", 'postalCode', r."postal_code", 'city', r."city",
    'country', r."country"))
FROM "suppliers" s, "restaurants" r
WHERE s."id" = o."supplier_id" AND r."id" = o."restaurant_id" AND o."status" IN ('delivered', 'invoiced');--> statement-breakpoint
ALTER TABLE "restaurants" ADD CONSTRAINT "restaurants_vat_number_form" CHECK ("restaurants"."vat_number" ~ '^SE[0-9]{10}01$');--> statement-breakpoint
ALTER TABLE "suppliers" ADD CONSTRAINT "suppliers_vat_number_form" CHECK ("suppliers"."vat_number" ~ '^SE[0-9]{10}01$');--> statement-breakpoint
ALTER TABLE "suppliers" ADD CONSTRAINT "suppliers_bankgiro_digits" CHECK ("suppliers"."bankgiro" ~ '^[0-9]{7,8}$');--> statement-breakpoint
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_amounts" CHECK ("order_lines"."net_cents" >= 0 AND "order_lines"."unit_price_cents" >= 1);--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_invoice_frozen" CHECK ("orders"."status" NOT IN ('delivered', 'invoiced') OR ("orders"."supply_date" IS NOT NULL AND "orders"."payment_terms_days" IS NOT NULL
        AND "orders"."due_date" IS NOT NULL AND "orders"."seller" IS NOT NULL AND "orders"."buyer" IS NOT NULL));--> statement-breakpoint
ALTER TABLE "order_lines" DROP COLUMN "tax_cents";--> statement-breakpoint
-- No silent default: every product states its VAT category.
ALTER TABLE "products" ALTER COLUMN "vat_category" DROP DEFAULT;
