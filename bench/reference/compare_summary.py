#!/usr/bin/python3
"""Pairs SharpGrad's and the reference systems' JSON lines and computes the ratios (used by bench/compare.sh).

    compare_summary.py RAW_DIR OUT_JSON [--meta KEY=VALUE ...]

RAW_DIR holds <workload>-<system>-<round>.jsonl (stdout of one run), <workload>-<system>-<round>.failed (why it failed) and
<workload>.skipped (why a workload was skipped). Each system's figure is the median over the rounds of its per-run figure
(itself a median of repeats, see docs/benchmarks.md); the ratio is SharpGrad / reference of those medians, and "winner"
names the better one given the direction ("lower" is better for seconds, "higher" for tokens/s and GFLOP/s). Prints a
Markdown table and writes every record, comparison and skip to OUT_JSON. <base>.load files (written by compare.sh beside
each run) add the run's wall and CPU seconds and "other_load_cores", the cores other processes kept busy during the run;
"other load" in the table is its maximum over the runs behind the row (0 on a quiet machine).
"""
import glob
import json
import os
import re
import statistics
import sys

# (workload, label, metric of the line, key holding the figure, unit, better, extra match on the line)
SPECS = [
    ("W1", "1000 epochs", "train_seconds", "value", "s", "lower", {}),
    ("W2", "per epoch", "sec_per_epoch", "value", "s", "lower", {}),
    ("W3", "per epoch", "sec_per_epoch", "value", "s", "lower", {}),
    ("W4", "training", "train_tokens_per_sec", "value", "tokens/s", "higher", {}),
    ("W5", "training", "train_tokens_per_sec", "value", "tokens/s", "higher", {}),
    # like for like: no KV cache, 200 tokens, the window cropped to the last 128 tokens (nanoGPT; SharpGrad's Slide policy)
    ("W5", "generation, no KV cache, 200 tokens (crop)", "gen_tokens_per_sec", "slide_gen_tokens_per_sec_no_cache", "tokens/s", "higher", {}),
    ("W5", "generation, no KV cache, 127 tokens", "gen_tokens_per_sec", "gen_tokens_per_sec_127_in_context_no_cache", "tokens/s", "higher", {}),
] + [("W6", f"n = {n}, {t} thread{'s' if t > 1 else ''}", "gflops", "value", "GFLOP/s", "higher", {"n": n, "threads": t})
     for n in (256, 512, 1024, 2048) for t in (1, 2)]

# Informational: SharpGrad's default generation (KV cache, shift) against PyTorch's only mode (no cache, crop).
INFO_SPECS = [
    ("W5", "generation, SharpGrad with KV cache vs PyTorch without, 200 tokens", "gen_tokens_per_sec", "value", "slide_gen_tokens_per_sec_no_cache",
     "tokens/s", "higher"),
]

ACCURACY_WORKLOADS = ("W1", "W2", "W3")
NAME = re.compile(r"^(W\d[\w-]*)-([a-z]+)-(\d+)\.(jsonl|failed)$")


def load(raw_dir):
    records, failures = [], []
    for path in sorted(glob.glob(os.path.join(raw_dir, "*"))):
        m = NAME.match(os.path.basename(path))
        if not m:
            continue
        workload, runner, rnd, kind = m.group(1), m.group(2), int(m.group(3)), m.group(4)
        with open(path) as f:
            text = f.read()
        if kind == "failed":
            failures.append({"workload": workload, "runner": runner, "round": rnd, "error": text.strip()})
            continue
        load_path = path[:-len(kind)] + "load"
        run_load = {}
        if os.path.exists(load_path):
            with open(load_path) as f:
                try:
                    run_load = json.load(f)
                except json.JSONDecodeError:
                    pass
        for raw in text.splitlines():
            raw = raw.strip()
            if raw.startswith("{"):
                try:
                    rec = json.loads(raw)
                except json.JSONDecodeError:
                    continue
                rec["round"] = rnd
                rec.update({"run_" + k if k != "other_load_cores" else k: v for k, v in run_load.items()})
                records.append(rec)
    skipped = []
    for path in sorted(glob.glob(os.path.join(raw_dir, "*.skipped"))):
        with open(path) as f:
            skipped.append({"workload": os.path.basename(path)[:-len(".skipped")], "reason": f.read().strip()})
    return records, failures, skipped


def figures(records, system, workload, metric, key, match):
    """This system's figure per round (rounds in order), and the most cores other processes kept busy during those runs."""
    out, other = [], []
    for r in records:
        if r.get("system") == system and r.get("workload") == workload and r.get("metric") == metric and key in r \
                and all(r.get(k) == v for k, v in match.items()):
            out.append((r["round"], float(r[key])))
            if "other_load_cores" in r:
                other.append(r["other_load_cores"])
    return [v for _, v in sorted(out)], max(other) if other else None


