"""Histogram of every random initializer's samples against its exact density, in one PNG.

Each panel draws one weight with gpuparam, histograms its values and overlays the
density the initializer promises, computed independently with ``scipy.stats`` from the
published formula (not from gpuparam's code). The panel title gives the
Kolmogorov-Smirnov p-value of the samples against that distribution.

Needs the ``plot`` extra (``pip install -e ".[plot]"``: matplotlib and SciPy).

Usage:
    python examples/plot_initializers.py [OUTPUT.png]     # default docs/initializers.png
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

import gpuparam
from gpuparam.common.initializer import (DeltaOrthogonal, HeNormal, HeUniform, LecunNormal,
                                         LecunUniform, Normal, Orthogonal, Sparse,
                                         TruncatedNormal, Uniform, VarianceScaling,
                                         XavierNormal, XavierUniform, initializer)

DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "initializers.png"

# A convolution weight (out, in, kh, kw): fan_in = 64 * 9 = 576, fan_out = 128 * 9 = 1152.
CONV = (128, 64, 3, 3)
FAN_IN, FAN_OUT = 64 * 9, 128 * 9


def panels(stats) -> list[tuple[str, object, tuple[int, ...], Callable[[np.ndarray], np.ndarray], object]]:
    """(title, initializer, shape, sample selector, frozen scipy distribution) per panel."""
    every = lambda w: w.ravel()  # noqa: E731
    he_gain = math.sqrt(2.0)     # HeUniform/HeNormal defaults: leaky_relu, slope 0
    lecun_s = math.sqrt(1.0 / FAN_IN) / stats.truncnorm.std(-2, 2)
    vs_s = math.sqrt(2.0 / FAN_OUT) / stats.truncnorm.std(-2, 2)
    avg = (FAN_IN + FAN_OUT) / 2
    sphere = lambda n, gain: stats.beta((n - 1) / 2, (n - 1) / 2, loc=-gain, scale=2 * gain)  # noqa: E731
    return [
        ("Uniform(0.5)", Uniform(0.5), (512, 512), every, stats.uniform(-0.5, 1.0)),
        ("Normal(0.2, mean=1)", Normal(0.2, 1.0), (512, 512), every, stats.norm(1.0, 0.2)),
        ("TruncatedNormal(1, a=-1, b=2)", TruncatedNormal(1.0, a=-1.0, b=2.0), (512, 512), every,
         stats.truncnorm(-1.0, 2.0)),
        ("XavierUniform()", XavierUniform(), CONV, every,
         stats.uniform(-math.sqrt(6 / (FAN_IN + FAN_OUT)), 2 * math.sqrt(6 / (FAN_IN + FAN_OUT)))),
        ("XavierNormal()", XavierNormal(), CONV, every,
         stats.norm(0, math.sqrt(2 / (FAN_IN + FAN_OUT)))),
        ("HeUniform()", HeUniform(), CONV, every,
         stats.uniform(-he_gain * math.sqrt(3 / FAN_IN), 2 * he_gain * math.sqrt(3 / FAN_IN))),
        ("HeNormal(mode='fan_out')", HeNormal(mode="fan_out"), CONV, every,
         stats.norm(0, he_gain / math.sqrt(FAN_OUT))),
        ("LecunUniform()", LecunUniform(), CONV, every,
         stats.uniform(-math.sqrt(3 / FAN_IN), 2 * math.sqrt(3 / FAN_IN))),
        ("LecunNormal()", LecunNormal(), CONV, every,
         stats.truncnorm(-2, 2, scale=lecun_s)),
        ("VarianceScaling(2, 'fan_out')", VarianceScaling(2.0, "fan_out"), CONV, every,
         stats.truncnorm(-2, 2, scale=vs_s)),
        ("VarianceScaling(.., 'untruncated_normal')",
         VarianceScaling(1.0, "fan_avg", "untruncated_normal"), CONV, every,
         stats.norm(0, math.sqrt(1 / avg))),
        ("VarianceScaling(3, .., 'uniform')", VarianceScaling(3.0, "fan_in", "uniform"), CONV,
         every, stats.uniform(-math.sqrt(9 / FAN_IN), 2 * math.sqrt(9 / FAN_IN))),
        # Each column of a tall orthogonal matrix is uniform on the unit sphere in R^rows,
        # so each entry x has density ~ (1 - x^2)^((rows - 3) / 2): a Beta on [-1, 1].
        ("Orthogonal(gain=2), 2048 x 64", Orthogonal(gain=2.0), (2048, 64), every,
         sphere(2048, 2.0)),
        ("DeltaOrthogonal(), kernel centre", DeltaOrthogonal(), (1024, 64, 3, 3),
         lambda w: w[:, :, 1, 1].ravel(), sphere(1024, 1.0)),
        ("Sparse(0.3, sigma=0.5), non-zeros", Sparse(0.3, sigma=0.5), (1000, 500),
         lambda w: w[w != 0], stats.norm(0, 0.5)),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", nargs="?", default=str(DEFAULT_OUTPUT),
                        help=f"PNG to write (default {DEFAULT_OUTPUT})")
    args = parser.parse_args(argv)
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from scipy import stats
    except ImportError as exc:
        print(f"plot_initializers needs matplotlib and SciPy ({exc}); "
              'install them with pip install -e ".[plot]"', file=sys.stderr)
        return 2

    gpuparam.set_seed(0)
    rows = panels(stats)
    ncols = 5
    nrows = math.ceil(len(rows) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 3.3 * nrows))
    worst = 1.0
    for ax, (title, init, shape, select, dist) in zip(axes.ravel(), rows):
        values = select(initializer(init, shape, gpuparam.float32).asnumpy()).astype(np.float64)
        p = stats.kstest(values, dist.cdf).pvalue
        worst = min(worst, p)
        lo, hi = dist.ppf(1e-4), dist.ppf(1 - 1e-4)
        heights, _, _ = ax.hist(values, bins=80, range=(lo, hi), density=True,
                                color="#8fb4d9", edgecolor="none", label="samples")
        grid = np.linspace(lo, hi, 400)
        density = dist.pdf(grid)
        ax.plot(grid, density, color="#c0392b", lw=1.5, label="exact density")
        ax.set_ylim(0, 1.3 * max(heights.max(), density.max()))
        ax.set_title(f"{title}\n{values.size:,} values, KS p = {p:.2f}", fontsize=9)
        ax.tick_params(labelsize=7)
        if ax is axes.flat[0]:
            ax.legend(fontsize=7, loc="upper center", ncol=2, frameon=False)
        print(f"{title:45s} n={values.size:>8,}  KS p={p:.3f}")
    for ax in axes.ravel()[len(rows):]:
        ax.set_visible(False)
    fig.suptitle(f"gpuparam initializers (set_seed(0), float32, backend "
                 f"{gpuparam.get_context('device_target')}): samples vs exact density",
                 fontsize=12)
    fig.tight_layout()
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=80)
    print(f"wrote {out} ({len(rows)} panels, smallest KS p-value {worst:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
