#!/usr/bin/env python3
"""sklearn_rbm.py - the peer half of bench/rbm-vs-sklearn: times scikit-learn's
BernoulliRBM fit() on the same binarised Fashion-MNIST (float32, pixel > 0.5)
that bench_rbm trains ebm on, and prints key=value lines."""
import argparse
import gzip
import os
import sys
import time

import numpy as np
from sklearn.neural_network import BernoulliRBM
import sklearn


def read_idx_images(path):
    """IDX3 images (LeCun's format) as an (n, rows*cols) uint8 array."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic, n, rows, cols = (int.from_bytes(raw[i:i + 4], "big") for i in range(0, 16, 4))
    if magic != 2051 or len(raw) != 16 + n * rows * cols:
        sys.exit(f"sklearn_rbm.py: {path}: not an IDX3 image file "
                 f"(magic {magic}, {len(raw)} bytes)")
    return np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(n, rows * cols)


def blas_description():
    try:
        import threadpoolctl
        for lib in threadpoolctl.threadpool_info():
            if lib.get("user_api") == "blas":
                return f"{lib.get('internal_api')} {lib.get('version')}", lib.get("num_threads")
    except ImportError:
        pass
    return "unknown", 0


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()

    images = read_idx_images(os.path.join(args.data, "train-images-idx3-ubyte.gz"))
    # the same binarisation as ebm's fashion_mnist plugin: grey = byte/255 > 0.5
    x = (images.astype(np.float32) / np.float32(255.0) > np.float32(0.5)).astype(np.float32)

    rbm = BernoulliRBM(n_components=args.hidden, learning_rate=0.05,
                       batch_size=args.batch, n_iter=args.epochs, verbose=0,
                       random_state=0)
    start = time.perf_counter()
    rbm.fit(x)
    seconds = time.perf_counter() - start

    blas, threads = blas_description()
    samples = x.shape[0] * args.epochs
    print(f"# scikit-learn {sklearn.__version__} BernoulliRBM, numpy {np.__version__}, "
          f"{blas}, {threads} threads; input {x.dtype} {x.shape[0]} x {x.shape[1]}, "
          f"weights {rbm.components_.dtype}")
    print(f"sklearn_epochs={args.epochs}")
    print(f"sklearn_samples={samples}")
    print(f"sklearn_train_seconds={seconds:.3f}")
    print(f"sklearn_samples_per_s={samples / seconds:.0f}")


if __name__ == "__main__":
    main()
