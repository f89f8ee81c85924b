#!/usr/bin/env python3
"""How much narrower rare-event sampling makes a run's intervals.

Runs `drsim run` on each bundled scenario with and without `--plain`, at
the same trial count over several seeds, and prints the mean width of each
95% interval (the expected loss, the 1-in-10/100/200 losses and the means
beyond them) and the factor plain / rare-event. Usage:

    cargo build --release
    python3 benches/tail_widths.py [--trials 10000] [--seeds 5]
"""

import argparse
import json
import statistics
import subprocess
import sys

SCENARIOS = ["hospital", "bank", "retail"]
LEVELS = ["1_in_10", "1_in_100", "1_in_200"]


def width(ci):
    return None if ci[1] is None else ci[1] - ci[0]


def widths(binary, scenario, trials, seeds, plain):
    rows = []
    for seed in range(1, seeds + 1):
        args = [binary, "run", f"scenarios/{scenario}.yaml", "--trials", str(trials),
                "--seed", str(seed), "--quiet", "--format", "json"]
        if plain:
            args.append("--plain")
        doc = json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)
        loss = doc["loss"]
        row = {"mean": width(loss["ci95"])}
        for level in LEVELS:
            tail = loss["tail"][level]
            row[f"{level} var"] = width(tail["var_ci95"])
            row[f"{level} tvar"] = width(tail["tvar_ci95"])
        row["method"] = doc["sampling"]["method"]
        rows.append(row)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default="target/release/drsim")
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--seeds", type=int, default=5)
    a = parser.parse_args()
    print(f"{a.trials} trials, seeds 1-{a.seeds}: mean width of each 95% interval")
    for scenario in SCENARIOS:
        rare = widths(a.binary, scenario, a.trials, a.seeds, plain=False)
        plain = widths(a.binary, scenario, a.trials, a.seeds, plain=True)
        print(f"\n{scenario} ({rare[0]['method']})")
        for key in ["mean"] + [f"{l} {m}" for l in LEVELS for m in ["var", "tvar"]]:
            r = [row[key] for row in rare]
            p = [row[key] for row in plain]
            if None in r or None in p:
                print(f"  {key:14} unbounded at this trial count")
                continue
            r, p = statistics.mean(r), statistics.mean(p)
            factor = p / r if r > 0 else float("inf")
            print(f"  {key:14} plain {p:14,.0f}  rare-event {r:14,.0f}  {factor:5.2f}x narrower")
    return 0


if __name__ == "__main__":
    sys.exit(main())
