DROP INDEX IF EXISTS "products_category_fold_idx";
