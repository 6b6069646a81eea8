#!/usr/bin/python3
"""make generate: from a one-sentence goal to a configuration, an app skeleton and (CHECK=1) a boot.

usage: generate.py (--goal TEXT | --goal-env NAME) --app DIR [--check] [--json FILE]

The offline orchestrator (orchestrator.py) is the default and needs nothing
but the tree. With TN_LLM_URL set, an OpenAI-compatible chat endpoint parses
the goal and ranks candidates (llm.py); everything it proposes passes the same
validation, and an endpoint that cannot be reached falls back to the offline
path with a message. docs/generate.md describes the whole flow.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)

import goal as goalmod  # noqa: E402
import llm  # noqa: E402
import orchestrator  # noqa: E402
import skeleton  # noqa: E402
import structure as structmod  # noqa: E402


def load_pool(app_dir):
    # The tree sources $(TN_BUILD_DIR)/kconfig/external.uk (a build's external libraries; none
    # here): an empty one in a scratch directory, needed only while the tree is parsed.
    with tempfile.TemporaryDirectory(prefix="tn-generate-") as build:
        os.makedirs(os.path.join(build, "kconfig"))
        open(os.path.join(build, "kconfig", "external.uk"), "w").close()
        os.environ["srctree"] = ROOT
        os.environ["TN_APP_DIR"] = os.path.abspath(app_dir)
        os.environ["TN_BUILD_DIR"] = build
        try:
            return orchestrator.Pool(os.path.join(ROOT, "Config.uk"))
        finally:
            del os.environ["TN_BUILD_DIR"]


def explain(role, result, out):
    out.write("%s configuration (%d candidates, %d valid; libraries: %s):\n" %
              (role, result.candidates, result.valid, ", ".join(result.libraries) or "core only"))
    for c in result.choices:
        out.write("  CONFIG_%s=%s  <- %s\n" % (c.symbol, c.value, c.reason))
        if c.pulled:
            out.write("      pulls in %s\n" % ", ".join("CONFIG_" + p for p in c.pulled))
    for note in result.notes:
        out.write("  note: %s\n" % note)
    for name in getattr(result, "unmet", []):
        out.write("  note: nothing in this image answers \"%s\" (%s)\n" %
                  (", ".join(result_goal_words(name)), name))


_GOAL = None


def result_goal_words(name):
    return _GOAL.evidence.get(name, [name]) if _GOAL else [name]


def generate(goal_text, app_dir, out=sys.stdout):
    """Plans and writes; returns a summary dict (also what --json writes)."""
    global _GOAL
    started = time.monotonic()
    goal = goalmod.parse(goal_text)
    _GOAL = goal
    pool = load_pool(app_dir)
    path = "offline"
    if llm.configured():
        try:
            advice = llm.advise(goal_text, pool)
            path = "llm"
            for name, polarity in sorted(advice.intents.items()):
                if name not in goal.intents:
                    goal.intents[name] = polarity
                    goal.evidence.setdefault(name, ["(the model)"])
            goal.hints = advice.symbols
            for reason in advice.rejected:
                out.write("  model: ignored: %s\n" % reason)
            out.write("  model: intents %s; proposed %s\n" % (
                ", ".join(sorted(advice.intents)) or "none",
                ", ".join("CONFIG_" + s for s in advice.symbols) or "no symbols"))
        except llm.Unavailable as reason:
            out.write("generate: %s; using the offline orchestrator\n" % reason)
    shape = structmod.decide(goal)
    orchestrator.check_capabilities(pool, goal, shape)
    summary = {"goal": goal_text, "app": app_dir, "kind": shape["kind"], "images": {}, "path": path,
               "board": shape["board"]}
    period_us, iterations = structmod.loop(goal)
    if shape["kind"] == "tenon":
        plan = orchestrator.Plan(pool, goal, shape["base"], "tenon")
        result = plan.run()
        resolved = plan.evaluator.kconf
        config = {s.name: s.str_value for s in resolved.unique_defined_syms}
        explain("Tenon image", result, out)
        written = skeleton.write_app(app_dir, ROOT, goal_text, result, config, period_us, iterations,
                                     overwrite_sources=not os.path.exists(os.path.join(app_dir, "Makefile")))
        summary["images"]["app"] = {"config": result.config, "libraries": result.libraries}
        summary["cpus"] = int(config.get("TN_MAX_CPUS") or 1)
    else:
        written = structmod.write_combined(pool, goal, shape, app_dir, ROOT, goal_text, period_us, iterations,
                                           out, summary, explain)
    for path in written:
        out.write("  WRITE   %s\n" % os.path.relpath(path))
    summary["seconds"] = round(time.monotonic() - started, 2)
    return summary


def expected_markers(app_dir, summary):
    """The "<app>: ok" lines a boot must print: the app's, or each Tenon guest's in a combined image."""
    if summary.get("kind") == "combined":
        return ["%s: ok" % name for name in summary["images"] if name != "host"]
    return ["%s: ok" % os.path.basename(os.path.abspath(app_dir))]


def check(app_dir, summary, out, timeout_s=240):
    """Builds and, where QEMU can, boots the generated app under icount; returns a dict with
    built, booted (None: not bootable here), footprint (bytes of the image's sections) and why."""
    result = {"built": False, "booted": None, "footprint": None, "why": ""}
    build = subprocess.run(["make", "-s", "-j%d" % (os.cpu_count() or 2), "-C", app_dir], capture_output=True, text=True)
    if build.returncode:
        out.write(build.stdout[-3000:] + build.stderr[-3000:])
        result["why"] = "the build failed"
        return result
    result["built"] = True
    sizes = subprocess.run(["make", "-s", "-C", app_dir, "sizes"], capture_output=True, text=True)
    totals = [line.split() for line in sizes.stdout.splitlines() if line.split()[:1] == ["TOTAL"]]
    if totals and totals[-1][-1].isdigit():
        result["footprint"] = int(totals[-1][-1])
    if summary.get("board") == "rk3568":
        result["why"] = "an RK3568 board image: QEMU cannot boot it (make uboot-image writes the board's SD card image)"
        return result
    markers = expected_markers(app_dir, summary)
    smp = summary.get("cpus")
    command = ["make", "-s", "-C", app_dir, "run", "QEMU_ICOUNT=1"] + (["QEMU_SMP=%d" % smp] if smp else [])
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            text=True, start_new_session=True)
    seen, log = set(), []
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            log.append(line)
            seen.update(m for m in markers if m in line)
            if len(seen) == len(markers):
                break
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, 15)
        proc.wait()
    result["booted"] = len(seen) == len(markers)
    if not result["booted"]:
        out.write("".join(log[-40:]))
        result["why"] = "the boot did not print %s" % ", ".join(m for m in markers if m not in seen)
    return result


