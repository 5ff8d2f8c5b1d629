#!/usr/bin/env bash
# Sampler benchmark: vaekit's GP, QMC and TPE samplers beside Optuna 3.1's TPE, same problems,
# seeds and budgets; prints the median and quartiles of the best value as markdown.
#
#   bench/tpe/samplers.sh                              # 100 trials, seeds 0-9, every problem
#   SEEDS=0-4 PROBLEMS=branin,hartmann6 bench/tpe/samplers.sh
#
# Environment: TRIALS (100), SEEDS (0-9), PROBLEMS (all in problems.json), SAMPLERS (gp,qmc,tpe),
# PYTHON (/usr/bin/python3: Debian's python3-optuna), OUT_DIR (a temp dir; raw JSON goes there),
# NO_BUILD=1 to use packages/study/dist as it is, VAEKIT_SAMPLERS to point at a compiled samplers dir.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TRIALS=${TRIALS:-100}
SEEDS=${SEEDS:-0-9}
PROBLEMS=${PROBLEMS:-$(node -e "console.log(Object.keys(require('$HERE/problems.json')).filter((k) => !k.startsWith('_')).join(','))")}
SAMPLERS=${SAMPLERS:-gp,qmc,tpe}
PY=${PYTHON:-/usr/bin/python3}
OUT=${OUT_DIR:-$(mktemp -d)}
mkdir -p "$OUT"

if [ -z "${VAEKIT_SAMPLERS:-}" ] && [ -z "${NO_BUILD:-}" ]; then
  (cd "$ROOT/packages/study" && npx tsc -p tsconfig.json) >"$OUT/build.log" 2>&1 || { echo "study build failed (see $OUT/build.log)" >&2; exit 1; }
fi

echo "running ours ($SAMPLERS)..." >&2
node "$HERE/run_ours.js" --trials "$TRIALS" --seeds "$SEEDS" --problems "$PROBLEMS" --samplers "$SAMPLERS" >"$OUT/ours.json"
echo "running optuna (tpe)..." >&2
"$PY" "$HERE/run_optuna.py" --trials "$TRIALS" --seeds "$SEEDS" --problems "$PROBLEMS" --samplers tpe --budget 7200 >"$OUT/optuna.json"
node "$HERE/samplers_table.js" "$OUT/ours.json" "$OUT/optuna.json"
echo "(raw results in $OUT)" >&2
