#!/usr/bin/env python3
"""Writes recipe.yaml: 9,000 synthetic communes whose criteria met at the end of 2010 average
4.7 (the national 2010 mean, DOMAIN.md §6), none meeting all 19. Run it again only to change the
design; the recipe it writes is committed.

The mean is published; the spread is not. We take it as a negative binomial with mean 4.7 and
variance 9 (sd 3) [assumption: wider than Hà Tĩnh's, whose sd is about 2.6, because the country
mixes delta communes far ahead with mountain communes far behind], cut at 15 criteria (the best
commune of Hà Tĩnh's 2010 baseline met 15), rounded to whole communes, then nudged one commune at
a time from k to k + 1 (or back) until the total is exactly 9,000 × 4.7 = 42,300 criteria.

Which criteria a commune meets: the easiest first, in the order used for Hà Tĩnh 2010
(datasets/hatinh-2010/make_recipe.py), with the last two of each commune's list drawn from the
next few in that order, so communes differ.
"""
import math
import random
import sys

N = 9000
MEAN = 4.7
VAR = 9.0
TOP = 15
EASE = [19, 4, 8, 18, 1, 12, 14, 7, 15, 16, 9, 10, 11, 17, 3, 5, 6, 2, 13]


def counts():
    p = MEAN / VAR
    r = MEAN * p / (1 - p)
    pmf = [math.exp(math.lgamma(k + r) - math.lgamma(k + 1) - math.lgamma(r) + r * math.log(p) + k * math.log(1 - p))
           for k in range(TOP + 1)]
    total = sum(pmf)
    c = [round(N * x / total) for x in pmf]
    c[0] += N - sum(c)
    target = round(N * MEAN)
    # Move one commune up (or down) a step, from the most crowded band that can, until exact.
    while True:
        s = sum(k * n for k, n in enumerate(c))
        if s == target:
            return c
        if s < target:
            k = max((k for k in range(TOP) if c[k] > 0), key=lambda k: c[k])
            c[k] -= 1
            c[k + 1] += 1
        else:
            k = max((k for k in range(1, TOP + 1) if c[k] > 0), key=lambda k: c[k])
            c[k] -= 1
            c[k - 1] += 1


def met_list(k, rng):
    if k == 0:
        return "none"
    fixed = EASE[: max(0, k - 2)]
    pool = EASE[len(fixed): len(fixed) + 5]
    chosen = fixed + rng.sample(pool, k - len(fixed))
    return "[" + ", ".join(str(c) for c in sorted(chosen)) + "]"


def main():
    c = counts()
    ks = [k for k, n in enumerate(c) for _ in range(n)]
    rng = random.Random(2010)
    rng.shuffle(ks)  # spread the bands over the map
    assert len(ks) == N and sum(ks) == round(N * MEAN)
    print("criteria met: communes " + ", ".join(f"{k}: {n}" for k, n in enumerate(c)), file=sys.stderr)
    header = open("recipe.head.yaml", encoding="utf-8").read()
    lines = [header.rstrip("\n"), "communes:"]
    for i, k in enumerate(ks, start=1):
        lines.append(f'  - {{code: "{10000 + i}", name: "Xã QG{i:04d}", met: {met_list(k, rng)}}}')
    with open("recipe.yaml", "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
