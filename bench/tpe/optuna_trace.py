#!/usr/bin/env python3
"""Records Optuna's TPE trials (params and values, in order) for the replay test of vaekit's
numpy-compatible stream (packages/study/test/fixtures/optuna-3.1-tpe-traces.json), and a few
numpy RandomState draws, inner products and logarithms (whose last bits decide Optuna's ties between
categorical choices). Run with Debian's python: /usr/bin/python3 bench/tpe/optuna_trace.py > FILE

With --multiobjective it records multi-objective TPE instead (two-objective studies, and Optuna's
below/above split and below weights on random losses) for
packages/study/test/fixtures/optuna-3.1-motpe-traces.json.
"""
import json
import math
import sys
import warnings

import numpy as np
import optuna

import run_optuna  # the benchmark's objectives and search spaces

CASES = [
    ("branin", 0, 40),
    ("branin", 7, 40),
    ("logscale", 1, 30),
    ("int_cat", 2, 40),
    ("int_cat", 8, 60),
    ("hartmann6", 3, 30),
    ("mixed5", 13, 40),
    ("mixed5", 4, 60),
    ("mixed5", 17, 40),
    ("categoricals", 4, 40),
    ("off_grid", 0, 40),
    ("off_grid", 2, 40),
]


CATEGORICALS = {
    "a": ["p", "q"],
    "b": ["r", "s", "t"],
    "c": ["u", "v", "w", "x", "y"],
    "d": ["k%d" % i for i in range(6)],
    "e": ["m%d" % i for i in range(9)],
}


def categoricals(p):
    """Five categorical parameters with 2, 3, 5, 6 and 9 choices (each of OpenBLAS's code paths) and an int."""
    offsets = {"p": 0, "q": 0.5, "r": 0.3, "s": 0, "t": 0.3, "u": 0.2, "v": 0.2, "w": 0, "x": 0.4, "y": 0.2}
    offsets.update({"k%d" % i: (i % 3) * 0.1 for i in range(6)})
    offsets.update({"m%d" % i: abs(i - 4) * 0.05 for i in range(9)})
    return sum(offsets[p[k]] for k in CATEGORICALS) + 0.01 * (p["n"] - 7) ** 2


OFF_GRID = {
    "drop": {"type": "float", "low": 0, "high": 0.95, "step": 0.25},  # Optuna moves high down to 0.75
    "units": {"type": "int", "low": 0, "high": 10, "step": 3},  # and this one to 9
    "lr": {"type": "float", "low": 1e-4, "high": 0.5, "log": True},
    "flag": {"type": "categorical", "choices": [True, False]},
    "mixed": {"type": "categorical", "choices": [None, "a", 3]},
}


def off_grid(p):
    """Stepped parameters whose high is off their grid, a log float and categoricals of several types."""
    return (p["drop"] - 0.25) ** 2 + ((p["units"] - 6) / 9) ** 2 + (math.log10(p["lr"]) + 2) ** 2 / 4 + (0 if p["flag"] else 0.2) + {None: 0.1, "a": 0, 3: 0.3}[p["mixed"]]


EXTRA = {
    "off_grid": (OFF_GRID, off_grid),
    "categoricals": (
        dict({k: {"type": "categorical", "choices": c} for k, c in CATEGORICALS.items()}, n={"type": "int", "low": 1, "high": 20}),
        categoricals,
    )
}


def trace(problem, seed, n):
    spec, f = EXTRA[problem] if problem in EXTRA else (run_optuna.PROBLEMS[problem]["params"], run_optuna.OBJECTIVES[problem])
    study = optuna.create_study(direction="minimize", sampler=optuna.samplers.TPESampler(seed=seed))
    study.optimize(lambda t: f({k: run_optuna.suggest(t, k, d) for k, d in spec.items()}), n_trials=n)
    return {
        "problem": problem,
        "seed": seed,
        "space": spec,
        "trials": [{"params": t.params, "value": t.value} for t in study.trials],
    }


def inner_products():
    """np.inner(P.T, w) as Optuna's categorical log_pdf computes it, for TPE-like P (rows: a component's
    probabilities over k choices) and w (mixture weights), k = 2..6 (each OpenBLAS code path)."""
    rs = np.random.RandomState(3)
    out = []
    for k, n in [(2, 13), (3, 9), (4, 30), (4, 7), (5, 21), (6, 18), (7, 40)]:
        obs = rs.randint(0, k, size=n)
        w = np.append(rs.rand(n), 1.0)
        w /= w.sum()
        p = np.full((n + 1, k), 1.0 / (n + 1))
        p[np.arange(n), obs] += 1
        p /= p.sum(axis=1, keepdims=True)
        out.append({"rows": p.tolist(), "weights": w.tolist(), "inner": np.inner(p.T, w).tolist()})
    return out


