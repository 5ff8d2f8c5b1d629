#!/usr/bin/env bash
# Side by side, in one go: training speed of vaekit's benchmark specs (vaekit bench) against the
# PyTorch references on the same machine, at 1 thread and at every core, each side given the same
# --threads. Runs alternate (vaekit, PyTorch, vaekit, PyTorch, ...) and each side keeps its best of
# --rounds, so a busy moment on a shared machine hurts both sides alike. Prints one table per thread
# count with the ratio per model, then vaekit's own scaling (every core ÷ 1 thread) and PyTorch's
# best thread count. The machine, its load average and the method are printed with the tables.
#
# Needs: apt-get install -y python3-torch libopenblas0-pthread, and the PyTorch references (single-
# file implementations of the same networks, not part of vaekit): torch_vae.py for mlp and conv,
# named by TORCH_VAE, and torch_seq_vae.py for text, named by TORCH_SEQ_VAE.
# Usage: TORCH_VAE=/path/torch_vae.py TORCH_SEQ_VAE=/path/torch_seq_vae.py \
#          bench/throughput.sh [--threads N] [--rounds R] [mlp|conv|text ...]
#   --threads N   only N threads (default: 1, then every core)
#   --rounds R    runs per side and model, best kept (default 3)
#   models        default: mlp conv text (text needs only TORCH_SEQ_VAE, mlp/conv only TORCH_VAE)
set -euo pipefail
cd "$(dirname "$0")/.."
usage="usage: TORCH_VAE=/path/torch_vae.py TORCH_SEQ_VAE=/path/torch_seq_vae.py bench/throughput.sh [--threads N] [--rounds R] [mlp|conv|text ...]"
cores=$(node -e 'const os=require("os");console.log(os.availableParallelism?os.availableParallelism():os.cpus().length)')
threadsList=(1 "$cores")
rounds=3
models=()
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threadsList=("${2:-}"); shift 2 ;;
    --rounds) rounds="${2:-}"; shift 2 ;;
    mlp|conv|text) models+=("$1"); shift ;;
    *) echo "$usage" >&2; echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
for t in "${threadsList[@]}"; do
  [[ "$t" =~ ^[1-9][0-9]*$ ]] || { echo "$usage" >&2; echo "--threads: expected an integer >= 1, found \"$t\"" >&2; exit 2; }
done
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "$usage" >&2; echo "--rounds: expected an integer >= 1, found \"$rounds\"" >&2; exit 2; }
[ ${#models[@]} -gt 0 ] || models=(mlp conv text)
# One thread count when the machine has one core.
[ "${#threadsList[@]}" -eq 2 ] && [ "${threadsList[0]}" = "${threadsList[1]}" ] && threadsList=(1)
for m in "${models[@]}"; do
  if [ "$m" = text ]; then var=TORCH_SEQ_VAE; ref=${TORCH_SEQ_VAE:-}; script=torch_seq_vae.py; else var=TORCH_VAE; ref=${TORCH_VAE:-}; script=torch_vae.py; fi
  if [ -z "$ref" ] || [ ! -f "$ref" ]; then
    echo "$usage" >&2
    echo "$var must name the PyTorch reference script $script (model $m)${ref:+; not found: $ref}." >&2
    exit 2
  fi
done

steps() { case "$1" in mlp) echo 100 ;; conv) echo 20 ;; text) echo 30 ;; esac; }
# One run of each side: prints the speed (samples/s, tokens/s for text).
ours() {
  node packages/tuner/dist/cli/main.js bench --model "$1" --steps "$(steps "$1")" --threads "$2" --json 2>/dev/null | tail -1 |
    node -e 'const o=JSON.parse(require("fs").readFileSync(0,"utf8")); console.log(o.tokensPerSec ?? o.samplesPerSec, o.backend)'
}
theirs() {
  if [ "$1" = text ]; then
    /usr/bin/python3 "$TORCH_SEQ_VAE" throughput --steps "$(steps text)" --threads "$2" | tail -1
  else
    /usr/bin/python3 "$TORCH_VAE" throughput --model "$1" --steps "$(steps "$1")" --threads "$2" | tail -1
  fi | node -e 'const o=JSON.parse(require("fs").readFileSync(0,"utf8")); console.log(o.tokensPerSec ?? o.samplesPerSec)'
}
max() { node -e 'console.log(Math.max(...process.argv.slice(1).map(Number)))' "$@"; }

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
echo "machine: ${cpu:-unknown CPU}, $cores cores; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "method: vaekit bench and the PyTorch reference alternately, $rounds runs each per model and thread count, best run kept"
echo "units: samples/s (mlp, conv: batch 128), tokens/s (text: 32 sequences of 22 tokens + <eos>)"
declare -A best_ours best_theirs backend
for t in "${threadsList[@]}"; do
  for m in "${models[@]}"; do
    o=0; p=0
    for ((r = 0; r < rounds; r++)); do
      read -r v b < <(ours "$m" "$t"); o=$(max "$o" "$v"); backend[$m]=$b
      v=$(theirs "$m" "$t"); p=$(max "$p" "$v")
    done
    best_ours[$m,$t]=$o; best_theirs[$m,$t]=$p
  done
  echo
  echo "$t thread$([ "$t" -gt 1 ] && echo s):"
  printf '| model | vaekit | backend | PyTorch | ratio |\n| --- | --- | --- | --- | --- |\n'
  for m in "${models[@]}"; do
    node -e 'const [m,o,b,p]=process.argv.slice(1); console.log(`| ${m} | ${(+o).toFixed(0)} | ${b} | ${(+p).toFixed(0)} | ${(o/p).toFixed(2)} |`)' \
      "$m" "${best_ours[$m,$t]}" "${backend[$m]}" "${best_theirs[$m,$t]}"
  done
done
if [ "${#threadsList[@]}" -gt 1 ]; then
  n=${threadsList[1]}
  echo
  echo "scaling and PyTorch's best thread count:"
  printf '| model | vaekit %s threads ÷ 1 | PyTorch best (threads) | vaekit %s threads ÷ PyTorch best |\n| --- | --- | --- | --- |\n' "$n" "$n"
  for m in "${models[@]}"; do
    node -e 'const [m,n,o1,on,p1,pn]=process.argv.slice(1); const [pb,pt]=+pn>+p1?[+pn,n]:[+p1,1];
      console.log(`| ${m} | ${(on/o1).toFixed(2)} | ${pb.toFixed(0)} (${pt}) | ${(on/pb).toFixed(2)} |`)' \
      "$m" "$n" "${best_ours[$m,1]}" "${best_ours[$m,$n]}" "${best_theirs[$m,1]}" "${best_theirs[$m,$n]}"
  done
fi
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
