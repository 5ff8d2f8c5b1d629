#!/usr/bin/env bash
# Wall time of one 20-trial study with one worker process, then with two, and the speed-up.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
node -e '
  const { execFileSync } = require("child_process");
  const time = (k) => {
    const t0 = Date.now();
    execFileSync(process.execPath, ["packages/tuner/dist/cli/main.js", "search", "--config", "bench/workers/study.yaml",
      "--workers", String(k), "--out", `${process.argv[1]}/w${k}`], { stdio: "ignore" });
    return (Date.now() - t0) / 1000;
  };
  const one = time(1), two = time(2);
  console.log(`1 worker: ${one.toFixed(1)} s\n2 workers: ${two.toFixed(1)} s\nspeed-up: ${(one / two).toFixed(2)}×`);
' "$out"
