-- Every catalog insert maintained products_category_price_idx, whose only reader was the per-category counts
-- (GET /categories, GROUP BY category). Since 0030 products_category_fold_idx has the same partial predicate and
-- includes `category`, so the counts are an index-only scan of it, and the older index is dropped: one btree less
-- per product written by a connector's first sync (issue #17).
DROP INDEX IF EXISTS "products_category_price_idx";--> statement-breakpoint
