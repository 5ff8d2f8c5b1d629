#!/usr/bin/env bash
# Side-by-side benchmark of vaekit's TPE/random samplers and Optuna 3.1's, printed as markdown.
#
#   bench/tpe/compare.sh                      # 100 trials, seeds 0-19, all problems
#   SEEDS=0-99 PROBLEMS=branin bench/tpe/compare.sh
#
# Environment:
#   TRIALS (100), SEEDS (0-19), PROBLEMS (all in problems.json), OPTUNA_BUDGET seconds (1200),
#   PYTHON (/usr/bin/python3: Debian's python3-optuna), OUT_DIR (a temp dir; raw JSON goes there),
#   NO_BUILD=1 to use the existing build as is, VAEKIT_SAMPLERS to point at a compiled samplers dir.
#
# Build: by default the study package is built (`npx tsc -p tsconfig.json` in packages/study) and
# run_ours.js requires packages/study/dist/samplers. If that build fails,
# only src/samplers is compiled into a temp dir and VAEKIT_SAMPLERS points there.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TRIALS=${TRIALS:-100}
SEEDS=${SEEDS:-0-19}
PROBLEMS=${PROBLEMS:-branin,logscale,int_cat,hartmann6,rosenbrock4,mixed5}
OPTUNA_BUDGET=${OPTUNA_BUDGET:-1200}
PY=${PYTHON:-/usr/bin/python3}
OUT=${OUT_DIR:-$(mktemp -d)}
mkdir -p "$OUT"

if [ -z "${VAEKIT_SAMPLERS:-}" ] && [ -z "${NO_BUILD:-}" ]; then
  if (cd "$ROOT/packages/study" && npx tsc -p tsconfig.json) >"$OUT/build.log" 2>&1; then
    echo "built packages/study/dist (full package build)" >&2
  else
    echo "full package build failed (see $OUT/build.log); compiling src/samplers alone" >&2
    (cd "$ROOT/packages/study" && npx tsc src/samplers/index.ts --outDir "$OUT/samplers-build" \
      --target ES2022 --module commonjs --moduleResolution node --strict --esModuleInterop --skipLibCheck --types node)
    export VAEKIT_SAMPLERS="$OUT/samplers-build/samplers"
    [ -f "$VAEKIT_SAMPLERS/index.js" ] || export VAEKIT_SAMPLERS="$OUT/samplers-build/study/samplers"
  fi
fi

echo "running ours..." >&2
node "$HERE/run_ours.js" --trials "$TRIALS" --seeds "$SEEDS" --problems "$PROBLEMS" --samplers tpe,tpe-keyed,random >"$OUT/ours.json"
echo "running optuna (budget ${OPTUNA_BUDGET}s)..." >&2
"$PY" "$HERE/run_optuna.py" --trials "$TRIALS" --seeds "$SEEDS" --problems "$PROBLEMS" --budget "$OPTUNA_BUDGET" >"$OUT/optuna.json"
node "$HERE/table.js" "$OUT/ours.json" "$OUT/optuna.json"
echo "(raw results in $OUT)" >&2
