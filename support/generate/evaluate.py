#!/usr/bin/python3
"""Runs make generate over a goal set and reports, per goal: answered or refused
as expected, constraints met, enabled libraries against the hand-written
reference, seconds, and with --boot whether it built and booted in QEMU.

usage: evaluate.py GOALS.json OUTDIR [--boot] [--only N[,N...]] [--json FILE]

Each generated application goes to OUTDIR/gNN. Exit status 1 if any goal
fails (a wrong refusal, an unmet constraint, more than one library over the
reference, a failed build or boot).
"""

import argparse
import io
import json
import os
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import generate  # noqa: E402
import orchestrator  # noqa: E402
import skeleton  # noqa: E402

sys.path.insert(0, os.path.join(HERE, "..", "kconfig"))
import tnconfig  # noqa: E402


def resolve(pool, assignments):
    """Resolves a {symbol: value} configuration; returns (problems, enabled libraries)."""
    evaluator = orchestrator.Evaluator(pool)
    problems = evaluator.resolve(assignments)
    return problems, evaluator.enabled_libraries()


def load_defconfig(pool, path):
    """Loads a generated defconfig as the build would (tnconfig's strictness); returns problems."""
    pool.kconf.unset_values()
    try:
        tnconfig.strict_load(pool.kconf, path, "generated defconfig")
    except tnconfig.ConfigError as error:
        return [str(error)]
    return []


def requirement_met(kconf, expr):
    return kconf.eval_string(expr) == 2


# Images already built and booted in this run, by content: goals whose generated files are the same
# (but for the application's name) share one build and boot.
BOOTED = {}
# Each evaluated goal's generated files, by goal number (a paraphrase must give its original's).
KEYS = {}


def image_key(app_dir):
    name = os.path.basename(os.path.abspath(app_dir))
    parts = []
    for dirpath, _, files in sorted(os.walk(app_dir)):
        if "/build" in dirpath[len(app_dir):]:
            continue
        for f in sorted(files):
            with open(os.path.join(dirpath, f), errors="replace") as handle:
                text = "".join(line for line in handle if not line.startswith(("#", "//", " *", "/*")))
            text = text.replace(name, "APP").replace(skeleton.c_name(name), "APP")
            parts.append(os.path.relpath(os.path.join(dirpath, f), app_dir) + "\n" + text)
    return "\n".join(parts)


def image_dirs(app_dir, summary):
    """{image name: directory with its defconfig}."""
    if summary.get("kind") == "combined":
        dirs = {"host": app_dir}
        for name in summary["images"]:
            if name != "host":
                dirs[name] = os.path.join(app_dir, name)
        return dirs
    return {"app": app_dir}


