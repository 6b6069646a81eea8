#!/usr/bin/python3
"""The Library Relation Graph (Lib-Graph): the Kconfig tree as nodes and edges.

Every symbol, choice and menu of the tree becomes a node with what a reader (or
the goal orchestrator, support/generate) needs to pick it: name, type, prompt,
help text, ranges, defaults, the library directory whose Config.uk defines it
and its menu path. Edges say how nodes constrain each other:

  depends   A's prompt or value needs B   (`depends on`, `if` blocks)
  select    A forces B on                 (`select`)
  imply     A turns B on unless the user says otherwise (`imply`)
  parent    A sits in menu or choice B
  member    A is one of choice B's alternatives
  describes A's help text names B          (e.g. "needs LIBNEWLIB")

Nothing here lists a library: the graph is read from whatever Config.uk files
the tree holds, so a dropped-in library appears with its edges.

usage: libgraph.py KCONFIG OUTDIR      writes OUTDIR/libgraph.json, and as
                                       Graphviz source (.dot) and pictures (.svg,
                                       when Graphviz's dot is installed) the
                                       symbol graph with libraries as clusters
                                       (libgraph) and the library level alone
                                       (libgraph-libraries)
The environment carries srctree, TN_APP_DIR and TN_BUILD_DIR as for tnconfig.py.
"""

import json
import os
import re
import shutil
import subprocess
import sys

try:
    import kconfiglib
except ImportError:
    sys.exit("error: Python module 'kconfiglib' not found for /usr/bin/python3.\n"
             "  Install it with: apt-get install python3-kconfiglib   (or run 'make deps' as root)")

ROOT_LIBRARY = "(root)"
APP_LIBRARY = "(application)"

TYPE_NAMES = {
    kconfiglib.BOOL: "bool",
    kconfiglib.TRISTATE: "tristate",
    kconfiglib.STRING: "string",
    kconfiglib.INT: "int",
    kconfiglib.HEX: "hex",
    kconfiglib.UNKNOWN: "unknown",
}


def load(kconfig_file):
    """Parses the tree rooted at @kconfig_file (warnings are not the graph's business)."""
    kconf = kconfiglib.Kconfig(kconfig_file, warn=False, warn_to_stderr=False)
    return kconf


def library_of(filename):
    """The directory, relative to srctree, whose Config.uk defines a node."""
    srctree = os.environ.get("srctree", "").rstrip("/")
    app = os.environ.get("TN_APP_DIR", "").rstrip("/")
    path = filename if os.path.isabs(filename) else os.path.join(srctree or ".", filename)
    path = os.path.abspath(path)
    if app and path.startswith(app + "/"):
        return APP_LIBRARY
    if srctree and path.startswith(srctree + "/"):
        path = path[len(srctree) + 1:]
    directory = os.path.dirname(path)
    return directory or ROOT_LIBRARY


def expr_syms(expr):
    """Names of the defined symbols an expression refers to (constants left out)."""
    names = []
    for item in kconfiglib.expr_items(expr):
        if isinstance(item, kconfiglib.Symbol) and not item.is_constant and item.nodes:
            if item.name not in names:
                names.append(item.name)
    return names


def node_id(item):
    if isinstance(item, kconfiglib.Symbol):
        return item.name
    if isinstance(item, kconfiglib.Choice):
        return "choice:" + (item.name or _anon_choice_name(item))
    raise TypeError(item)


def _anon_choice_name(choice):
    node = choice.nodes[0]
    return "%s:%d" % (os.path.basename(os.path.dirname(node.filename)) or "root", node.linenr)


def menu_path(node):
    parts = []
    parent = node.parent
    while parent is not None and parent is not parent.kconfig.top_node:
        if parent.prompt and (parent.item is kconfiglib.MENU or isinstance(parent.item, kconfiglib.Choice)):
            parts.append(parent.prompt[0])
        parent = parent.parent
    return list(reversed(parts))


def enclosing(node):
    """The closest enclosing menu or choice node, or None at the top."""
    parent = node.parent
    while parent is not None and parent is not parent.kconfig.top_node:
        if parent.item is kconfiglib.MENU or isinstance(parent.item, kconfiglib.Choice):
            return parent
        parent = parent.parent
    return None


def menu_id(node):
    if isinstance(node.item, kconfiglib.Choice):
        return node_id(node.item)
    return "menu:" + "/".join(menu_path(node) + [node.prompt[0]])


