#!/usr/bin/env python3
"""The simulation's simplified model in vectorised numpy: the peer of bench_simulate.

Reads the compiled input that `bench_simulate AREA SCENARIO --dump DIR` writes (.npy arrays and
scenario.json) and projects it year by year, vectorised over a batch of draws and over communes
and slots wherever the model allows:

  per year: realise the funds (pooled, the people's per commune, credit) and repay loans due;
  plan every slot from its cursor along its pre-sorted candidate projects until it is met (a
  cursor advance, vectorised over draws × open slots); sort each commune's items (closing first,
  then cheapest); borrow; fund the communes closest to the standard first (the pool is shared, so
  this walks the order position by position, vectorised over the draws of the batch); soft
  criteria programmes advancing by their background effort (no registration); evaluate the
  criteria and record P(standard).

It covers what benchmarks/peers/national.yaml uses (closest-to-standard-first, no targets, no
sector earmarks, works finished within the year, no income growth) and refuses anything else.
Random numbers come from numpy (not Philox), so only a deterministic scenario agrees with the
engine exactly; `bench_simulate --deterministic` dumps one.

    python3 sim_numpy.py DIR [--draws N] [--batch B] [--max-batches K] [--csv FILE]

Batches of draws are independent, so with --max-batches the time of the batches run is scaled
linearly to all the draws (and the output says so).
"""
import argparse
import json
import os
import sys
import time

import numpy as np

EPS = 1e-9
SOURCES_POOLED = {"central", "province", "district", "commune", "enterprise", "other"}


def load(d):
    a = {f[:-4]: np.load(os.path.join(d, f)) for f in os.listdir(d) if f.endswith(".npy")}
    with open(os.path.join(d, "scenario.json")) as f:
        sc = json.load(f)
    return a, sc


def sample(rng, dist, size, non_negative=True):
    k = dist["kind"]
    if k == "fixed":
        return np.full(size, dist["mean"])
    if k == "normal":
        v = dist["mean"] + dist["sd"] * rng.standard_normal(size)
        return np.maximum(0.0, v) if non_negative else v
    if k == "lognormal":
        sd = dist["sd"]
        return dist["mean"] * np.exp(sd * rng.standard_normal(size) - 0.5 * sd * sd)
    if k == "uniform":
        return rng.uniform(dist["low"], dist["high"], size)
    if k == "triangular":
        return rng.triangular(dist["low"], dist["mode"], dist["high"], size)
    if k == "beta":
        return rng.beta(dist["alpha"], dist["beta"], size)
    raise ValueError(k)


def compare(v, op, t):
    """criteria::compare, vectorised: op 0 >=, 1 >, 2 <=, 3 <, 4 ==, with its relative tolerance."""
    eps = 1e-9 * np.maximum(1.0, np.abs(t))
    return np.select([op == 0, op == 1, op == 2, op == 3], [v >= t - eps, v > t + eps, v <= t + eps, v < t - eps],
                     np.abs(v - t) <= eps)


def share(x, D):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(D > 0, x / np.where(D > 0, D, 1.0), 0.0)


