#!/usr/bin/env python3
"""Side-by-side race: drsim vs CERN AvailSim4 2.2.1 on redundant pairs.

Model (identical for both tools), for N in --sizes (N even):
  N basic components, grouped into N/2 pairs; a pair is up while at least
  1 of its 2 components is up; the system is up while every pair is up.
  Each component: exponential time to failure, mean 1000 h; exponential
  repair, mean 10 h; unlimited repairers; failures detected at once.
  Horizon 8760 h (one year) starting all-up.

The exact answer is known: components are independent, so
  A(t)   = prod_pairs (1 - (1 - p(t))^2),
  p(t)   = mu/(lam+mu) + lam/(lam+mu) * exp(-(lam+mu) t),
  A_year = (1/8760) * integral_0^8760 A(t) dt   (Simpson's rule here).

What is timed:
  * drsim: wall-clock (time.perf_counter) of the whole `drsim run` process,
    start-up included (start-up is also measured separately with 2 trials (its minimum) and
    reported, never subtracted: this is conservative for drsim).
  * AvailSim4: run in-process through its documented API
    availsim4core.main.start(...) inside its own venv, with a hook on
    MonteCarlo.update_statistics that timestamps the end of every iteration
    and records the root component's availability in that iteration.
    AvailSim4 "iterations/s" = iterations / (time from the start of the
    Monte Carlo loop to the end of the last iteration, minus the hook's own
    time). This excludes imports, xlsx reading, tree building and the xlsx
    export (start-up), which are reported separately as the end-to-end
    wall-clock of the subprocess.  This favours AvailSim4.
  * AvailSim4's estimate is the tool's own RESULTS_ROOT_SUMMARY availability;
    its standard error is the sample standard deviation of the per-iteration
    availabilities (from the hook) / sqrt(K).  The hook's mean is checked to
    equal the tool's own number.
  * drsim's standard error = (ci95 width) / (2 * 1.959964)  (its ci95 is a
    normal interval on the mean).
  * Agreement check: |estimate - closed form| <= 4 standard errors.

Usage:
  python3 benches/peers/availsim4/race.py --out /tmp/race.md
  (see --help; everything it creates goes under --workdir, never the repo)

Only the standard library is needed to run this file; the AvailSim4 side is
executed by the venv's interpreter through the hidden sub-commands
`_as4-gen` and `_as4-run` of this same file.
"""

import argparse
import datetime as _dt
import hashlib
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
AS4_VERSION = "2.2.1"

MTTF_H = 1000.0
MTTR_H = 10.0
HORIZON_H = 8760.0
SEED = 1

DEFAULT_SIZES = "10,100,1000"
# AvailSim4 iterations per N.  N=1000 costs ~90 s per iteration: only 3.
DEFAULT_AS4_ITERS = "10:1000,100:100,1000:3"
# drsim trials per N: each point runs a few seconds on one thread.
DEFAULT_DRSIM_TRIALS = "10:200000,100:20000,1000:1000"
Z95 = 1.959963984540054
AGREE_SE = 4.0