def compare(records, workload, label, metric, sg_key, ref_key, unit, better, match, reference, info=False):
    sg, sg_other = figures(records, "sharpgrad", workload, metric, sg_key, match)
    ref, ref_other = figures(records, reference, workload, metric, ref_key, match)
    others = [o for o in (sg_other, ref_other) if o is not None]
    if not sg or not ref:
        return None
    sg_med, ref_med = statistics.median(sg), statistics.median(ref)
    ratio = sg_med / ref_med if ref_med else float("nan")
    sharpgrad_better = sg_med < ref_med if better == "lower" else sg_med > ref_med
    # How many times faster SharpGrad is (> 1) or slower (< 1), whatever the unit's direction.
    speed = (ref_med / sg_med if better == "lower" else ratio) if sg_med and ref_med else float("nan")
    return {"workload": workload, "figure": label, "metric": metric, "sharpgrad_key": sg_key, "reference_key": ref_key, **match,
            "unit": unit, "better": better, "reference_system": reference, "sharpgrad": sg_med, "reference": ref_med,
            "ratio_sharpgrad_over_reference": round(ratio, 3), "sharpgrad_speed_factor": round(speed, 3),
            "winner": "sharpgrad" if sharpgrad_better else reference, "sharpgrad_per_round": sg, "reference_per_round": ref,
            "informational": info, "other_load_cores_max": max(others) if others else None}


def accuracy_notes(records):
    notes = {}
    for w in ACCURACY_WORKLOADS:
        parts = []
        for system in ("sharpgrad", "pytorch", "numpy"):
            accs = [r["test_accuracy"] for r in records if r.get("workload") == w and r.get("system") == system and "test_accuracy" in r]
            if accs:
                parts.append(f"{system} {accs[-1]:.4f}")
        if parts:
            notes[w] = "test accuracy " + ", ".join(parts)
    return notes


def fmt(v):
    if v >= 1000:
        return f"{v:,.0f}"
    if v >= 100:
        return f"{v:.1f}"
    if v >= 10:
        return f"{v:.2f}"
    return f"{v:.4g}"


def main(argv):
    raw_dir, out_path = argv[0], argv[1]
    meta = {}
    for i, a in enumerate(argv):
        if a == "--meta" and i + 1 < len(argv):
            k, _, v = argv[i + 1].partition("=")
            meta[k] = v
    records, failures, skipped = load(raw_dir)
    rows = []
    for w, label, metric, key, unit, better, match in SPECS:
        for reference in ("pytorch", "numpy"):
            row = compare(records, w, label, metric, key, key, unit, better, match, reference)
            if row:
                rows.append(row)
    for w, label, metric, sg_key, ref_key, unit, better in INFO_SPECS:
        row = compare(records, w, label, metric, sg_key, ref_key, unit, better, {}, "pytorch", info=True)
        if row:
            rows.append(row)
    notes = accuracy_notes(records)

    print("| workload | figure | unit (better) | SharpGrad | reference | SharpGrad / reference | SharpGrad speed | winner | other load |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        ref_name = "PyTorch" if r["reference_system"] == "pytorch" else "NumPy"
        speed = r["sharpgrad_speed_factor"]
        label = r["figure"] + (" (informational)" if r["informational"] else "")
        print(f"| {r['workload']} | {label} | {r['unit']} ({r['better']}) | {fmt(r['sharpgrad'])} | {ref_name} {fmt(r['reference'])} | "
              f"{r['ratio_sharpgrad_over_reference']:.2f} | {speed:.2f}× | {'SharpGrad' if r['winner'] == 'sharpgrad' else ref_name} | "
              f"{'' if r['other_load_cores_max'] is None else format(r['other_load_cores_max'], '.2f')} |")
    for w, note in notes.items():
        print(f"{w}: {note}")
    for s in skipped:
        print(f"{s['workload']}: skipped — {s['reason']}")
    for f in failures:
        print(f"{f['workload']}: {f['runner']} run {f['round']} failed — {f['error'].splitlines()[-1] if f['error'] else ''}")
    blas = sorted({r["blas"] for r in records if "blas" in r})
    result = {**meta, "reference_blas": blas, "ratio": "sharpgrad / reference of the per-system medians over the rounds; "
              "sharpgrad_speed_factor > 1 means SharpGrad is faster (reference/sharpgrad for seconds, sharpgrad/reference for rates)",
              "comparisons": rows, "accuracy": notes, "skipped": skipped, "failures": failures, "records": records}
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    with open(out_path, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