class Model:
    def __init__(self, a, sc):
        self.sc = sc
        if sc["policy"] != "closest_to_standard_first" or sc["sector_shares"] or sc["build_lag_years"] != 0 or sc["income_growth"]:
            sys.exit("sim_numpy.py: only closest_to_standard_first, no sector shares, no build lag, no income growth")
        if np.any(a["commune_target_by"] != 0) or np.any(a["crit_has_income"]):
            sys.exit("sim_numpy.py: targets and income growth are not part of the simplified model")
        self.nc, self.nj = a["crit_has_status"].shape
        self.Y = sc["years"]
        self.households = a["commune_households"].astype(np.float64)
        self.assessed = a["commune_assessed"].astype(bool)
        self.has_status = a["crit_has_status"].astype(bool)
        self.status_met0 = a["crit_status_met0"].astype(bool)
        self.soft_lead = a["crit_soft_lead"]
        self.soft_background = a["crit_soft_background"]
        self.soft_cost = a["crit_soft_cost"]
        self.s_commune = a["slot_commune"].astype(np.int64)
        self.s_crit = a["slot_criterion"].astype(np.int64)
        self.s_op = a["slot_op"].astype(np.int64)
        self.s_meas = a["slot_measurable"].astype(bool)
        self.s_x0, self.s_D0 = a["slot_x0"], a["slot_D0"]
        self.s_thr = a["slot_threshold"]
        self.s_first = a["slot_first"].astype(np.int64)
        self.s_count = a["slot_count"].astype(np.int64)
        self.p_cost, self.p_dx, self.p_dD = a["project_cost_bn"], a["project_dx"], a["project_dD"]
        self.ns = len(self.s_commune)
        # Slots of a commune are contiguous; its rank among them places it in the commune's plan row.
        self.c_first = np.searchsorted(self.s_commune, np.arange(self.nc + 1))
        self.s_rank = np.arange(self.ns) - self.c_first[self.s_commune]
        self.S = int(max(1, np.max(np.diff(self.c_first)))) if self.ns else 1
        # (commune, criterion) groups of slots, for "every slot of the criterion is met".
        self.s_cj = self.s_commune * self.nj + self.s_crit
        self.people = [f for f in sc["funding"] if f["source"] == "people"]
        self.credit = next((f for f in sc["funding"] if f["source"] == "credit"), None)
        self.pooled = [f for f in sc["funding"] if f["source"] in SOURCES_POOLED]
        self.cap = sc["capacity_per_commune_bn"]

    def criteria_met(self, x, D, status_met, y):
        B = x.shape[0]
        slot_ok = self.s_meas & compare(share(x, D), self.s_op, self.s_thr[:, y])
        # Count unmet slots per (commune, criterion) with a bincount per draw row.
        offs = (np.arange(B)[:, None] * (self.nc * self.nj) + self.s_cj[None, :])
        bad = np.bincount(offs[~slot_ok], minlength=B * self.nc * self.nj).reshape(B, self.nc, self.nj)
        met = (bad == 0) & (~self.has_status[None] | status_met)
        return met & self.assessed[None, :, None]

    def run_batch(self, rng, B):
        nc, nj, ns, Y, S = self.nc, self.nj, self.ns, self.Y, self.S
        bidx = np.arange(B)
        x = np.tile(self.s_x0, (B, 1))
        D = np.tile(self.s_D0, (B, 1))
        cursor = np.zeros((B, ns), dtype=np.int64)
        status_met = np.tile(self.status_met0, (B, 1, 1))
        effort = np.zeros((B, nc, nj))
        local = np.zeros((B, nc))
        pool = np.zeros(B)
        debt = np.zeros(B)
        arrears = np.zeros(B)
        repay_due = np.zeros((B, Y + 64))
        met = self.criteria_met(x, D, status_met, 0)
        met_count = met.sum(axis=2)
        reached = np.zeros((B, nc), dtype=bool)
        at_standard_by_year, reached_by_year = [], []
        for y in range(Y):
            # 1. Money of the year.
            pooled = np.zeros(B)
            credit_available = np.zeros(B)
            for f in self.sc["funding"]:
                grown = f["amount"] * (1 + f["growth"]) ** y
                if f["source"] == "people":
                    part = np.clip(sample(rng, f["participation"], (B, nc)), 0.0, 1.0)
                    local += self.households[None, :] * f["per_household_mvnd"] * part / 1000.0
                elif f["source"] == "credit":
                    credit_available = grown * sample(rng, f["uncertainty"], B)
                else:
                    pooled += grown * sample(rng, f["uncertainty"], B)
            pool += pooled
            # 2. Loans due are repaid first.
            due = repay_due[:, y] + arrears
            repaid = np.minimum(due, pool)
            repaid = np.where(repaid <= 0, 0.0, repaid)
            pool -= repaid
            arrears = due - repaid
            debt -= repaid
            # 3. Plans: from each open slot's cursor along its projects until the slot is met.
            overrun = sample(rng, self.sc["overrun"], (B, nc))
            thr = self.s_thr[:, y]
            open_ = self.s_meas[None] & (cursor < self.s_count[None]) & self.assessed[self.s_commune][None]
            open_ &= ~compare(share(x, D), self.s_op, thr)
            ob, os_ = np.nonzero(open_)
            k = cursor[ob, os_].copy()
            xx, DD = x[ob, os_].copy(), D[ob, os_].copy()
            cost = np.zeros(len(ob))
            closes = np.zeros(len(ob), dtype=bool)
            ov = overrun[ob, self.s_commune[os_]]
            act = np.arange(len(ob))
            while len(act):  # advance every walk not yet closed by one project
                s_a = os_[act]
                p = self.s_first[s_a] + k[act]
                xx[act] += self.p_dx[p]
                DD[act] += self.p_dD[p]
                cost[act] += self.p_cost[p] * ov[act]
                k[act] += 1
                done = compare(share(xx[act], DD[act]), self.s_op[s_a], thr[s_a])
                closes[act[done]] = True
                act = act[~done & (k[act] < self.s_count[s_a])]
            # Each commune's items: closing first, then cheapest, then by slot.
            order = np.lexsort((os_, cost, ~closes, self.s_commune[os_], ob))
            ob, os_, k, cost, closes = ob[order], os_[order], k[order], cost[order], closes[order]
            oc = self.s_commune[os_]
            # Position of each item in its (draw, commune) row.
            row = ob * nc + oc
            start = np.r_[0, np.nonzero(np.diff(row))[0] + 1] if len(row) else np.zeros(0, dtype=np.int64)
            pos = np.arange(len(row)) - np.repeat(start, np.diff(np.r_[start, len(row)]))
            plan_slot = np.full((B, nc, S), -1, dtype=np.int64)
            plan_end = np.zeros((B, nc, S), dtype=np.int64)
            plan_slot[ob, oc, pos] = os_
            plan_end[ob, oc, pos] = k
            need_raw = np.zeros((B, nc))
            for i in range(S):  # summed in the plan's order, as the engine does
                sel = pos == i
                need_raw[ob[sel], oc[sel]] += cost[sel]
            need = np.minimum(need_raw, self.cap)
            has_plan = plan_slot[:, :, 0] >= 0
            # Sums in commune order, as the engine adds them.
            total_need = np.cumsum(need, axis=1)[:, -1]
            money_at_hand = np.cumsum(np.concatenate([pool[:, None], local], axis=1), axis=1)[:, -1]
            # 4. Borrow what the plans need beyond the money at hand.
            if self.credit is not None:
                room = np.maximum(0.0, self.credit["debt_cap"] - debt - arrears)
                b = np.minimum(np.minimum(total_need - money_at_hand, credit_available), room)
                b = np.where((total_need > money_at_hand + EPS) & (b > 0), b, 0.0)
                debt += b
                pool += b
                ry = self.credit["repay_years"]
                for kk in range(1, ry + 1):
                    if y + kk < repay_due.shape[1]:
                        repay_due[:, y + kk] += b / ry
            # 5. Fund the communes closest to the standard first (fewest criteria not met), by index.
            key = np.where(has_plan, nj - met_count, nj + 1)
            corder = np.argsort(key, axis=1, kind="stable")
            n_plan = has_plan.sum(axis=1)
            spent = np.zeros((B, nc))
            for q in range(int(n_plan.max()) if B else 0):
                valid = q < n_plan
                cc = corder[:, q]
                loc = local[bidx, cc]
                sp = np.zeros(B)
                ovc = overrun[bidx, cc]
                capped = ~valid
                for i in range(S):
                    s_i = plan_slot[bidx, cc, i]
                    item = ~capped & (s_i >= 0)
                    if not item.any():
                        break
                    s_safe = np.where(item, s_i, 0)
                    cur = cursor[bidx, s_safe]
                    end = plan_end[bidx, cc, i]
                    steps = int(np.max(np.where(item, end - cur, 0)))
                    for t in range(steps):
                        kk = cur + t
                        a = item & (kk < end)
                        if not a.any():
                            break
                        pidx = np.where(a, self.s_first[s_safe] + kk, 0)
                        c_ = self.p_cost[pidx] * ovc
                        over = a & (sp + c_ > self.cap + EPS)
                        capped |= over
                        a &= ~over
                        item &= ~over
                        own = np.minimum(loc, c_)
                        rest = c_ - own
                        brk = a & (rest > pool + EPS)
                        item &= ~brk
                        a &= ~brk
                        loc = np.where(a, loc - own, loc)
                        pool = np.where(a, pool - rest, pool)
                        sp = np.where(a, sp + c_, sp)
                        ab = bidx[a]
                        cursor[ab, s_safe[a]] = kk[a] + 1
                        x[ab, s_safe[a]] += self.p_dx[pidx[a]]
                        D[ab, s_safe[a]] += self.p_dD[pidx[a]]
                local[bidx[valid], cc[valid]] = loc[valid]
                spent[bidx[valid], cc[valid]] = sp[valid]
            # 6. Soft criteria as programmes (no commune is registered): the money left after the
            # works pays for a year of effort on each open programme, communes closest to the
            # standard first, from their own money then the pool; an unpaid programme gains its
            # background effort. Met once the effort reaches the lead time (its expected value here).
            open_soft = self.has_status[None] & ~status_met & self.assessed[None, :, None]
            has_open = open_soft.any(axis=2)
            sorder = np.argsort(np.where(has_open, nj - met_count, nj + 1), axis=1, kind="stable")
            n_open = has_open.sum(axis=1)
            paid = np.zeros((B, nc, nj), dtype=bool)
            for q in range(int(n_open.max()) if B else 0):
                valid = q < n_open
                cc = sorder[:, q]
                for j in range(nj):
                    o = valid & open_soft[bidx, cc, j]
                    if not o.any():
                        continue
                    cost_j = self.soft_cost[cc, j]
                    loc = local[bidx, cc]
                    can = o & (cost_j <= loc + pool + EPS)
                    own = np.minimum(loc, cost_j)
                    local[bidx[can], cc[can]] = loc[can] - own[can]
                    pool = np.where(can, pool - (cost_j - own), pool)
                    paid[bidx[can], cc[can], j] = True
            effort += np.where(paid, 1.0, self.soft_background[None])
            status_met |= self.has_status[None] & (effort + EPS >= self.soft_lead[None])
            # 7. Criteria and the standard.
            met = self.criteria_met(x, D, status_met, y)
            met_count = met.sum(axis=2)
            standard = met_count == nj
            reached |= standard
            at_standard_by_year.append(standard.sum())
            reached_by_year.append(reached.sum())
        return np.array(at_standard_by_year, dtype=np.int64), np.array(reached_by_year, dtype=np.int64)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir")
    ap.add_argument("--draws", type=int, default=None)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--max-batches", type=int, default=0, help="run only this many batches and scale the time")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--csv", default=None, help="write year, expected at standard, expected reached")
    args = ap.parse_args()
    a, sc = load(args.dir)
    m = Model(a, sc)
    draws = args.draws or 1000
    rng = np.random.default_rng(args.seed if args.seed is not None else sc["seed"])
    batches = [min(args.batch, draws - i) for i in range(0, draws, args.batch)]
    run = batches if args.max_batches <= 0 else batches[: args.max_batches]
    at = np.zeros(m.Y, dtype=np.int64)
    rc = np.zeros(m.Y, dtype=np.int64)
    t0 = time.perf_counter()
    for B in run:
        a1, r1 = m.run_batch(rng, B)
        at += a1
        rc += r1
    secs = time.perf_counter() - t0
    done = sum(run)
    scaled = secs * draws / done
    n = m.nc * m.Y * draws
    print(f"sim_numpy: {m.nc} communes, {m.ns} slots, {m.Y} years; {done} of {draws} draws in {secs:.2f} s "
          f"(batches of {args.batch})" + (f"; scaled linearly to {draws} draws: {scaled:.1f} s" if done < draws else ""))
    print(f"sim_numpy: {scaled * 1e9 / n:.1f} ns per commune-year-draw")
    print("expected communes at the standard by year:", " ".join(f"{v / done:.3f}" for v in rc))
    if args.csv:
        with open(args.csv, "w") as f:
            f.write("year,at_standard,reached,draws_run,seconds_run,seconds_scaled\n")
            for y in range(m.Y):
                f.write(f"{sc['start'] + y},{at[y] / done:.12f},{rc[y] / done:.12f},{done},{secs:.6f},{scaled:.6f}\n")


if __name__ == "__main__":
    main()