def log(msg):
    print(f"[race {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def parse_map(text):
    out = {}
    for item in text.split(","):
        k, v = item.split(":")
        out[int(k)] = int(float(v))
    return out


# ---------------------------------------------------------------- closed form

def closed_form(n, mttf=MTTF_H, mttr=MTTR_H, horizon=HORIZON_H, intervals=87600):
    """Time-average over [0, horizon] of prod over n/2 pairs of 1-(1-p(t))^2."""
    lam, mu = 1.0 / mttf, 1.0 / mttr
    s = lam + mu
    pairs = n // 2

    def a(t):
        p = mu / s + lam / s * math.exp(-s * t)
        return (1.0 - (1.0 - p) ** 2) ** pairs

    m = intervals if intervals % 2 == 0 else intervals + 1
    h = horizon / m
    total = a(0.0) + a(horizon)
    for i in range(1, m):
        total += (4.0 if i % 2 else 2.0) * a(i * h)
    return total * h / 3.0 / horizon


# ------------------------------------------------------------ model writers

def write_drsim_yaml(path, n):
    lines = [
        f"name: Redundant pairs N={n}",
        f"horizon: {HORIZON_H:g}h",
        "components:",
    ]
    for i in range(n):
        lines.append(
            f"  - {{id: c{i}, kind: server, failures: [{{every: {MTTF_H:g}h}}], "
            f"repair: {{exp: {MTTR_H:g}h}}}}"
        )
    lines += ["  - id: system", "    kind: service", "    depends_on:"]
    for j in range(n // 2):
        lines.append(f"      - {{at_least: 1, of: [c{2 * j}, c{2 * j + 1}]}}")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def as4_gen(system_path, simulation_path, n, iterations, seed):
    """Runs under the venv interpreter (needs openpyxl, an AvailSim4 dependency)."""
    from openpyxl import Workbook

    def sheet(wb, title, header, rows):
        ws = wb.create_sheet(title)
        ws.append(header)
        for r in rows:
            ws.append(r)

    wb = Workbook()
    wb.remove(wb.active)
    sheet(wb, "ARCHITECTURE",
          ["COMPONENT_NAME", "COMPONENT_TYPE", "COMPONENT_NUMBER", "CHILDREN_NAME",
           "CHILDREN_LOGIC", "IN_MRU", "TRIGGER_MRU"],
          [["SYSTEM", "compound", 1, "PAIR", "AND", "none", "none"],
           ["PAIR", "compound", n // 2, "UNIT", "1oo2", "none", "none"],
           ["UNIT", "basic", 2, "none", "none", "none", "none"]])
    sheet(wb, "FAILURE_MODES",
          ["FAILURE_MODE_NAME", "FAILURE_LAW", "FAILURE_PARAMETERS", "REPAIR_LAW",
           "REPAIR_PARAMETERS", "TYPE_OF_FAILURE", "HELD_BEFORE_REPAIR", "INSPECTION_NAME",
           "PHASE_NAME", "NEXT_PHASE_IF_FAILURE", "PHASE_CHANGE_TRIGGER", "HELD_AFTER_REPAIR"],
          [["UNIT_FAILURE", "exp", f"[{MTTF_H}]", "exp", f"[{MTTR_H}]", "detectable",
            "never_held", "none", "none", "none", "never", "never_held"]])
    sheet(wb, "FAILURE_MODE_ASSIGNMENTS", ["COMPONENT_NAME", "FAILURE_MODE_NAME"],
          [["UNIT", "UNIT_FAILURE"]])
    # Sheets this model does not use, present with their headers only.
    sheet(wb, "MRU", ["MRU_NAME", "MRU_LAW", "MRU_PARAMETERS", "MRU_SCHEDULE",
                      "LOWEST_COMMON_ANCESTOR_SCOPE", "TRIGGERING_STATUS"], [])
    sheet(wb, "INSPECTIONS", ["INSPECTION_NAME", "INSPECTION_PERIOD", "INSPECTION_DURATION"], [])
    sheet(wb, "PHASES", ["PHASE_NAME", "PHASE_LAW", "PHASE_PARAMETERS", "NEXT_DEFAULT_PHASE",
                         "FIRST_PHASE"], [])
    sheet(wb, "ROOT_CAUSE_ANALYSIS", ["TRIGGERING_COMPONENT_NAME",
                                      "TRIGGERED_BY_COMPONENT_STATUS", "TRIGGERED_IN_PHASE"], [])
    sheet(wb, "PHASE_JUMP", ["TRIGGERING_COMPONENT_NAME", "TRIGGERED_BY_COMPONENT_STATUS",
                             "FROM_PHASE", "TO_PHASE"], [])
    wb.save(system_path)

    wb = Workbook()
    wb.remove(wb.active)
    # MIN must equal MAX: MIN < MAX crashes 2.2.1.
    sheet(wb, "SIMULATION",
          ["SIMULATION_TYPE", "MIN_NUMBER_OF_SIMULATION", "MAX_NUMBER_OF_SIMULATION",
           "CONVERGENCE_MARGIN", "MAX_EXECUTION_TIME", "SEED", "DIAGNOSTICS",
           "SIMULATION_DURATION"],
          [["MONTE_CARLO", iterations, iterations, 0, 10_000_000, seed, "[SUMMARY]",
            HORIZON_H]])
    wb.save(simulation_path)


# ------------------------------------------------- AvailSim4 in-process run

def as4_run(simulation_path, system_path, output_folder, result_path):
    """Runs under the venv interpreter. Times the Monte Carlo loop and records
    the root component's availability in each iteration."""
    t_process = time.perf_counter()
    import logging
    logging.basicConfig(level=logging.WARNING)
    from availsim4core import main as as4_main
    from availsim4core.src.simulation.monte_carlo import MonteCarlo
    from availsim4core.src.context.system.component_tree.status import Status
    t_imported = time.perf_counter()

    down = {Status.FAILED, Status.BLIND_FAILED, Status.INSPECTION, Status.UNDER_REPAIR}
    up = {Status.RUNNING, Status.DEGRADED, Status.BLIND_DEGRADED}
    state = {"loop_start": None, "ends": [], "hooks": [], "avail": [], "records": []}

    orig_run = MonteCarlo.run
    orig_update = MonteCarlo.update_statistics

    def run(self, context):
        state["loop_start"] = time.perf_counter()
        return orig_run(self, context)

    def update_statistics(self, simulation_results, simulation_des, weight, level):
        orig_update(self, simulation_results, simulation_des, weight, level)
        t_end = time.perf_counter()
        state["ends"].append(t_end)
        # Root availability in this iteration, computed exactly as AvailSim4's
        # own summary does: each root record lasts until the next root record
        # (or the horizon); up = RUNNING/DEGRADED/BLIND_DEGRADED.
        ctx = simulation_des.context
        root_id = ctx.root_component.global_id
        recs = [r for r in ctx.timeline_record.record_list
                if getattr(r, "component", None) is not None
                and r.component.global_id == root_id]
        horizon = self.duration_of_simulation
        upt = dwn = 0.0
        for i, r in enumerate(recs):
            nxt = recs[i + 1].timestamp if i + 1 < len(recs) else horizon
            d = nxt - r.timestamp
            if r.status in up:
                upt += d
            elif r.status in down:
                dwn += d
        state["avail"].append(upt / (upt + dwn) if upt + dwn > 0 else float("nan"))
        state["records"].append(len(ctx.timeline_record.record_list))
        state["hooks"].append(time.perf_counter() - t_end)

    MonteCarlo.run = run
    MonteCarlo.update_statistics = update_statistics

    as4_main.start(simulation_path, system_path, output_folder)
    t_done = time.perf_counter()

    # The tool's own answer: RESULTS_ROOT_SUMMARY sheet of its output workbook.
    import openpyxl
    tool_avail = None
    for dirpath, _, files in os.walk(output_folder):
        for fn in files:
            if not fn.endswith(".xlsx"):
                continue
            wb = openpyxl.load_workbook(os.path.join(dirpath, fn), read_only=True)
            if "RESULTS_ROOT_SUMMARY" in wb.sheetnames:
                rows = list(wb["RESULTS_ROOT_SUMMARY"].iter_rows(values_only=True))
                header = list(rows[0])
                tool_avail = float(rows[1][header.index("availability")])
            wb.close()

    k = len(state["ends"])
    hooks = state["hooks"]
    # ends[i] is taken before hook i's body runs, so the window
    # [loop_start, ends[-1]] contains hooks 0..k-2: subtract those.
    loop_s = state["ends"][-1] - state["loop_start"] - sum(hooks[:-1])
    per_iter = []
    prev = state["loop_start"]
    for i, t in enumerate(state["ends"]):
        per_iter.append(t - prev)
        prev = t + hooks[i]
    out = {
        "iterations": k,
        "import_s": t_imported - t_process,
        "setup_s": state["loop_start"] - t_imported,
        "loop_s": loop_s,
        "after_loop_s": t_done - state["ends"][-1] - hooks[-1],
        "hook_s": sum(hooks),
        "per_iteration_s": per_iter,
        "availability_per_iteration": state["avail"],
        "timeline_records_per_iteration": state["records"],
        "tool_availability": tool_avail,
        "version": __import__("importlib.metadata").metadata.version("availsim4"),
        "python": sys.version.split()[0],
    }
    with open(result_path, "w") as f:
        json.dump(out, f)


# ------------------------------------------------------------------ helpers

def cpu_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def proc_stat():
    """(total, idle) CPU jiffies of the whole machine, or None."""
    try:
        with open("/proc/stat") as f:
            v = [float(x) for x in f.readline().split()[1:]]
    except OSError:
        return None
    return sum(v), v[3] + (v[4] if len(v) > 4 else 0.0)


def others_cores(s0, s1, child_cpu, wall):
    """Cores kept busy by processes other than our child between two snapshots."""
    if s0 is None or s1 is None or s1[0] <= s0[0] or wall <= 0:
        return float("nan")
    busy = (os.cpu_count() or 1) * (1.0 - (s1[1] - s0[1]) / (s1[0] - s0[0]))
    return max(0.0, busy - child_cpu / wall)


def timed(cmd, **kw):
    """Run cmd; return (completed process, wall s, child CPU s, others' busy cores)."""
    c0 = cpu_children()
    s0 = proc_stat()
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, **kw)
    wall = time.perf_counter() - t0
    s1 = proc_stat()
    cpu = cpu_children() - c0
    return proc, wall, cpu, others_cores(s0, s1, cpu, wall)


def busy_cores(seconds=2.0):
    """CPU cores kept busy (by anyone) over the next `seconds`, from /proc/stat."""
    def snap():
        with open("/proc/stat") as f:
            v = [float(x) for x in f.readline().split()[1:]]
        idle = v[3] + (v[4] if len(v) > 4 else 0.0)
        return sum(v), idle
    try:
        t0, i0 = snap()
        time.sleep(seconds)
        t1, i1 = snap()
    except OSError:
        return float("nan")
    total = t1 - t0
    return (os.cpu_count() or 1) * (1.0 - (i1 - i0) / total) if total > 0 else float("nan")


def wait_idle(max_wait, threshold=0.5):
    """Wait (up to max_wait s) until other processes keep < threshold cores busy."""
    deadline = time.monotonic() + max_wait
    while True:
        b = busy_cores()
        if b < threshold or time.monotonic() >= deadline:
            if b >= threshold:
                log(f"machine still busy ({b:.2f} cores used by others); racing anyway")
            return b
        log(f"machine busy ({b:.2f} cores used by others); waiting")
        time.sleep(5)


def ensure_venv(workdir):
    venv = os.path.join(workdir, "venv")
    py = os.path.join(venv, "bin", "python")
    probe = [py, "-c", "import importlib.metadata as m; print(m.version('availsim4'))"]
    if os.path.exists(py):
        r = subprocess.run(probe, capture_output=True, text=True)
        if r.returncode == 0 and r.stdout.strip() == AS4_VERSION:
            log(f"reusing venv {venv} (availsim4 {AS4_VERSION})")
            return py
    log(f"creating venv {venv} and installing availsim4=={AS4_VERSION} from PyPI")
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    subprocess.run([py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    f"availsim4=={AS4_VERSION}", "openpyxl"], check=True)
    r = subprocess.run(probe, capture_output=True, text=True, check=True)
    assert r.stdout.strip() == AS4_VERSION, r.stdout
    return py


def ensure_drsim(path, workdir):
    if not os.path.exists(path):
        log(f"{path} missing: cargo build --release in {REPO} (waits for any other build's lock)")
        subprocess.run(["cargo", "build", "--release"], cwd=REPO, check=True)
    # Snapshot the binary: others may rebuild target/release while we race.
    snap = os.path.join(workdir, "drsim")
    shutil.copy2(path, snap)
    with open(snap, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:12]
    ver = subprocess.run([snap, "--version"], capture_output=True, text=True,
                         check=True).stdout.strip()
    return snap, ver, digest


def git_rev():
    r = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return "unknown"
    dirty = subprocess.run(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return r.stdout.strip() + ("+dirty" if dirty else "")


RETRIES = 2  # extra drsim runs allowed when the best one was starved of CPU


def starved(run, threads):
    """True when a run got less than 90% of the CPU time its threads could use."""
    return run is not None and run["cpu_s"] < 0.9 * threads * run["wall_s"]


def run_drsim(drsim, yaml_path, trials, threads, repeats=1, retry=True):
    """Best (shortest wall-clock) of `repeats` identical runs; the answers must match."""
    cmd = [drsim, "run", yaml_path, "--format", "json", "--trials", str(trials),
           "--seed", str(SEED), "--quiet", "--threads", str(threads)]
    best, walls = None, []
    attempt = 0
    while attempt < repeats or (retry and starved(best, threads)
                                   and attempt < repeats + RETRIES):
        if attempt >= repeats:
            log(f"drsim --threads {threads} did not get its cores "
                f"({best['cpu_s'] / best['wall_s']:.2f} CPUs used); retrying")
            wait_idle(20)
        attempt += 1
        proc, wall, cpu, others = timed(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"drsim failed: {' '.join(cmd)}\n{proc.stderr}")
        doc = json.loads(proc.stdout)
        av = doc["services"]["system"]["availability"]
        lo, hi = av["ci95"]
        run = {"trials": trials, "threads": threads, "wall_s": wall, "cpu_s": cpu,
               "others_cores": others, "mean": av["mean"], "se": (hi - lo) / (2 * Z95),
               "ci95": [lo, hi]}
        if best is not None and (run["mean"], run["ci95"]) != (best["mean"], best["ci95"]):
            raise SystemExit(f"drsim gave different answers on identical runs: {cmd}")
        walls.append(wall)
        if best is None or wall < best["wall_s"]:
            best = run
    best["walls_s"] = walls
    return best


def fmt_a(mean, se):
    return f"{mean:.6f} ± {se:.6f}"


def fmt_rate(x):
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 1:
        return f"{x:.2f}"
    return f"{x:.4f}"


# --------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workdir", help="scratch directory (venv, models, outputs); default: "
                    "a new temporary directory under /tmp. Must be outside the repository.")
    ap.add_argument("--out", help="write the markdown table here as well")
    ap.add_argument("--drsim", default=os.environ.get(
        "DRSIM", os.path.join(REPO, "target", "release", "drsim")),
        help="drsim binary (default $DRSIM or <repo>/target/release/drsim)")
    ap.add_argument("--sizes", default=DEFAULT_SIZES, help=f"N values (default {DEFAULT_SIZES})")
    ap.add_argument("--as4-iters", default=DEFAULT_AS4_ITERS,
                    help=f"AvailSim4 iterations per N (default {DEFAULT_AS4_ITERS})")
    ap.add_argument("--drsim-trials", default=DEFAULT_DRSIM_TRIALS,
                    help=f"drsim trials per N (default {DEFAULT_DRSIM_TRIALS})")
    ap.add_argument("--wait-idle", type=float, default=60,
                    help="before each N, wait up to this many seconds for other processes to "
                    "leave the CPUs idle (< 0.5 cores busy); 0: do not wait (default 60)")
    ap.add_argument("--repeats", type=int, default=3,
                    help="drsim runs per point; the fastest counts (default 3). AvailSim4 "
                    "runs once (too slow to repeat).")
    args = ap.parse_args()

    sizes = [int(x) for x in args.sizes.split(",")]
    as4_iters = parse_map(args.as4_iters)
    drsim_trials = parse_map(args.drsim_trials)
    for n in sizes:
        if n % 2 or n < 2:
            raise SystemExit(f"N must be even and >= 2, got {n}")
        if n not in as4_iters or n not in drsim_trials:
            raise SystemExit(f"no iteration/trial count given for N={n}")

    workdir = os.path.abspath(args.workdir) if args.workdir else tempfile.mkdtemp(
        prefix="drsim-race-availsim4-", dir="/tmp")
    if os.path.commonpath([workdir, REPO]) == REPO:
        raise SystemExit(f"--workdir must be outside the repository ({REPO})")
    os.makedirs(workdir, exist_ok=True)
    log(f"workdir {workdir}")

    started = _dt.datetime.now().astimezone()
    py = ensure_venv(workdir)
    drsim, drsim_ver, drsim_sha = ensure_drsim(args.drsim, workdir)
    log(f"{drsim_ver} (sha256 {drsim_sha}, snapshot of {args.drsim})")

    rows = []
    for n in sizes:
        d = os.path.join(workdir, f"N{n}")
        os.makedirs(d, exist_ok=True)
        yaml_path = os.path.join(d, f"pairs_N{n}.yaml")
        sys_path = os.path.join(d, f"system_N{n}.xlsx")
        k = as4_iters[n]
        sim_path = os.path.join(d, f"simulation_K{k}.xlsx")
        write_drsim_yaml(yaml_path, n)
        subprocess.run([py, os.path.abspath(__file__), "_as4-gen", sys_path, sim_path,
                        str(n), str(k), str(SEED)], check=True)
        exact = closed_form(n)
        busy_before = wait_idle(args.wait_idle) if args.wait_idle > 0 else busy_cores()

        # drsim: start-up (2 trials, its minimum), then 1 and 2 threads.
        startup = run_drsim(drsim, yaml_path, 2, 1, args.repeats, retry=False)["wall_s"]
        t = drsim_trials[n]
        log(f"N={n}: drsim {t} trials, 1 thread")
        d1 = run_drsim(drsim, yaml_path, t, 1, args.repeats)
        log(f"N={n}: drsim {t} trials, 2 threads")
        d2 = run_drsim(drsim, yaml_path, t, 2, args.repeats)

        # AvailSim4
        out_dir = os.path.join(d, f"as4_out_K{k}")
        shutil.rmtree(out_dir, ignore_errors=True)
        res_path = os.path.join(d, f"as4_result_K{k}.json")
        log(f"N={n}: AvailSim4 {k} iterations (this is the slow part)")
        proc, as4_wall, as4_cpu, as4_others = timed(
            [py, os.path.abspath(__file__), "_as4-run", sim_path, sys_path, out_dir, res_path],
            capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"AvailSim4 failed for N={n}:\n{proc.stdout}\n{proc.stderr}")
        with open(res_path) as f:
            a = json.load(f)
        per = a["availability_per_iteration"]
        hook_mean = statistics.fmean(per)
        a_se = statistics.stdev(per) / math.sqrt(len(per)) if len(per) > 1 else float("nan")
        a_mean = a["tool_availability"] if a["tool_availability"] is not None else hook_mean
        if abs(a_mean - hook_mean) > 1e-9:
            log(f"WARNING N={n}: hook mean {hook_mean} != AvailSim4 summary {a_mean}")
        as4_rate = a["iterations"] / a["loop_s"]
        as4_e2e = a["iterations"] / as4_wall

        rate1 = t / d1["wall_s"]
        rate2 = t / d2["wall_s"]
        z_as4 = (a_mean - exact) / a_se if a_se > 0 else float("inf")
        z_d = (d1["mean"] - exact) / d1["se"] if d1["se"] > 0 else float("inf")
        row = {
            "N": n, "exact": exact,
            "as4": {"iterations": a["iterations"], "rate": as4_rate, "rate_e2e": as4_e2e,
                    "wall_s": as4_wall, "cpu_s": as4_cpu, "others_cores": as4_others, "loop_s": a["loop_s"],
                    "import_s": a["import_s"], "setup_s": a["setup_s"],
                    "after_loop_s": a["after_loop_s"], "mean": a_mean, "hook_mean": hook_mean,
                    "se": a_se, "z": z_as4,
                    "records_per_iter": statistics.fmean(a["timeline_records_per_iteration"]),
                    "version": a["version"], "python": a["python"]},
            "drsim1": d1, "drsim2": d2, "drsim_startup_s": startup,
            "rate1": rate1, "rate2": rate2, "ratio": rate1 / as4_rate, "z_drsim": z_d,
            "busy_before": busy_before,
            "threads_identical": d1["mean"] == d2["mean"] and d1["ci95"] == d2["ci95"],
            "pass_as4": abs(z_as4) <= AGREE_SE, "pass_drsim": abs(z_d) <= AGREE_SE,
        }
        rows.append(row)
        log(f"N={n}: exact {exact:.6f} | AvailSim4 {fmt_a(a_mean, a_se)} z={z_as4:+.2f} "
            f"{as4_rate:.4g} it/s | drsim {fmt_a(d1['mean'], d1['se'])} z={z_d:+.2f} "
            f"{rate1:.4g} it/s (1T) {rate2:.4g} it/s (2T)")
        with open(os.path.join(workdir, "race_results.json"), "w") as f:
            json.dump(rows, f, indent=1)

    md = render(rows, started, drsim_ver, drsim_sha, args, workdir)
    print(md)
    if args.out:
        with open(args.out, "w") as f:
            f.write(md)
        log(f"wrote {args.out}")
    if not all(r["pass_drsim"] for r in rows):
        log("drsim DISAGREES with the closed form at some N (see table)")


def mark(run, threads):
    return " †" if starved(run, threads) else ""


def render(rows, started, drsim_ver, drsim_sha, args, workdir):
    nproc = os.cpu_count()
    load = os.getloadavg()
    as4v = rows[0]["as4"]["version"] if rows else AS4_VERSION
    as4py = rows[0]["as4"]["python"] if rows else "?"
    out = []
    out.append("## drsim vs AvailSim4 — redundant pairs (1oo2 pairs, AND at the root)")
    out.append("")
    out.append(f"- date: {started.strftime('%Y-%m-%d %H:%M %Z')}; `uname -m`: {platform.machine()}; "
               f"nproc: {nproc}; load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    out.append(f"- drsim: `{drsim_ver}` (binary sha256 {drsim_sha}, repo {git_rev()}); "
               f"AvailSim4 {as4v} on Python {as4py} (pip, PyPI)")
    out.append(f"- model: N components, N/2 pairs (1-out-of-2), root AND; EXP failures mean "
               f"{MTTF_H:g} h, EXP repairs mean {MTTR_H:g} h, unlimited repairers, "
               f"{HORIZON_H:g} h from all-up; seed {SEED}")
    out.append("")
    out.append("| N | AvailSim4 iterations | AvailSim4 it/s | drsim trials | drsim it/s (1 thread) "
               "| drsim it/s (2 threads) | ratio drsim 1T / AvailSim4 | AvailSim4 A ± SE (z) "
               "| drsim A ± SE (z) | closed form A | agreement (≤4 SE) |")
    out.append("|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---|")
    for r in rows:
        a = r["as4"]
        ok = ("AvailSim4 " + ("pass" if r["pass_as4"] else "FAIL") + ", drsim "
              + ("pass" if r["pass_drsim"] else "FAIL"))
        out.append(
            f"| {r['N']} | {a['iterations']} | {fmt_rate(a['rate'])}{mark(a, 1)} "
            f"| {r['drsim1']['trials']:,} "
            f"| {fmt_rate(r['rate1'])}{mark(r['drsim1'], 1)} "
            f"| {fmt_rate(r['rate2'])}{mark(r['drsim2'], 2)} | {r['ratio']:,.0f}× "
            f"| {fmt_a(a['mean'], a['se'])} ({a['z']:+.2f}) "
            f"| {fmt_a(r['drsim1']['mean'], r['drsim1']['se'])} ({r['z_drsim']:+.2f}) "
            f"| {r['exact']:.6f} | {ok} |")
    out.append("")
    out.append("Timing detail (wall-clock seconds; CPU = user+sys of the child process; drsim "
               f"figures are the fastest of {args.repeats} identical runs; \"others' busy cores\" "
               "= cores kept busy by other processes on this machine, from /proc/stat):")
    out.append("")
    out.append("| N | AvailSim4 loop s | AvailSim4 start-up s (import / read+build) | "
               "AvailSim4 export s | AvailSim4 end-to-end s (CPU s) | AvailSim4 end-to-end it/s | "
               "AvailSim4 timeline records/iteration | drsim 1T s (CPU s) | drsim 2T s (CPU s) | "
               "drsim start-up s (2 trials) | drsim 1T = 2T result | others' busy cores: before / "
               "AvailSim4 / drsim 1T / drsim 2T |")
    out.append("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for r in rows:
        a = r["as4"]
        out.append(
            f"| {r['N']} | {a['loop_s']:.1f} | {a['import_s']:.2f} / {a['setup_s']:.2f} "
            f"| {a['after_loop_s']:.2f} | {a['wall_s']:.1f} ({a['cpu_s']:.1f}) "
            f"| {fmt_rate(a['rate_e2e'])} | {a['records_per_iter']:.0f} "
            f"| {r['drsim1']['wall_s']:.2f} ({r['drsim1']['cpu_s']:.2f}) "
            f"| {r['drsim2']['wall_s']:.2f} ({r['drsim2']['cpu_s']:.2f}) "
            f"| {r['drsim_startup_s']:.3f} | {'yes' if r['threads_identical'] else 'NO'} "
            f"| {r['busy_before']:.2f} / {a['others_cores']:.2f} / "
            f"{r['drsim1']['others_cores']:.2f} / {r['drsim2']['others_cores']:.2f} |")
    out.append("")
    out.append("How to read it:")
    if any(starved(r["as4"], 1) or starved(r["drsim1"], 1) or starved(r["drsim2"], 2)
           for r in rows):
        out.append("- † = that process got less than 90% of the CPU time its threads could "
                   "use (other processes held cores): the rate is understated.")
    out.append("- AvailSim4 it/s = iterations / Monte Carlo loop time, measured in-process by a hook "
               "on `MonteCarlo.update_statistics` (hook time subtracted); start-up (imports, xlsx "
               "reading, tree building) and the xlsx export are excluded. drsim it/s = trials / "
               "wall-clock of the whole `drsim run` process, start-up included. Both choices favour "
               "AvailSim4.")
    out.append("- AvailSim4 A is its own `RESULTS_ROOT_SUMMARY` availability; SE = sample std of "
               "the per-iteration root availability / sqrt(iterations). drsim SE = ci95 width / "
               "(2 × 1.96). z = (estimate − closed form) / SE.")
    small = [r for r in rows if r["as4"]["iterations"] < 10]
    if small:
        ns = ", ".join(f"N={r['N']} ({r['as4']['iterations']} iterations)" for r in small)
        out.append(f"- Few AvailSim4 iterations at {ns}: "
                   + "; ".join(f"N={r['N']} takes {r['as4']['loop_s'] / r['as4']['iterations']:.3g} s "
                               "per iteration" for r in small)
                   + ". Its SE there comes from that many samples only and is itself rough "
                   "(and its it/s is a short sample); the agreement check there is weak.")
    out.append("- Closed form: time-average over [0, 8760 h] of ∏ pairs (1 − (1 − p(t))²), "
               "p(t) = μ/(λ+μ) + λ/(λ+μ)·e^{−(λ+μ)t}, Simpson's rule with 87,600 intervals.")
    out.append(f"- Command: `python3 benches/peers/availsim4/race.py --workdir {workdir}"
               + (f" --out {args.out}" if args.out else "")
               + (f" --sizes {args.sizes}" if args.sizes != DEFAULT_SIZES else "")
               + (f" --as4-iters {args.as4_iters}" if args.as4_iters != DEFAULT_AS4_ITERS else "")
               + (f" --drsim-trials {args.drsim_trials}"
                  if args.drsim_trials != DEFAULT_DRSIM_TRIALS else "")
               + (f" --wait-idle {args.wait_idle:g}" if args.wait_idle != 60 else "")
               + (f" --repeats {args.repeats}" if args.repeats != 3 else "")
               + "`")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_as4-gen":
        s, m, n, k, seed = sys.argv[2:7]
        as4_gen(s, m, int(n), int(k), int(seed))
    elif len(sys.argv) > 1 and sys.argv[1] == "_as4-run":
        as4_run(*sys.argv[2:6])
    else:
        main()
