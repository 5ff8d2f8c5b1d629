#!/usr/bin/env python3
"""Optuna 3.1 side of the multi-objective benchmark: the same studies (ZDT1 / ZDT2, 5 variables
x0..x4 in [0, 1] suggested in that order, both minimised) with NSGAIISampler(seed=seed) and
TPESampler(seed=seed) (MOTPE on a multi-objective study), hypervolume of the Pareto front
against (1.1, 6.0) by Optuna's own WFG, as JSON lines on stdout.

    /usr/bin/python3 bench/multiobjective/run_optuna.py --trials 200 --seeds 0-9 > optuna.jsonl
"""
import argparse
import json
import time

import numpy as np
import optuna
from optuna._hypervolume import WFG

optuna.logging.set_verbosity(optuna.logging.ERROR)
N_VARS = 5
REFERENCE = np.array([1.1, 6.0])


def g(x):
    return 1 + 9 * sum(x[1:]) / (len(x) - 1)


def zdt1(x):
    gx = g(x)
    return x[0], gx * (1 - (x[0] / gx) ** 0.5)


def zdt2(x):
    gx = g(x)
    return x[0], gx * (1 - (x[0] / gx) ** 2)


PROBLEMS = {"zdt1": zdt1, "zdt2": zdt2}
SAMPLERS = {
    "nsga2": lambda seed: optuna.samplers.NSGAIISampler(seed=seed),
    "tpe": lambda seed: optuna.samplers.TPESampler(seed=seed),
}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--trials", type=int, default=200)
    p.add_argument("--seeds", default="0-9")
    p.add_argument("--samplers", default="nsga2,tpe")
    p.add_argument("--problems", default="zdt1,zdt2")
    a = p.parse_args()
    lo, _, hi = a.seeds.partition("-")
    seeds = range(int(lo), int(hi or lo) + 1)
    for problem in a.problems.split(","):
        f = PROBLEMS[problem]
        for sampler in a.samplers.split(","):
            for seed in seeds:
                study = optuna.create_study(directions=["minimize", "minimize"], sampler=SAMPLERS[sampler](seed))
                t0 = time.perf_counter()
                study.optimize(lambda t: f([t.suggest_float(f"x{i}", 0, 1) for i in range(N_VARS)]), n_trials=a.trials)
                seconds = time.perf_counter() - t0
                front = [list(t.values) for t in study.best_trials]
                pts = np.array([v for v in front if v[0] < REFERENCE[0] and v[1] < REFERENCE[1]])
                hv = float(WFG().compute(pts, REFERENCE)) if len(pts) else 0.0
                print(json.dumps({"impl": "optuna", "problem": problem, "sampler": sampler, "seed": seed, "trials": len(study.trials), "hypervolume": hv, "front": front, "seconds": seconds}), flush=True)


if __name__ == "__main__":
    main()
