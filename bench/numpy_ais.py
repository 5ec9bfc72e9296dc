#!/usr/bin/env python3
"""numpy_ais.py - the peer half of bench/ais: forward AIS on an RBM of the same
shape, runs and linear schedule as bench_ais, written the way a numpy user
writes it (every run a row of one float32 matrix, two matrix products per
step), timed without the set-up, and printed as key=value lines. The weights
are random: the cost of annealing does not depend on them."""
import argparse
import time

import numpy as np


def softplus(x):
    return np.logaddexp(0.0, x)


def sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def ais(W, b, c, b_base, runs, steps, rng):
    """log w of `runs` AIS runs from the base model (visible biases b_base,
    no weights) to the RBM (W, b, c) over a linear beta schedule."""
    betas = np.linspace(0.0, 1.0, steps + 1, dtype=np.float32)
    v = (rng.random((runs, W.shape[0]), dtype=np.float32) < sigmoid(b_base)).astype(np.float32)
    log_w = np.zeros(runs)
    for k in range(1, steps + 1):
        prev, beta = betas[k - 1], betas[k]
        vw = v @ W + c
        base_part, model_part = v @ b_base, v @ b
        log_w += (beta - prev) * (model_part - base_part)
        log_w += (softplus(beta * vw) - softplus(prev * vw)).sum(axis=1)
        if k == steps:
            break
        h = (rng.random(vw.shape, dtype=np.float32) < sigmoid(beta * vw)).astype(np.float32)
        pre = (1.0 - beta) * b_base + beta * (h @ W.T + b)
        v = (rng.random(pre.shape, dtype=np.float32) < sigmoid(pre)).astype(np.float32)
    return log_w


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--runs", type=int, default=100)
    p.add_argument("--steps", type=int, default=1000)
    p.add_argument("--visible", type=int, default=784)
    p.add_argument("--hidden", type=int, default=500)
    a = p.parse_args()
    rng = np.random.default_rng(1)
    W = (0.01 * rng.standard_normal((a.visible, a.hidden))).astype(np.float32)
    b = (0.1 * rng.standard_normal(a.visible)).astype(np.float32)
    c = np.zeros(a.hidden, dtype=np.float32)
    b_base = b.copy()
    start = time.perf_counter()
    log_w = ais(W, b, c, b_base, a.runs, a.steps, rng)
    seconds = time.perf_counter() - start
    assert np.all(np.isfinite(log_w))
    print(f"numpy_version={np.__version__}")
    print(f"numpy_ais_seconds={seconds:.3f}")
    flops = 2 * 2 * a.visible * a.hidden * a.runs * a.steps
    print(f"numpy_ais_gflops={flops / seconds / 1e9:.2f}")


if __name__ == "__main__":
    main()
