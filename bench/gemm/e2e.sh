#!/usr/bin/env bash
# Training-step throughput of a benchmark spec with the AVX-512 SGEMM kernel and with the AVX2 one
# (VAEKIT_NATIVE_AVX512=0), alternately, ROUNDS runs each, best of each and their ratio.
# Usage: bench/gemm/e2e.sh [MODEL=text] [ROUNDS=3] [THREADS=1]
set -euo pipefail
cd "$(dirname "$0")/../.."
MODEL=${1:-text}
ROUNDS=${2:-3}
THREADS=${3:-1}
echo "vaekit bench --model $MODEL --threads $THREADS, $ROUNDS alternating runs per kernel"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A best=([avx512]=0 [avx2]=0)
for r in $(seq 1 "$ROUNDS"); do
  for isa in avx512 avx2; do
    flag=1; [ "$isa" = avx2 ] && flag=0
    line=$(VAEKIT_NATIVE_AVX512=$flag node packages/tuner/dist/cli/main.js bench --model "$MODEL" --threads "$THREADS" --json | tail -1)
    v=$(node -e 'const r = JSON.parse(process.argv[1]); console.log(r.tokensPerSec || r.samplesPerSec)' "$line")
    echo "  run $r $isa: $v"
    best[$isa]=$(node -e 'console.log(Math.max(+process.argv[1], +process.argv[2]))' "${best[$isa]}" "$v")
  done
done
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
unit=$([ "$MODEL" = text ] && echo tokens/s || echo samples/s)
node -e 'const [a, b, u] = process.argv.slice(1); console.log(`best: avx512 ${(+a).toFixed(0)} ${u}, avx2 ${(+b).toFixed(0)} ${u}, ratio ${(a / b).toFixed(3)}`)' "${best[avx512]}" "${best[avx2]}" "$unit"
