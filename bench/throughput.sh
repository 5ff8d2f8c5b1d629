#!/usr/bin/env bash
# Side by side, in one go: training speed of vaekit's benchmark specs (vaekit bench) against the
# PyTorch references on the same machine, at 1 thread and at every core, each side given the same
# --threads. Runs alternate (vaekit, PyTorch, vaekit, PyTorch, ...), each round going through every
# model at every thread count, and each side keeps its best of --rounds, so a busy moment on a
# shared machine hurts both sides and both thread counts alike. Prints one table per thread
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

steps() { case "$1" in mlp) echo 300 ;; conv) echo 30 ;; text) echo 40 ;; esac; }
# Runs a command; prints the last line of its stdout, then the cores it kept busy on average over
# the whole run, start-up included: (user + system CPU time) / wall time.
TIMEFORMAT='%R %U %S'
busy() {
  local out times
  out=$(mktemp); times=$(mktemp)
  { time "$@" >"$out" 2>/dev/null; } 2>"$times"
  echo "$(tail -1 "$out") $(tail -1 "$times" | awk '{ printf "%.2f", ($2 + $3) / $1 }')"
  rm -f "$out" "$times"
}
# From busy's line (a JSON result, then the cores busy): the speed (tokens/s for text, samples/s
# otherwise), the backend when the result names one, and the cores busy.
speed() {
  node -e 'const l=require("fs").readFileSync(0,"utf8").trim(); const i=l.lastIndexOf(" "); const o=JSON.parse(l.slice(0,i));
    console.log([o.tokensPerSec ?? o.samplesPerSec, o.backend, l.slice(i+1)].filter((v) => v !== undefined).join(" "))'
}
# Whether $1 > $2 (numbers).
greater() { node -e 'process.exit(+process.argv[1] > +process.argv[2] ? 0 : 1)' "$1" "$2"; }
# One run of vaekit: prints the speed (samples/s, tokens/s for text), the backend and the cores busy.
ours() {
  busy node packages/tuner/dist/cli/main.js bench --model "$1" --steps "$(steps "$1")" --threads "$2" --json | speed
}
# One run of PyTorch with $2 threads of its own (torch.set_num_threads) and $3 threads in OpenBLAS,
# whose pool torch.set_num_threads does not reach: without OPENBLAS_NUM_THREADS, PyTorch's matrix
# products run on every core even at --threads 1. Prints the speed and the cores busy.
theirs() {
  local script=(/usr/bin/python3 "$TORCH_VAE" throughput --model "$1")
  [ "$1" = text ] && script=(/usr/bin/python3 "$TORCH_SEQ_VAE" throughput)
  busy env OMP_NUM_THREADS="$2" OPENBLAS_NUM_THREADS="$3" MKL_NUM_THREADS="$3" "${script[@]}" --steps "$(steps "$1")" --threads "$2" | speed
}
# PyTorch's thread splits tried at t threads ("torch OpenBLAS"): one thread is 1 and 1; at more,
# every thread in both, or all of them in one of the two (both at once oversubscribe the cores).
splits() { if [ "$1" -eq 1 ]; then echo "1,1"; else echo "$1,$1 1,$1 $1,1"; fi; }

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
echo "machine: ${cpu:-unknown CPU}, $cores cores; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "method: vaekit bench and the PyTorch reference alternately, $rounds rounds of every model at every thread"
echo "        count and PyTorch thread split (torch.set_num_threads, OPENBLAS_NUM_THREADS), best run kept;"
echo "        timed steps: mlp $(steps mlp), conv $(steps conv), text $(steps text); before them vaekit runs as many untimed"
echo "        (V8's compiler and heap warm up over a fresh process's first few hundred steps), PyTorch 3 (it is"
echo "        steady after them); cores busy = CPU time / wall time of that run, start-up and warm-up included"
echo "units: samples/s (mlp, conv: batch 128), tokens/s (text: 32 sequences of 22 tokens + <eos>)"
declare -A ours_v ours_c theirs_v theirs_c theirs_s backend
for t in "${threadsList[@]}"; do for m in "${models[@]}"; do ours_v[$m,$t]=0; theirs_v[$m,$t]=0; done; done
# Each round runs every model at every thread count, so that the runs a ratio or a scaling compares
# are minutes apart at most, never a whole table apart.
for ((r = 0; r < rounds; r++)); do
  for m in "${models[@]}"; do
    for t in "${threadsList[@]}"; do
      read -r v b c < <(ours "$m" "$t"); backend[$m]=$b
      if greater "$v" "${ours_v[$m,$t]}"; then ours_v[$m,$t]=$v; ours_c[$m,$t]=$c; fi
      for s in $(splits "$t"); do
        read -r v c < <(theirs "$m" "${s%,*}" "${s#*,}")
        if greater "$v" "${theirs_v[$m,$t]}"; then
          theirs_v[$m,$t]=$v; theirs_c[$m,$t]=$c; theirs_s[$m,$t]=$s
        fi
      done
    done
  done
done
for t in "${threadsList[@]}"; do
  echo
  echo "$t thread$([ "$t" -gt 1 ] && echo s):"
  printf '| model | vaekit | backend | cores busy | PyTorch | PyTorch threads (torch, OpenBLAS) | cores busy | ratio |\n'
  printf '| --- | --- | --- | --- | --- | --- | --- | --- |\n'
  for m in "${models[@]}"; do
    node -e 'const [m,o,b,oc,p,ps,pc]=process.argv.slice(1); console.log(`| ${m} | ${(+o).toFixed(0)} | ${b} | ${oc} | ${(+p).toFixed(0)} | ${ps.replace(",", ", ")} | ${pc} | ${(o/p).toFixed(2)} |`)' \
      "$m" "${ours_v[$m,$t]}" "${backend[$m]}" "${ours_c[$m,$t]}" "${theirs_v[$m,$t]}" "${theirs_s[$m,$t]}" "${theirs_c[$m,$t]}"
  done
done
if [ "${#threadsList[@]}" -gt 1 ]; then
  n=${threadsList[1]}
  echo
  echo "scaling, and PyTorch at its best:"
  printf '| model | vaekit %s threads ÷ 1 | PyTorch best (torch, OpenBLAS threads) | vaekit %s threads ÷ PyTorch best |\n| --- | --- | --- | --- |\n' "$n" "$n"
  for m in "${models[@]}"; do
    node -e 'const [m,o1,on,p1,pn,sn]=process.argv.slice(1); const [pb,ps]=+pn>+p1?[+pn,sn]:[+p1,"1,1"];
      console.log(`| ${m} | ${(on/o1).toFixed(2)} | ${pb.toFixed(0)} (${ps.replace(",", ", ")}) | ${(on/pb).toFixed(2)} |`)' \
      "$m" "${ours_v[$m,1]}" "${ours_v[$m,$n]}" "${theirs_v[$m,1]}" "${theirs_v[$m,$n]}" "${theirs_s[$m,$n]}"
  done
fi
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
