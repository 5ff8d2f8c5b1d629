#!/usr/bin/env bash
# Side by side, in one go: training samples/s of vaekit's benchmark specs on the default backend
# against the PyTorch reference (single thread), and the ratio.
# Needs: apt-get install -y python3-torch libopenblas0-pthread, and the PyTorch reference torch_vae.py
# (a single-file PyTorch implementation of the same two models, not part of vaekit), named by TORCH_VAE.
# Usage: TORCH_VAE=/path/to/torch_vae.py bench/throughput.sh [mlp|conv ...]   (default: mlp conv)
set -euo pipefail
cd "$(dirname "$0")/.."
REF=${TORCH_VAE:-}
if [ -z "$REF" ] || [ ! -f "$REF" ]; then
  echo "usage: TORCH_VAE=/path/to/torch_vae.py bench/throughput.sh [mlp|conv ...]" >&2
  echo "TORCH_VAE must name the PyTorch reference script torch_vae.py${REF:+ (not found: $REF)}." >&2
  exit 2
fi
models=("${@:-mlp conv}")
printf '| model | vaekit samples/s | backend | PyTorch samples/s | ratio |\n| --- | --- | --- | --- | --- |\n'
for m in ${models[@]}; do
  steps=100; [ "$m" = conv ] && steps=20
  ours=$(node packages/tuner/dist/cli/main.js bench --model "$m" --steps "$steps" --json 2>/dev/null | tail -1)
  ref=$(/usr/bin/python3 "$REF" throughput --model "$m" --steps "$steps" | tail -1)
  node -e '
    const o = JSON.parse(process.argv[1]), r = JSON.parse(process.argv[2]);
    console.log(`| ${o.model} | ${o.samplesPerSec.toFixed(0)} | ${o.backend} | ${r.samplesPerSec.toFixed(0)} | ${(o.samplesPerSec / r.samplesPerSec).toFixed(2)} |`);
  ' "$ours" "$ref"
done