def logs():
    """numpy.log of a float64 array (SVML's log8 on AVX-512 machines: not always Math.log's last bit)."""
    rs = np.random.RandomState(9)
    # Ratios of small integers, as TPE's weights and probabilities are, often sit where the hardware's
    # reciprocal estimate inside SVML decides the rounding (2/45: mantissa 64/45).
    ratios = [2 / 45, 4 / 45, 32 / 45, 2 / 33, 8 / 35, 1 / 37, 2 / 39, 16 / 41, 4 / 43, 1 / 47, 2 / 49, 8 / 51]
    x = np.concatenate([rs.rand(30), rs.rand(10) * 1e-4, np.exp(rs.randn(10) * 5), np.arange(1.0, 11.0), ratios])
    return {"x": x.tolist(), "log": np.log(x).tolist()}


def zdt1(x):
    g = 1 + 9 * sum(x[1:]) / (len(x) - 1)
    return [x[0], g * (1 - math.sqrt(x[0] / g))]


MO_SPACES = {
    "zdt1_3": {"x%d" % i: {"type": "float", "low": 0, "high": 1} for i in range(3)},
    "mixed2": {
        "lr": {"type": "float", "low": 1e-4, "high": 1e-1, "log": True},
        "width": {"type": "int", "low": 8, "high": 256, "log": True},
        "act": {"type": "categorical", "choices": ["relu", "tanh", "elu"]},
        "layers": {"type": "int", "low": 1, "high": 4},
    },
}


def mixed2(p):
    err = (math.log10(p["lr"]) + 2) ** 2 + {"relu": 0, "tanh": 0.2, "elu": 0.1}[p["act"]] + 1 / (1 + math.log2(p["width"])) + 0.1 * p["layers"]
    return [err, math.log2(p["width"]) * p["layers"] / 8]


MO_OBJECTIVES = {"zdt1_3": lambda p: zdt1([p["x%d" % i] for i in range(3)]), "mixed2": mixed2}
MO_CASES = [("zdt1_3", 0, 60), ("zdt1_3", 5, 40), ("mixed2", 1, 60)]


def mo_trace(problem, seed, n):
    spec = MO_SPACES[problem]
    f = MO_OBJECTIVES[problem]
    sampler = optuna.samplers.TPESampler(seed=seed)
    study = optuna.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(lambda t: f({k: run_optuna.suggest(t, k, d) for k, d in spec.items()}), n_trials=n)
    return {"problem": problem, "seed": seed, "space": spec, "trials": [{"params": t.params, "values": t.values} for t in study.trials]}


def mo_splits():
    """Optuna's below/above split (non-domination ranks, then greedy hypervolume subset selection) and
    its hypervolume-contribution weights of the below group, on random two- and three-objective losses
    (some repeated)."""
    from optuna.samplers._tpe.sampler import _calculate_weights_below_for_multi_objective
    from optuna.samplers._tpe.sampler import _split_observation_pairs

    rs = np.random.RandomState(21)
    out = []
    for n, d, n_below in [(12, 2, 3), (30, 2, 5), (25, 3, 4), (8, 2, 8), (20, 2, 0), (40, 2, 7)]:
        losses = rs.rand(n, d)
        losses[n // 2] = losses[1]  # a repeated point
        scores = [(-float("inf"), list(v)) for v in losses]
        below, above = _split_observation_pairs(scores, n_below, None)
        weights = _calculate_weights_below_for_multi_objective(scores, below, None)
        out.append({"losses": losses.tolist(), "nBelow": n_below, "below": below.tolist(), "above": above.tolist(), "weights": weights.tolist()})
    return out


def main():
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    warnings.filterwarnings("ignore")
    if "--multiobjective" in sys.argv[1:]:
        print(json.dumps({"optuna": optuna.__version__, "splits": mo_splits(), "traces": [mo_trace(*c) for c in MO_CASES]}))
        return
    rs = np.random.RandomState(0)
    first = rs.random_sample(3).tolist()
    rs.random_sample(700)  # past the first regeneration of the 624-word state
    later = rs.random_sample(3).tolist()
    choice = np.random.RandomState(5).choice(4, 8, p=[0.1, 0.2, 0.3, 0.4]).tolist()
    big = np.random.RandomState(4294967295).random_sample(2).tolist()
    out = {
        "optuna": optuna.__version__,
        "numpy": {"seed0_first3": first, "seed0_after703": later, "seed5_choice": choice, "seedMax_first2": big},
        "inner": inner_products(),
        "log": logs(),
        "traces": [trace(*c) for c in CASES],
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