def _value_text(expr):
    if isinstance(expr, kconfiglib.Symbol):
        return expr.name if not expr.is_constant else expr.str_value
    return kconfiglib.expr_str(expr)


def symbol_record(sym):
    nodes = sym.nodes
    prompt = next((n.prompt[0] for n in nodes if n.prompt), None)
    help_text = "\n\n".join(n.help.strip() for n in nodes if n.help)
    first = nodes[0]
    record = {
        "id": sym.name,
        "kind": "symbol",
        "name": sym.name,
        "type": TYPE_NAMES.get(sym.orig_type, "unknown"),
        "prompt": prompt,
        "help": help_text,
        "library": library_of(first.filename),
        "file": "%s:%d" % (os.path.relpath(first.filename, os.environ.get("srctree") or "."), first.linenr),
        "menu": menu_path(first),
        "ranges": [[_value_text(lo), _value_text(hi)] + ([kconfiglib.expr_str(cond)] if cond is not sym.kconfig.y else [])
                   for lo, hi, cond in sym.ranges],
        "defaults": [{"value": _value_text(val),
                      "if": None if cond is sym.kconfig.y else kconfiglib.expr_str(cond)}
                     for val, cond in sym.defaults],
        "depends": kconfiglib.expr_str(sym.direct_dep) if sym.direct_dep is not sym.kconfig.y else None,
        "choice": node_id(sym.choice) if sym.choice else None,
    }
    return record


def choice_record(choice):
    first = choice.nodes[0]
    prompt = next((n.prompt[0] for n in choice.nodes if n.prompt), None)
    return {
        "id": node_id(choice),
        "kind": "choice",
        "name": choice.name,
        "type": TYPE_NAMES.get(choice.orig_type, "unknown"),
        "prompt": prompt,
        "help": "\n\n".join(n.help.strip() for n in choice.nodes if n.help),
        "library": library_of(first.filename),
        "file": "%s:%d" % (os.path.relpath(first.filename, os.environ.get("srctree") or "."), first.linenr),
        "menu": menu_path(first),
        "members": [s.name for s in choice.syms],
        "default": [_value_text(v) for v, _ in choice.defaults][:1] or None,
    }


def build(kconf):
    """Returns {"nodes": [...], "edges": [...], "libraries": {...}} for a parsed tree."""
    nodes = {}
    edges = []
    seen_edges = set()

    def edge(src, dst, kind, cond=None):
        key = (src, dst, kind)
        if src == dst or key in seen_edges:
            return
        seen_edges.add(key)
        record = {"from": src, "to": dst, "kind": kind}
        if cond:
            record["if"] = cond
        edges.append(record)

    for sym in kconf.unique_defined_syms:
        nodes[sym.name] = symbol_record(sym)
    for choice in kconf.unique_choices:
        nodes[node_id(choice)] = choice_record(choice)
    for node in kconf.node_iter():
        if node.item is kconfiglib.MENU:
            mid = menu_id(node)
            nodes.setdefault(mid, {
                "id": mid, "kind": "menu", "name": None, "type": None, "prompt": node.prompt[0],
                "help": (getattr(node, "help", None) or "").strip(), "library": library_of(node.filename),
                "file": "%s:%d" % (os.path.relpath(node.filename, os.environ.get("srctree") or "."), node.linenr),
                "menu": menu_path(node),
            })

    names = set(s.name for s in kconf.unique_defined_syms)
    mention = re.compile(r"\b(?:CONFIG_)?([A-Z][A-Z0-9_]{2,})\b")
    for sym in kconf.unique_defined_syms:
        for dep in expr_syms(sym.direct_dep):
            edge(sym.name, dep, "depends")
        for target, cond in sym.selects:
            edge(sym.name, target.name, "select", None if cond is kconf.y else kconfiglib.expr_str(cond))
        for target, cond in sym.implies:
            edge(sym.name, target.name, "imply", None if cond is kconf.y else kconfiglib.expr_str(cond))
        if sym.choice:
            edge(node_id(sym.choice), sym.name, "member")
        for node in sym.nodes:
            parent = enclosing(node)
            if parent is not None and not (sym.choice and isinstance(parent.item, kconfiglib.Choice)):
                edge(sym.name, menu_id(parent), "parent")
        help_text = nodes[sym.name]["help"]
        for word in mention.findall(help_text):
            if word in names:
                edge(sym.name, word, "describes")
    for choice in kconf.unique_choices:
        for dep in expr_syms(choice.direct_dep):
            edge(node_id(choice), dep, "depends")
        parent = enclosing(choice.nodes[0])
        if parent is not None:
            edge(node_id(choice), menu_id(parent), "parent")

    libraries = {}
    for record in nodes.values():
        if record["kind"] == "menu":
            continue
        lib = libraries.setdefault(record["library"], {"symbols": [], "needs": []})
        lib["symbols"].append(record["id"])
    for e in edges:
        if e["kind"] not in ("depends", "select"):
            continue
        a, b = nodes[e["from"]]["library"], nodes[e["to"]]["library"]
        if a != b and b not in libraries[a]["needs"]:
            libraries[a]["needs"].append(b)
    for lib in libraries.values():
        lib["symbols"].sort()
        lib["needs"].sort()
    return {"nodes": sorted(nodes.values(), key=lambda r: r["id"]), "edges": edges,
            "libraries": dict(sorted(libraries.items()))}


