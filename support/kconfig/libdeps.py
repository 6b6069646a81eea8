"""The library dependency graph, derived from the Kconfig tree (docs/build-system.md).

A library is the directory of a Config.uk. Library A depends on library B when a
symbol defined in A's Config.uk names a symbol defined in B's Config.uk in its
`depends on` (including the conditions of enclosing `if` blocks and menus),
`select` or `imply`. Negated references (`depends on !B_SYM`) are not
dependencies. Symbols of the root Config.uk (image kind, options) belong to no
library. Base libraries (the arch contract, lib/kbase: `tn_addlib`'s third
argument) are depended on by every other library.

The build gives each library's compile the include/ directories of itself and
of its dependency closure only, and refuses a graph with a cycle.
"""

import os

import kconfiglib


def _symbols_in(expr, negated=False):
    """Symbols an expression requires to be enabled (not those under a NOT or !=)."""
    if isinstance(expr, kconfiglib.Symbol):
        if not negated and not expr.is_constant:
            yield expr
        return
    if not isinstance(expr, tuple):
        return  # a Choice
    op = expr[0]
    if op == kconfiglib.NOT:
        yield from _symbols_in(expr[1], not negated)
    elif op in (kconfiglib.AND, kconfiglib.OR):
        yield from _symbols_in(expr[1], negated)
        yield from _symbols_in(expr[2], negated)
    elif op != kconfiglib.UNEQUAL:
        yield from _symbols_in(expr[1], negated)
        yield from _symbols_in(expr[2], negated)


class Graph:
    """Libraries (absolute directories), the symbol -> library map, and the edges
    with, for each, the first Kconfig line that made it (for messages)."""

    def __init__(self, kconf, srctree, base_dirs=()):
        self.srctree = os.path.abspath(srctree or ".")
        self.base = [os.path.abspath(d) for d in base_dirs]
        self.owner = {}   # symbol name -> library directory
        self.libs = []    # library directories, in Kconfig order
        self.edges = {}   # dir -> {dir: reason}
        self._collect(kconf)

    def rel(self, d):
        return os.path.relpath(d, self.srctree) if d.startswith(self.srctree + "/") else d

    def _lib_of(self, node):
        if os.path.basename(node.filename) != "Config.uk":
            return None
        path = node.filename if os.path.isabs(node.filename) else os.path.join(self.srctree, node.filename)
        d = os.path.dirname(os.path.abspath(path))
        return None if d == self.srctree else d

    def _collect(self, kconf):
        nodes = []
        for node in kconf.node_iter():
            if not isinstance(node.item, kconfiglib.Symbol):
                continue
            lib = self._lib_of(node)
            if lib is None:
                continue
            nodes.append((lib, node))
            if lib not in self.edges:
                self.libs.append(lib)
                self.edges[lib] = {}
            self.owner.setdefault(node.item.name, lib)
        for lib, node in nodes:
            name = node.item.name
            refs = [(s, "depends on " + s.name) for s in _symbols_in(node.dep)]
            refs += [(s, "select " + s.name) for s, _ in node.selects]
            refs += [(s, "imply " + s.name) for s, _ in node.implies]
            for sym, how in refs:
                target = self.owner.get(sym.name)
                if target is None or target == lib or target in self.edges[lib]:
                    continue
                self.edges[lib][target] = "{}: {} '{}'".format(self.rel(lib) + "/Config.uk", name, how)
        for lib in self.libs:
            if lib in self.base:
                continue
            for b in self.base:
                if b in self.edges and b not in self.edges[lib]:
                    self.edges[lib][b] = "{} is a base library: every library depends on it".format(self.rel(b))

    def cycles(self):
        """One cycle per strongly connected component of more than one library."""
        index, low, stack, on_stack, sccs = {}, {}, [], set(), []
        counter = [0]

        def visit(v):  # Tarjan; the graph is a few dozen nodes, recursion is fine
            index[v] = low[v] = counter[0]
            counter[0] += 1
            stack.append(v)
            on_stack.add(v)
            for w in self.edges[v]:
                if w not in index:
                    visit(w)
                    low[v] = min(low[v], low[w])
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
            if low[v] == index[v]:
                scc = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    scc.append(w)
                    if w == v:
                        break
                if len(scc) > 1:
                    sccs.append(scc)

        for v in self.libs:
            if v not in index:
                visit(v)
        return [self._shortest_cycle(sorted(scc, key=self.libs.index)) for scc in sccs]

    def _shortest_cycle(self, scc):
        start, members = scc[0], set(scc)
        prev, frontier = {start: None}, [start]
        while frontier:
            nxt = []
            for v in frontier:
                for w in self.edges[v]:
                    if w == start:
                        path = [v]
                        while prev[path[-1]] is not None:
                            path.append(prev[path[-1]])
                        return list(reversed(path)) + [start]
                    if w in members and w not in prev:
                        prev[w] = v
                        nxt.append(w)
            frontier = nxt
        return scc + [start]

    def cycle_message(self, cycle):
        lines = ["library dependency cycle: " + " -> ".join(self.rel(d) for d in cycle) +
                 " (from Config.uk 'depends on'/'select')"]
        for a, b in zip(cycle, cycle[1:]):
            lines.append("  {} -> {}: {}".format(self.rel(a), self.rel(b), self.edges[a][b]))
        lines.append("  A library sees only the headers of the libraries it depends on, so two libraries cannot "
                     "depend on each other: move what one needs into it, or into a library both depend on.")
        return "\n".join(lines)

    def closure(self, lib):
        """Every library @lib depends on, directly or not, nearest first."""
        seen, order, frontier = {lib}, [], [lib]
        while frontier:
            nxt = []
            for v in frontier:
                for w in self.edges.get(v, {}):
                    if w not in seen:
                        seen.add(w)
                        order.append(w)
                        nxt.append(w)
            frontier = nxt
        return order

    def make_fragment(self):
        out = ["# Generated by support/kconfig/tnconfig.py libdeps from the Kconfig tree: the library\n",
               "# that defines each symbol and each library's dependency closure (docs/build-system.md).\n"]
        for name in sorted(self.owner):
            out.append("TN_KDIR.{} := {}\n".format(name, self.owner[name]))
        for lib in self.libs:
            out.append("TN_LIBDEPS.{} := {}\n".format(lib, " ".join(self.closure(lib))))
        return "".join(out)

    def header_owner(self, header, extra_dirs=()):
        for lib in list(self.libs) + [d for d in extra_dirs if d not in self.edges]:
            if os.path.isfile(os.path.join(lib, "include", header)):
                return lib
        return None
