#!/usr/bin/python3
"""digits-pll.py — ebm against scikit-learn on the 8x8 digits: trains
scikit-learn's BernoulliRBM with experiments/rbm-digits.yaml's settings, runs
that experiment with ebm, and scores both models with the same one-site
pseudo-likelihood formula, scikit-learn's score_samples
    n_visible * log sigma(F(v~) - F(v)),  v~ = v with v_i -> 1 - v_i, i random,
by scikit-learn's own code (ebm's parameters loaded into a BernoulliRBM), and
by its mean over every site i (the same formula without the site's draw).
ebm's own figure for its model is printed beside them. ebm also scores its
model on the rows repeated 200 times (a site drawn for each copy); the exit
status is 1 when that figure is further than 4 standard errors from the
every-site mean of scikit-learn's formula on the same model.
    /usr/bin/python3 scripts/digits-pll.py [EBM [OUT_DIR]]
EBM defaults to build/ebm, OUT_DIR to runs/digits-pll. Needs python3-sklearn
and python3-h5py (Debian). About a minute on 2 cores.
"""
import os
import subprocess
import sys

import h5py
import numpy as np
from sklearn.neural_network import BernoulliRBM

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
# experiments/rbm-digits.yaml, in scikit-learn's words
HIDDEN, LR, BATCH, EPOCHS, SEED = 100, 0.06, 10, 20, 0
REPEAT = 200


def site_terms(rbm, x):
    """n * log sigma(F(v~_i) - F(v)) for every row (axis 0) and site i (axis 1)."""
    fe = rbm._free_energy(x)
    terms = np.empty(x.shape)
    for i in range(x.shape[1]):
        flipped = x.copy()
        flipped[:, i] = 1 - flipped[:, i]
        terms[:, i] = -np.logaddexp(0, -(rbm._free_energy(flipped) - fe))
    return x.shape[1] * terms


def final_metric(h5, name):
    return float(h5[f"/metrics/{name}/value"][-1])


def main():
    ebm = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "ebm")
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join("runs", "digits-pll")
    os.makedirs(out, exist_ok=True)
    csv = os.path.join(out, "digits.csv")
    subprocess.run([sys.executable, os.path.join(HERE, "digits-csv.py"), csv], check=True)
    x = np.loadtxt(csv, delimiter=",", skiprows=1)[:, :-1]
    # The rows REPEAT times over, each copy with a site of its own, scored as
    # a test split: the same every-site mean with a standard error sqrt(REPEAT)
    # times smaller, small enough to tell a formula off by a fraction of a nat.
    with open(csv) as f:
        header, body = f.readline(), f.read()
    repeated = os.path.join(out, f"digits-x{REPEAT}.csv")
    with open(repeated, "w") as f:
        f.write(header + body * REPEAT)

    run = os.path.join(out, "ebm")
    estimators = ("[{type: pseudo_likelihood, split: train, sites: one, rows: 0}, "
                  "{type: pseudo_likelihood, name: pll_repeated, split: test, sites: one, "
                  f"rows: 0, test: {{type: csv, path: {os.path.abspath(repeated)}, "
                  "label_column: label}}]")
    subprocess.run([ebm, "run", os.path.join(ROOT, "experiments", "rbm-digits.yaml"),
                    f"data.path={os.path.abspath(csv)}", f"log.estimators={estimators}",
                    "--out", run, "--quiet", "--force"], check=True, stdout=subprocess.DEVNULL)
    with h5py.File(os.path.join(run, "run.h5"), "r") as f:
        ebm_own = final_metric(f, "pseudo_likelihood")
        ebm_repeated = final_metric(f, "pll_repeated")
        w, b, c = (np.asarray(f[f"/model/{k}"], dtype=np.float64) for k in ("W", "b", "c"))
    ebm_rbm = BernoulliRBM(n_components=HIDDEN)
    ebm_rbm.components_, ebm_rbm.intercept_visible_, ebm_rbm.intercept_hidden_ = w.T, b, c

    sk = BernoulliRBM(n_components=HIDDEN, learning_rate=LR, batch_size=BATCH,
                      n_iter=EPOCHS, random_state=SEED).fit(x)

    print(f"{'model':<28}{'score_samples':>14}{'every site':>12}{'ebm':>10}")
    for name, rbm in (("scikit-learn BernoulliRBM", sk), ("ebm rbm", ebm_rbm)):
        rbm.random_state = SEED
        sampled = rbm.score_samples(x).mean()
        terms = site_terms(rbm, x)
        own = f"{ebm_own:10.3f}" if rbm is ebm_rbm else ""
        print(f"{name:<28}{sampled:14.3f}{terms.mean():12.3f}{own}")
    # ebm's figures draw one site per row as score_samples does, from ebm's
    # own streams: on the repeated rows, an estimate of the every-site mean
    # with this standard error.
    terms = site_terms(ebm_rbm, x)
    se = terms.std() / np.sqrt(len(x) * REPEAT)
    off = abs(ebm_repeated - terms.mean())
    verdict = "agrees with" if off <= 4 * se else "DIFFERS from"
    print(f"ebm on the rows x{REPEAT} {verdict} scikit-learn's formula on ebm's model: "
          f"|{ebm_repeated:.3f} - ({terms.mean():.3f})| = {off:.3f}, 4 SE = {4 * se:.3f}")
    return 0 if off <= 4 * se else 1

if __name__ == "__main__":
    sys.exit(main())
