#!/usr/bin/env python3
"""Optuna 3.1 side of the TPE benchmark: best value after N trials per (problem, sampler, seed), as JSON.

Run with Debian's python (the one that has python3-optuna):
    /usr/bin/python3 bench/tpe/run_optuna.py --trials 100 --seeds 0-19 > optuna.json
"""
import argparse
import json
import math
import os
import sys
import time

import optuna

HERE = os.path.dirname(os.path.abspath(__file__))
PROBLEMS = json.load(open(os.path.join(HERE, "problems.json")))

HARTMANN_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
HARTMANN_P = [
    [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
    [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
    [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650],
    [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
]
HARTMANN_ALPHA = [1.0, 1.2, 3.0, 3.2]


def branin(p):
    x, y = p["x"], p["y"]
    b, c, r, s, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 6, 10, 1 / (8 * math.pi)
    return (y - b * x**2 + c * x - r) ** 2 + s * (1 - t) * math.cos(x) + s


def logscale(p):
    u = math.log10(p["lr"]) + 2.5
    v = p["momentum"] - 0.9
    return u**2 + 10 * v**2 + 0.5 * u * v


HIDDEN_BEST = {"relu": 192, "tanh": 320, "elu": 128}
ACT_OFFSET = {"relu": 0.0, "tanh": 0.3, "elu": 0.1}


def int_cat(p):
    h, a, d = p["hidden"], p["activation"], p["dropout"]
    return 0.5 * (math.log2(h) - math.log2(HIDDEN_BEST[a])) ** 2 + ACT_OFFSET[a] + 4 * (d - 0.2) ** 2


def hartmann6(p):
    x = [p["x%d" % i] for i in range(6)]
    total = 0.0
    for i in range(4):
        total += HARTMANN_ALPHA[i] * math.exp(-sum(HARTMANN_A[i][j] * (x[j] - HARTMANN_P[i][j]) ** 2 for j in range(6)))
    return -total


def rosenbrock4(p):
    x = [p["x%d" % i] for i in range(4)]
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(3))


MIXED5_ACT = {"relu": 0.0, "elu": 0.15, "tanh": 0.6, "sigmoid": 1.5}


def mixed5(p):
    return (
        (math.log10(p["lr"]) + 3.2) ** 2
        + 0.3 * (p["layers"] - 3) ** 2
        + 0.8 * (math.log2(p["width"]) - 8.5) ** 2
        + MIXED5_ACT[p["act"]]
        + 0.5 * math.log(p["beta"]) ** 2
    )


HARTMANN3_A = [[3, 10, 30], [0.1, 10, 35], [3, 10, 30], [0.1, 10, 35]]
HARTMANN3_P = [[0.3689, 0.117, 0.2673], [0.4699, 0.4387, 0.747], [0.1091, 0.8732, 0.5547], [0.0381, 0.5743, 0.8828]]
INTQUAD_CENTRE = [3, -4, 7, 0, -1]


def hartmann3(p):
    x = [p["x0"], p["x1"], p["x2"]]
    total = 0.0
    for i in range(4):
        total += HARTMANN_ALPHA[i] * math.exp(-sum(HARTMANN3_A[i][j] * (x[j] - HARTMANN3_P[i][j]) ** 2 for j in range(3)))
    return -total


def camel6(p):
    x, y = p["x"], p["y"]
    return (4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2


def ackley5(p):
    x = [p["x%d" % i] for i in range(5)]
    sq = sum(v * v for v in x) / len(x)
    cs = sum(math.cos(2 * math.pi * v) for v in x) / len(x)
    return -20 * math.exp(-0.2 * math.sqrt(sq)) - math.exp(cs) + 20 + math.e


def levy6(p):
    w = [1 + (p["x%d" % i] - 1) / 4 for i in range(6)]
    s = math.sin(math.pi * w[0]) ** 2
    for i in range(5):
        s += (w[i] - 1) ** 2 * (1 + 10 * math.sin(math.pi * w[i] + 1) ** 2)
    return s + (w[5] - 1) ** 2 * (1 + math.sin(2 * math.pi * w[5]) ** 2)


def styblinski10(p):
    return sum(p["x%d" % i] ** 4 - 16 * p["x%d" % i] ** 2 + 5 * p["x%d" % i] for i in range(10)) / 2


def intquad5(p):
    d = [p["n%d" % i] - INTQUAD_CENTRE[i] for i in range(5)]
    return sum(d[i] ** 2 + (0.5 * d[i] * d[i + 1] if i < 4 else 0) for i in range(5))


OBJECTIVES = {
    "branin": branin,
    "logscale": logscale,
    "int_cat": int_cat,
    "hartmann6": hartmann6,
    "rosenbrock4": rosenbrock4,
    "mixed5": mixed5,
    "hartmann3": hartmann3,
    "camel6": camel6,
    "ackley5": ackley5,
    "levy6": levy6,
    "styblinski10": styblinski10,
    "intquad5": intquad5,
}


def suggest(trial, name, d):
    if d["type"] == "float":
        return trial.suggest_float(name, d["low"], d["high"], log=d.get("log", False), step=d.get("step"))
    if d["type"] == "int":
        return trial.suggest_int(name, d["low"], d["high"], log=d.get("log", False), step=d.get("step", 1))
    return trial.suggest_categorical(name, d["choices"])


def run(problem, sampler_name, seed, n_trials):
    spec = PROBLEMS[problem]["params"]
    f = OBJECTIVES[problem]
    if sampler_name == "tpe":
        sampler = optuna.samplers.TPESampler(seed=seed)
    elif sampler_name == "tpe-mv":
        sampler = optuna.samplers.TPESampler(seed=seed, multivariate=True)
    else:
        sampler = optuna.samplers.RandomSampler(seed=seed)
    study = optuna.create_study(direction="minimize", sampler=sampler)
    study.optimize(lambda t: f({n: suggest(t, n, d) for n, d in spec.items()}), n_trials=n_trials)
    return study.best_value


def parse_seeds(s):
    if "-" in s:
        a, b = s.split("-")
        return list(range(int(a), int(b) + 1))
    return [int(x) for x in s.split(",")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=100)
    ap.add_argument("--seeds", default="0-19")
    ap.add_argument("--problems", default=",".join(OBJECTIVES))
    ap.add_argument("--samplers", default="tpe,random")
    ap.add_argument("--budget", type=float, default=900, help="stop (and say so) after this many seconds")
    args = ap.parse_args()
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    import warnings

    warnings.filterwarnings("ignore")
    start = time.time()
    out = {"runner": "optuna " + optuna.__version__, "trials": args.trials, "results": {}}
    for problem in args.problems.split(","):
        for sampler_name in args.samplers.split(","):
            bests = []
            for seed in parse_seeds(args.seeds):
                if time.time() - start > args.budget:
                    out["truncated"] = True
                    break
                bests.append(run(problem, sampler_name, seed, args.trials))
            out["results"].setdefault(problem, {})[sampler_name] = bests
    out["seconds"] = round(time.time() - start, 1)
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