def main(argv):
    parser = argparse.ArgumentParser(description="Generate a TenonOS configuration from a goal.")
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--goal", help="the goal sentence")
    which.add_argument("--goal-env", metavar="NAME", help="read the goal from this environment variable")
    parser.add_argument("--app", required=True)
    parser.add_argument("--check", action="store_true", help="build and boot the result in QEMU")
    parser.add_argument("--json", help="write a summary here")
    args = parser.parse_args(argv[1:])
    if args.goal_env:
        args.goal = os.environ.get(args.goal_env, "")
    if not args.goal.strip():
        sys.exit("generate: GOAL is empty: say what the application must do, e.g.\n"
                 "  make generate GOAL=\"a 1 kHz control loop with floating-point PID, as small as possible\" "
                 "APP=apps/myctl")
    try:
        summary = generate(args.goal, args.app)
    except orchestrator.Refusal as refusal:
        sys.stderr.write("generate: refused: %s\n" % refusal)
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"goal": args.goal, "refused": str(refusal)}, f, indent=1)
        return 2
    if args.check:
        checked = check(args.app, summary, sys.stdout)
        summary.update(checked)
        if not checked["built"] or checked["booted"] is False:
            print("generate: CHECK failed: %s" % checked["why"])
            return 1
        print("generate: CHECK: built (%s bytes)%s" % (
            "{:,}".format(checked["footprint"]) if checked["footprint"] else "size unknown",
            ", booted in QEMU" if checked["booted"] else "; not booted: " + checked["why"]))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(summary, f, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