def evaluate_goal(index, entry, outdir, boot):
    app_dir = os.path.join(outdir, "g%02d" % index)
    shutil.rmtree(app_dir, ignore_errors=True)
    record = {"index": index, "goal": entry["goal"], "ok": True, "problems": []}
    log = io.StringIO()
    started = time.monotonic()
    try:
        summary = generate.generate(entry["goal"], app_dir, out=log)
        refused = None
    except orchestrator.Refusal as refusal:
        summary, refused = None, str(refusal)
    record["seconds"] = round(time.monotonic() - started, 2)
    if "refuse" in entry:
        record["expected"] = "refuse"
        if refused is None:
            record["ok"] = False
            record["problems"].append("answered a goal it should refuse")
        else:
            missing = [w for w in entry["refuse"] if w.lower() not in refused.lower()]
            if missing:
                record["ok"] = False
                record["problems"].append("the refusal does not name %s: %s" % (", ".join(missing), refused))
        record["refused"] = refused
        return record
    record["expected"] = "answer"
    if refused is not None:
        record["ok"] = False
        record["problems"].append("refused: " + refused)
        return record
    pool = generate.load_pool(app_dir)
    dirs = image_dirs(app_dir, summary)
    libs_generated = libs_reference = 0
    met = total = 0
    for image, requirements in entry["requires"].items():
        directory = dirs.get(image)
        if directory is None:
            record["ok"] = False
            record["problems"].append("no image %s generated (got %s)" % (image, ", ".join(sorted(dirs))))
            continue
        problems = load_defconfig(pool, os.path.join(directory, "defconfig"))
        if problems:
            record["ok"] = False
            record["problems"] += problems
            continue
        for expr in requirements:
            total += 1
            if requirement_met(pool.kconf, expr):
                met += 1
            else:
                record["ok"] = False
                record["problems"].append("%s: %s not met" % (image, expr))
    for image, directory in dirs.items():
        if load_defconfig(pool, os.path.join(directory, "defconfig")):
            continue
        libs_generated += len(orchestrator.Evaluator(pool).enabled_libraries())
        reference = entry.get("reference", {}).get(image)
        if reference is not None:
            problems, libs = resolve(pool, reference)
            if problems:
                record["problems"].append("reference of %s is invalid: %s" % (image, "; ".join(problems)))
                record["ok"] = False
            libs_reference += len(libs)
    record["constraints"] = "%d/%d" % (met, total)
    record["libraries"] = libs_generated
    record["reference_libraries"] = libs_reference
    if libs_generated > libs_reference + 1:
        record["ok"] = False
        record["problems"].append("%d libraries, the reference has %d" % (libs_generated, libs_reference))
    key = image_key(app_dir)
    KEYS[index] = key
    original = entry.get("paraphrase_of")
    if original and int(original[1:]) in KEYS and KEYS[int(original[1:])] != key:
        record["ok"] = False
        record["problems"].append("the same goal in other words as %s, but a different result" % original)
    if boot and entry.get("boot", True):
        if key in BOOTED:
            checked = dict(BOOTED[key][1], shared="g%02d" % BOOTED[key][0])
        else:
            checked = generate.check(app_dir, summary, log)
            BOOTED[key] = (index, checked)
        record.update({k: checked[k] for k in ("built", "booted", "footprint")})
        if checked.get("shared"):
            record["shared"] = checked["shared"]
        if not checked["built"] or checked["booted"] is False:
            record["ok"] = False
            record["problems"].append("%s: %s" % (checked["why"], log.getvalue()[-600:]))
    return record


def evaluate_all(goals_path, outdir, boot, only=None, quiet=False):
    """Evaluates every goal of @goals_path (or those numbered in @only); returns their records."""
    with open(goals_path) as f:
        entries = json.load(f)["goals"]
    os.makedirs(outdir, exist_ok=True)
    records = []
    for index, entry in enumerate(entries, 1):
        if only and index not in only:
            continue
        record = evaluate_goal(index, entry, outdir, boot)
        records.append(record)
        if quiet:
            continue
        status = "PASS" if record["ok"] else "FAIL"
        detail = ("refused as expected" if record.get("expected") == "refuse" and record["ok"] else
                  "constraints %s, libraries %s (reference %s)%s" % (
                      record.get("constraints", "-"), record.get("libraries", "-"),
                      record.get("reference_libraries", "-"),
                      ", booted" + (" (image of %s)" % record["shared"] if record.get("shared") else "")
                      if record.get("booted") else ""))
        print("%s  g%02d %.2f s  %s  \"%s\"" % (status, index, record["seconds"], detail, entry["goal"]))
        for problem in record["problems"]:
            print("        " + problem.replace("\n", "\n        "))
        sys.stdout.flush()
    return records


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("goals")
    parser.add_argument("outdir")
    parser.add_argument("--boot", action="store_true")
    parser.add_argument("--only")
    parser.add_argument("--json")
    args = parser.parse_args(argv[1:])
    only = {int(n) for n in args.only.split(",")} if args.only else None
    records = evaluate_all(args.goals, args.outdir, args.boot, only)
    failed = sum(1 for r in records if not r["ok"])
    print("%d goals, %d failed" % (len(records), failed))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(records, f, indent=1)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
