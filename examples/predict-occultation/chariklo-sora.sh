#!/usr/bin/env bash
# Reproduces SORA's 8 geocentric Chariklo predictions of 2017-06-20 .. 07-01 with `tno predict`
# (direct mode, no database). Run from the repository root; the reference data folder is
# $TNO_DATA_DIR (default ../shared/data). Outputs go to out/chariklo-2017-06/.
set -euo pipefail
D="${TNO_DATA_DIR:-../shared/data}"
OUT=out/chariklo-2017-06
mkdir -p "$OUT"
# The star file: SORA's star positions at the event epochs, in Gaia column names, zero proper motion.
npx tsx examples/predict-occultation/sora-stars.ts "$OUT/stars.csv" "$D"
node bin/tno.js predict --target 2010199 --name "10199 Chariklo" \
  --kernels "$D/kernels/naif0012.tls,$D/spk_planetary/de438_small_2016-12-22_2018-01-10_sora.bsp,$D/spk_smallbody/chariklo_2010199_nima_2004-2025_sora.bsp" \
  --start 2017-06-20 --end 2017-07-01T00:00:00 --step 60 --mag-limit 18 --diameter 248 \
  --stars "$OUT/stars.csv" --out "$OUT" --maps svg
