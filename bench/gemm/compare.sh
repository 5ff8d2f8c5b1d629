#!/usr/bin/env bash
# Side-by-side SGEMM benchmark: vaekit's native sgemm vs PyTorch's torch.mm (OpenBLAS) on the
# shapes of shapes.json (the text, GRU and MLP specs' GEMMs, transposed cases included).
# The sides run alternately, ROUNDS rounds each, one process per round; the report keeps each
# side's best round per shape (the machine may be shared: best-of filters other processes out).
# With AVX-512, the native side runs both its kernels (AVX-512 and, with VAEKIT_NATIVE_AVX512=0, AVX2).
# Usage: bench/gemm/compare.sh [ROUNDS=3] [THREADS=1]   (ONLY=regex: only the shapes whose name matches)
set -euo pipefail
cd "$(dirname "$0")"
ROUNDS=${1:-3}
THREADS=${2:-1}
PY=${PYTHON:-/usr/bin/python3}
filter=()
if [ -n "${ONLY:-}" ]; then filter=(--only "$ONLY"); fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; threads $THREADS; $ROUNDS rounds per side"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# On a CPU with AVX-512 the native side also runs its AVX2 kernel (the one used without AVX-512).
isa=$(node -e "const n = require('../../packages/native').load(); console.log(n && n.sgemmIsa ? n.sgemmIsa() : 'avx2')")
for r in $(seq 1 "$ROUNDS"); do
  node native_gemm.js --threads "$THREADS" "${filter[@]}" >>"$out/native.jsonl"
  if [ "$isa" = avx512 ]; then
    VAEKIT_NATIVE_AVX512=0 node native_gemm.js --threads "$THREADS" "${filter[@]}" >>"$out/native.jsonl"
  fi
  "$PY" torch_gemm.py --threads "$THREADS" "${filter[@]}" >>"$out/torch.jsonl"
done
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
node report.js "$out/native.jsonl" "$out/torch.jsonl"
