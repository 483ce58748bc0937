-- The product listing's category filter matches folded names ("kott" finds "Kött"): this index answers it,
-- price-ordered like products_category_price_idx, which stays for the per-category counts (GET /categories).
CREATE INDEX IF NOT EXISTS "products_category_fold_idx" ON "products" USING btree (iris_fold("category"),"price_cents") WHERE "products"."deleted_at" IS NULL AND "products"."active";
