#!/usr/bin/env bash
# The sequence VAE benchmark side by side: vaekit's configs/text-ptb.yaml and the PyTorch reference
# torch_seq_vae.py on the same data, budget (5 epochs) and machine, run at the same time, one
# thread each (2 cores), then one table of the test metrics.
# Needs: apt-get install -y python3-torch libopenblas0-pthread; the Penn Treebank files
# ptb.train.txt, ptb.valid.txt, ptb.test.txt (Mikolov's preprocessed version) in PTB_DIR; the
# reference script (a single-file PyTorch implementation of the same network) in TORCH_SEQ_VAE.
# Usage: PTB_DIR=path/to/ptb TORCH_SEQ_VAE=path/to/torch_seq_vae.py bench/text/compare.sh [OUT]
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${PTB_DIR:?set PTB_DIR to the folder with ptb.train.txt, ptb.valid.txt and ptb.test.txt}"
: "${TORCH_SEQ_VAE:?set TORCH_SEQ_VAE to the PyTorch reference torch_seq_vae.py}"
OUT=${1:-out/text-ptb-compare}
mkdir -p "$OUT"
PTB_DIR="$(cd "$PTB_DIR" && pwd)"   # absolute: data paths in a config resolve against its folder
export VAEKIT_DATA_PATHS="$PTB_DIR"
start=$(date +%s)
node packages/tuner/dist/cli/main.js train --config configs/text-ptb.yaml --threads 1 --out "$OUT/vaekit" --json \
  --set data.train="$PTB_DIR/ptb.train.txt" --set data.validation="$PTB_DIR/ptb.valid.txt" --set data.test="$PTB_DIR/ptb.test.txt" \
  > "$OUT/vaekit.json" 2> "$OUT/vaekit.log" &
ours=$!
# One thread each: OPENBLAS_NUM_THREADS too, since torch.set_num_threads does not reach OpenBLAS's pool.
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 /usr/bin/python3 "$TORCH_SEQ_VAE" train --train "$PTB_DIR/ptb.train.txt" --valid "$PTB_DIR/ptb.valid.txt" --test "$PTB_DIR/ptb.test.txt" \
  --epochs 5 --iwae-k 50 --threads 1 > "$OUT/torch.jsonl" 2> "$OUT/torch.log" &
ref=$!
wait $ours $ref
echo "both finished in $(( $(date +%s) - start )) s (machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
node -e '
  const fs = require("fs");
  const o = JSON.parse(fs.readFileSync(process.argv[1], "utf8").trim().split("\n").pop());
  const r = JSON.parse(fs.readFileSync(process.argv[2], "utf8").trim().split("\n").pop());
  const m = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
  const row = (name, t, secs) => `| ${name} | ${t.ppl.toFixed(1)} | ${t.iwaeNll.toFixed(1)} | ${t.negElbo.toFixed(1)} | ${t.kl.toFixed(2)} | ${t.mutualInfo.toFixed(2)} | ${t.activeUnits} | ${secs} |`;
  console.log("| run | test PPL (IWAE) | IWAE NLL | −ELBO | KL | I(x; z) | active units | training s |\n| --- | --- | --- | --- | --- | --- | --- | --- |");
  console.log(row("vaekit", o.test, Math.round(m.trainSeconds)));
  console.log(row("PyTorch reference", r.test, Math.round(r.trainSeconds)));
  console.log(`ratio of perplexities (vaekit ÷ PyTorch): ${(o.test.ppl / r.test.ppl).toFixed(3)}`);
' "$OUT/vaekit.json" "$OUT/torch.jsonl" "$OUT/vaekit/metrics.json"
