#!/usr/bin/env python3
"""Writes recipe.yaml: 235 synthetic communes whose criteria met in 2010 match Hà Tĩnh's
published 2010 distribution (DOMAIN.md §6): 1 commune at 15, 18 at 10–14, 144 at 5–9, 72 below 5,
mean 4.1. Run it again only to change the design; the recipe it writes is committed.

The mean pins the shape: even with every commune at the bottom of its band the total is
1×15 + 18×10 + 144×5 = 915 of the 963.5 needed (235 × 4.1), so the communes below 5 average
about 0.5 criteria and the 5–9 band sits mostly at 5. Chosen counts (sum 964, mean 4.10):
15: 1, 10: 18, 6: 14, 5: 130, 2: 2, 1: 31, 0: 39.

Which criteria a commune meets: the easiest first, in an order chosen from the 2010–2011
provincial reports' picture (defence, electricity, post and political system were met early;
transport, irrigation, schools, cultural facilities and production organisation last), with the
last two of each commune's list drawn from the next few in that order, so communes differ.
"""
import random

EASE = [19, 4, 8, 18, 1, 12, 14, 7, 15, 16, 9, 10, 11, 17, 3, 5, 6, 2, 13]
COUNTS = [(15, 1), (10, 18), (6, 14), (5, 130), (2, 2), (1, 31), (0, 39)]

HEADER = open("recipe.head.yaml", encoding="utf-8").read()


def met_list(k, rng):
    if k == 0:
        return "none"
    fixed = EASE[: max(0, k - 2)]
    pool = EASE[len(fixed): len(fixed) + 5]
    chosen = fixed + rng.sample(pool, k - len(fixed))
    return "[" + ", ".join(str(c) for c in sorted(chosen)) + "]"


def main():
    rng = random.Random(2010)
    ks = [k for k, n in COUNTS for _ in range(n)]
    rng.shuffle(ks)  # spread the bands over the map
    assert len(ks) == 235 and sum(ks) == 964
    lines = [HEADER.rstrip("\n"), "communes:"]
    for i, k in enumerate(ks, start=1):
        lines.append(f'  - {{code: "{42000 + i}", name: "Xã HT{i:03d}", met: {met_list(k, rng)}}}  # {k} of 19')
    with open("recipe.yaml", "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