def _dot_quote(text):
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return '"' + escaped + '"'


def to_dot(graph):
    """Graphviz source: one cluster per library, symbols inside, depends/select arrows."""
    lines = ["digraph libgraph {", "  rankdir=LR;", "  newrank=true;", "  node [shape=box, fontsize=10, fontname=\"sans\"];",
             "  edge [fontsize=8];"]
    by_lib = {}
    for record in graph["nodes"]:
        if record["kind"] == "menu":
            continue
        by_lib.setdefault(record["library"], []).append(record)
    for index, (lib, records) in enumerate(sorted(by_lib.items())):
        lines.append("  subgraph cluster_%d {" % index)
        lines.append("    label=%s; style=rounded; color=gray40;" % _dot_quote(lib))
        for record in records:
            shape = ", shape=diamond" if record["kind"] == "choice" else ""
            lines.append("    %s [label=%s%s];" % (_dot_quote(record["id"]), _dot_quote(record["name"] or record["id"]), shape))
        lines.append("  }")
    styles = {"depends": "", "select": " [color=blue, label=\"select\"]", "imply": " [color=blue, style=dashed, label=\"imply\"]",
              "member": " [style=dotted, arrowhead=none]"}
    for e in graph["edges"]:
        if e["kind"] in styles:
            lines.append("  %s -> %s%s;" % (_dot_quote(e["from"]), _dot_quote(e["to"]), styles[e["kind"]]))
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_dot_libraries(graph):
    """Graphviz source of the library level: one node per library, an arrow where it needs another."""
    lines = ["digraph libraries {", "  rankdir=LR;", "  node [shape=box, style=rounded, fontsize=11, fontname=\"sans\"];"]
    for lib, info in graph["libraries"].items():
        lines.append("  %s [label=%s];" % (_dot_quote(lib), _dot_quote("%s\n%d options" % (lib, len(info["symbols"])))))
    for lib, info in graph["libraries"].items():
        for need in info["needs"]:
            if need != ROOT_LIBRARY:
                lines.append("  %s -> %s;" % (_dot_quote(lib), _dot_quote(need)))
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv):
    if len(argv) != 3:
        sys.exit("usage: libgraph.py KCONFIG OUTDIR")
    kconfig_file, outdir = argv[1], argv[2]
    graph = build(load(kconfig_file))
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "libgraph.json"), "w") as f:
        json.dump(graph, f, indent=1, sort_keys=True)
        f.write("\n")
    pictures = [("libgraph", to_dot(graph)), ("libgraph-libraries", to_dot_libraries(graph))]
    for name, text in pictures:
        with open(os.path.join(outdir, name + ".dot"), "w") as f:
            f.write(text)
    symbols = sum(1 for n in graph["nodes"] if n["kind"] == "symbol")
    print("libgraph: %d libraries, %d symbols, %d edges: %s/libgraph.json" %
          (len(graph["libraries"]), symbols, len(graph["edges"]), outdir))
    dot = shutil.which("dot")
    if not dot:
        print("libgraph: no pictures (Graphviz's dot is missing: apt-get install graphviz, or make deps)")
        return 0
    for name, _ in pictures:
        svg = os.path.join(outdir, name + ".svg")
        source = os.path.join(outdir, name + ".dot")
        # dot's spline router gives up on some cluster layouts ("Pshortestpath failed"): straight
        # edges then, which it always manages.
        if subprocess.run([dot, "-Tsvg", "-o", svg, source], capture_output=True).returncode != 0:
            subprocess.run([dot, "-Tsvg", "-Gsplines=line", "-o", svg, source], check=True)
        print("libgraph: picture %s" % svg)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
