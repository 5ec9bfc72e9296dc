#!/usr/bin/python3
"""digits-csv.py — scikit-learn's 8x8 digits (load_digits: 1797 images, grey
levels 0..16) as a CSV that ebm's csv dataset reads: a header, 64 pixel
columns p0..p63 scaled to [0, 1] (divided by 16), then the class in `label`.
Debian's python3-sklearn ships the data, so nothing is downloaded.
    /usr/bin/python3 scripts/digits-csv.py [OUT.csv]   (default: digits.csv)
"""
import sys

from sklearn.datasets import load_digits


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "digits.csv"
    digits = load_digits()
    x = digits.data / 16.0
    with open(out, "w") as f:
        f.write(",".join([f"p{i}" for i in range(x.shape[1])] + ["label"]) + "\n")
        for row, label in zip(x, digits.target):
            f.write(",".join(f"{v:.8g}" for v in row) + f",{int(label)}\n")


if __name__ == "__main__":
    main()
