"""The `orchestrator` section of make bench: make generate over test/generate/goals.json.

Per goal: answered or refused as the goal set expects, constraints met,
enabled libraries against the hand-written reference, seconds, and (with
boot) built and booted in QEMU. The metrics go into results.json, a table into
report.md, and orchestrator.svg draws the paper's Figure 10 axes: goals whose
configuration was built (and booted) against the cumulative time taken, for
the offline orchestrator and, when TN_LLM_URL names an endpoint, the model-
assisted path; the hand-written references are the ceiling (every answerable
goal), drawn as a line since the time a person takes cannot be measured here.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "scripts"))

GOALS = os.path.join(ROOT, "test", "generate", "goals.json")


def run(out, boot, only=None):
    """Runs the evaluation; returns (metrics, per-goal records, per-path records)."""
    import evaluate
    import llm
    paths = {"offline": None}
    if llm.configured():
        paths["llm"] = os.environ["TN_LLM_URL"]
    records = {}
    saved = os.environ.pop("TN_LLM_URL", None)
    try:
        for path, url in paths.items():
            if url:
                os.environ["TN_LLM_URL"] = url
            else:
                os.environ.pop("TN_LLM_URL", None)
            evaluate.BOOTED.clear()
            records[path] = evaluate.evaluate_all(GOALS, os.path.join(out, "orchestrator", path), boot and
                                                  path == "offline", only, quiet=True)
    finally:
        if saved is not None:
            os.environ["TN_LLM_URL"] = saved
    metrics = {}
    for path, recs in records.items():
        prefix = "orchestrator." if path == "offline" else "orchestrator.%s." % path
        answerable = [r for r in recs if r["expected"] == "answer"]
        metrics[prefix + "goals"] = len(recs)
        metrics[prefix + "passed"] = sum(1 for r in recs if r["ok"])
        metrics[prefix + "answered"] = sum(1 for r in answerable if r["ok"])
        metrics[prefix + "refused_correctly"] = sum(1 for r in recs if r["expected"] == "refuse" and r["ok"])
        metrics[prefix + "seconds_mean"] = round(sum(r["seconds"] for r in recs) / max(1, len(recs)), 3)
        metrics[prefix + "seconds_max"] = max((r["seconds"] for r in recs), default=0)
        over = [r["libraries"] - r["reference_libraries"] for r in answerable if "libraries" in r]
        metrics[prefix + "libraries_over_reference_max"] = max(over, default=0)
        if any("booted" in r for r in recs):
            metrics[prefix + "booted"] = sum(1 for r in recs if r.get("booted"))
    return metrics, records


def section(metrics, records):
    """Markdown for report.md."""
    md = ["## Self-generation (`make generate`, issue 22)", "",
          "The goal set `test/generate/goals.json`: %d goals, %d the pool can answer and %d it must refuse. "
          "Targets: every answerable goal built, booted and constraint-satisfying, within 1 library of the "
          "hand-written reference, under 5 s per goal offline; every unanswerable one refused." % (
              metrics["orchestrator.goals"], sum(1 for r in records["offline"] if r["expected"] == "answer"),
              sum(1 for r in records["offline"] if r["expected"] == "refuse")), "",
          "| # | goal | result | constraints | libraries (reference) | booted | seconds |", "|---|---|---|---|---|---|---|"]
    for r in records["offline"]:
        if r["expected"] == "refuse":
            result = "refused" if r["ok"] else "**answered**"
        else:
            result = "ok" if r["ok"] else "**failed**"
        booted = {True: "yes", False: "**no**", None: "n/a"}.get(r["booted"]) if "booted" in r else "-"
        if r.get("shared") and r.get("booted"):
            booted = "yes (image of %s)" % r["shared"]
        md.append("| g%02d | %s | %s | %s | %s | %s | %.2f |" % (
            r["index"], r["goal"], result, r.get("constraints", "-"),
            "%s (%s)" % (r["libraries"], r["reference_libraries"]) if "libraries" in r else "-", booted,
            r["seconds"]))
    md.append("")
    md.append("Offline: %d of %d goals as expected; mean %.2f s, slowest %.2f s per goal; at most %+d libraries "
              "against a reference." % (metrics["orchestrator.passed"], metrics["orchestrator.goals"],
                                        metrics["orchestrator.seconds_mean"], metrics["orchestrator.seconds_max"],
                                        metrics["orchestrator.libraries_over_reference_max"]))
    if "llm" in records:
        md.append("With the model (TN_LLM_URL): %d of %d as expected, mean %.2f s per goal." % (
            metrics["orchestrator.llm.passed"], metrics["orchestrator.llm.goals"],
            metrics["orchestrator.llm.seconds_mean"]))
    else:
        md.append("No model endpoint configured (TN_LLM_URL): the model-assisted path was not measured.")
    md.append("\n![goals built against time](orchestrator.svg)\n")
    return md


def plot(metrics, records, path):
    import bench_report as br
    answerable = sum(1 for r in records["offline"] if r["expected"] == "answer")
    total_time = max(sum(r["seconds"] for r in recs) for recs in records.values()) or 1.0
    xmax = br.nice_max(total_time)
    steps = 20
    xs = [xmax * i / steps for i in range(steps + 1)]
    pos = [i / steps for i in range(steps + 1)]
    series = []
    for which, recs in records.items():
        elapsed, built, points = 0.0, 0, []
        done = []
        for r in recs:
            elapsed += r["seconds"]
            if r["expected"] == "answer" and r["ok"]:
                built += 1
            done.append((elapsed, built))
        for x in xs:
            points.append(max([b for t, b in done if t <= x] or [0]))
        series.append(("offline orchestrator" if which == "offline" else "model-assisted", points))
    series.append(("hand-written references", [answerable] * len(xs)))
    ymax = br.nice_max(answerable)
    ticks = [(p, "%.1f" % x) for p, x in zip(pos, xs)][::4]
    body = br.axes(ymax, "goals built, constraints met", ticks, "seconds (cumulative, generation only)")
    br.svg("Self-generation: goals built against time (Figure 10's axes)", body + br.lines(series, pos, ymax), path)
