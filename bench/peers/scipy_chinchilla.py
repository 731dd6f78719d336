"""scipy peers for bench/matrix.ts, on exactly the data and starts lawfit gets.

Reads JSON from stdin: {"logN": [...], "logD": [...], "y": [...] (log loss), "starts": [[a, b, e, alpha, beta], ...],
"method": "lm" | "huber-lbfgsb", "delta": 1e-3, "tolerances": "scipy" | "lawfit"}.
Prints JSON: {"seconds", "costs", "nfev", "wallStart", "wallEnd"} (wall clock, time.time(), around
the fits only, so that two processes run side by side can be timed from the first start to the last end).

- "lm": scipy.optimize.least_squares(method='lm') (MINPACK lmder) on the log-space Chinchilla
  residuals with the analytic Jacobian; cost = 0.5 * SSR. Tolerances: "scipy" leaves scipy's
  defaults (ftol = xtol = gtol = 1e-8, as a new user gets them); "lawfit" sets 1e-12 (lawfit's).
- "huber-lbfgsb": the protocol of Hoffmann et al. as corrected by Besiroglu et al. (2024):
  scipy.optimize.minimize(method='L-BFGS-B') of sum_i huber_delta(r_i) with its analytic gradient.
  Tolerances: "scipy" leaves L-BFGS-B's defaults (as Besiroglu et al. ran it); "lawfit" sets its
  ftol (the relative reduction of the objective, the same meaning as lawfit's ftol) to 1e-12 and
  gtol to 1e-12.
"""
import json
import sys
import time

import numpy as np
from scipy.optimize import least_squares, minimize
from scipy.special import logsumexp


def main() -> None:
    cfg = json.load(sys.stdin)
    logN = np.asarray(cfg["logN"])
    logD = np.asarray(cfg["logD"])
    y = np.asarray(cfg["y"])
    starts = np.asarray(cfg["starts"], dtype=float)
    delta = float(cfg.get("delta", 1e-3))
    tight = cfg.get("tolerances", "lawfit") == "lawfit"

    def terms(p):
        a, b, e, al, be = p
        return np.stack([a - al * logN, b - be * logD, np.full_like(logN, e)])

    def resid(p):
        return y - logsumexp(terms(p), axis=0)

    def jac(p):
        t = terms(p)
        w = np.exp(t - logsumexp(t, axis=0))  # softmax weights
        # d(model)/d(a, b, e, alpha, beta); the residual's Jacobian is its negative.
        J = np.stack([w[0], w[1], w[2], -w[0] * logN, -w[1] * logD], axis=1)
        return -J

    costs = []
    nfev = 0
    wall0 = time.time()
    t0 = time.perf_counter()
    if cfg["method"] == "lm":
        for s in starts:
            try:
                tol = dict(ftol=1e-12, xtol=1e-12, gtol=1e-12) if tight else {}
                r = least_squares(resid, s, jac=jac, method="lm", **tol)
                costs.append(float(r.cost))
                nfev += int(r.nfev)
            except Exception:
                costs.append(float("nan"))
    else:
        def fg(p):
            r = resid(p)
            a = np.abs(r)
            h = np.where(a <= delta, 0.5 * r * r, delta * (a - 0.5 * delta))
            psi = np.where(a <= delta, r, delta * np.sign(r))
            # d/dp sum huber(r) = sum psi(r) * dr/dp = J_r^T psi
            return float(h.sum()), jac(p).T @ psi

        for s in starts:
            opts = dict(ftol=1e-12, gtol=1e-12) if tight else {}
            r = minimize(fg, s, jac=True, method="L-BFGS-B", options=opts)
            costs.append(float(r.fun))
            nfev += int(r.nfev)
    seconds = time.perf_counter() - t0
    wall1 = time.time()
    json.dump({"seconds": seconds, "costs": costs, "nfev": nfev, "wallStart": wall0, "wallEnd": wall1}, sys.stdout)


if __name__ == "__main__":
    main()
