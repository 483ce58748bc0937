#!/usr/bin/env bash
# bench/connector-upsert-bound.sh [ROUNDS] — what the products table's indexes cost the connector's first write.
# Builds a template database with this checkout's migrations and a catalog (bench/connector-upsert.ts writes
# 20,000 products of a first supplier into it), copies it three times and removes indexes from two copies:
#   i17_bound_all      every index, as migrated
#   i17_bound_gin      the 8 read-path btrees dropped (listing, category, price and created sorts, supplier, SKU
#                      prefix, GTIN); primary key, the live (supplier, SKU) key and both GIN indexes kept
#   i17_bound_keys     only the primary key and the live (supplier, SKU) key left
# then runs the upsert step with two writers over the three in turn (bench/connector-upsert.ts). The copies are
# scratch databases, dropped and recreated on every run; nothing here touches the application's schema.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-4}
admin=${BENCH_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
psql "$admin" -qc 'DROP DATABASE IF EXISTS i17_bound_template' >/dev/null
BENCH_UPSERT_ROUNDS=0 npx tsx bench/connector-upsert.ts i17_bound_template >/dev/null
read_path="DROP INDEX products_sku_prefix_idx; DROP INDEX products_gtin_idx; DROP INDEX products_listing_idx;
  DROP INDEX products_category_price_idx; DROP INDEX products_category_fold_idx; DROP INDEX products_supplier_idx;
  DROP INDEX products_price_name_listing_idx; DROP INDEX products_created_name_listing_idx;"
for v in all gin keys; do
  psql "$admin" -qc "DROP DATABASE IF EXISTS i17_bound_$v" -c "CREATE DATABASE i17_bound_$v TEMPLATE i17_bound_template" >/dev/null
done
url() { echo "${admin%/*}/$1"; }
psql "$(url i17_bound_gin)" -qc "$read_path"
psql "$(url i17_bound_keys)" -qc "$read_path DROP INDEX products_name_sku_trgm_idx; DROP INDEX products_search_vector_idx;"
BENCH_UPSERT_WRITERS=2 BENCH_UPSERT_ROUNDS=$rounds npx tsx bench/connector-upsert.ts i17_bound_all i17_bound_gin i17_bound_keys
