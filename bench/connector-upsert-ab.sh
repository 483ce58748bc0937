#!/usr/bin/env bash
# bench/connector-upsert-ab.sh BASE_DIR [ROUNDS] — code A/B of the connector upsert step: runs
# `tsx bench/connector-upsert.ts` alternately from BASE_DIR (another checkout, e.g. `git archive main | tar -x`,
# with node_modules linked) and from this checkout, one round per run, in the order A B B A A B …, each into its own
# scratch database (i17_ab_base, i17_ab_head), so both codes see the same load and the same table growth.
# Prints one JSON line per pass; each run also saves its result file under its checkout's bench/results.
set -euo pipefail
base=$(cd "$1" && pwd)
head=$(cd "$(dirname "$0")/.." && pwd)
rounds=${2:-3}
run() { (cd "$1" && BENCH_UPSERT_ROUNDS=1 nice -n 19 npx tsx bench/connector-upsert.ts "$2" | sed "s/^/$3 /"); }
for ((r = 1; r <= rounds; r++)); do
  if ((r % 2)); then order="base head"; else order="head base"; fi
  for side in $order; do
    if [[ $side == base ]]; then run "$base" i17_ab_base base; else run "$head" i17_ab_head head; fi
    echo "load $(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%H:%M:%S)"
  done
done
