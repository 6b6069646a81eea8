"""The offline orchestrator: goal -> Lib-Graph-guided candidates -> validated, scored configuration.

Steps (docs/generate.md):
 1. Parse the goal (goal.py): quantities, intents, capabilities it names.
 2. Refuse what the pool cannot answer: a capability the goal names that no
    prompt or help text of the pool mentions.
 3. Per intent, retrieve (search.py, BM25 over prompts and help texts) the few
    user-settable nodes that best match it: the intent's candidates.
 4. Candidates combine (one per intent); each combination is expanded along
    the graph (the `depends on` of every chosen node, recursively, taking the
    cheapest alternative of an `||`, a choice's member for a choice), the
    goal's quantities are applied to the int options their units and words
    name, and Kconfiglib resolves it with tnconfig.py's strictness: an unknown
    symbol, an unmet dependency or an out-of-range value makes the candidate
    invalid, never a different configuration.
 5. Valid candidates are scored: how well the chosen nodes match the goal
    (retrieval score), minus their cost (libraries enabled and the code size
    help texts state, weighted up when the goal asks for small), and the
    best is written as a minimal defconfig.
Deterministic: the same tree and goal give the same result.
"""

import itertools
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "kconfig"))

import kconfiglib  # noqa: E402
import libgraph  # noqa: E402
import tnconfig  # noqa: E402

import goal as goalmod  # noqa: E402
import search  # noqa: E402

# Intents that express a preference over the whole configuration rather than
# a feature to add: they steer choices and weights, and need no candidate.
PREFERENCES = {"small", "latency", "measure"}
# Intents that decide the image's structure (handled by the plan, see plan_structure()).
STRUCTURE = {"linux", "hypervisor", "board", "share_cpus", "colour", "ivc"}
# Library directories every image has (not counted in the cost).
_CORE_LIBS = {libgraph.ROOT_LIBRARY, libgraph.APP_LIBRARY, "arch/arm64", "lib/boot", "lib/kbase", "lib/nolibc",
              "lib/console"}

_COST_RE = re.compile(r"(?:about|around|roughly|adds?|costs?|takes?)\s+([\d.,]+)\s*(KiB|kB|bytes|B)\b", re.IGNORECASE)


class Refusal(Exception):
    """The goal asks for something the pool cannot give; the message names what is missing."""


class Choice:
    """One decision the plan made, with why."""

    def __init__(self, symbol, value, reason, pulled=()):
        self.symbol = symbol
        self.value = value
        self.reason = reason
        self.pulled = list(pulled)


class Result:
    def __init__(self):
        self.config = {}        # symbol -> value string as set (the minimal defconfig's lines)
        self.choices = []       # Choice records, in decision order
        self.notes = []         # quantities or intents that changed nothing, and why
        self.libraries = []     # library directories enabled
        self.cost = 0.0
        self.candidates = 0
        self.valid = 0
        self.defconfig = ""


class Pool:
    """The Kconfig tree, its Lib-Graph and the retrieval index, loaded once."""

    def __init__(self, kconfig_file):
        self.kconf = libgraph.load(kconfig_file)
        self.kconf.warn = True
        self.kconf.warn_assign_undef = True
        self.kconf.warn_assign_override = False
        self.kconf.warn_assign_redun = False
        self.graph = libgraph.build(self.kconf)
        self.nodes = {n["id"]: n for n in self.graph["nodes"]}
        self.settable = [n for n in self.graph["nodes"] if self._settable(n)]
        self.index = search.Index([(n["id"], search.node_text(n)) for n in self.settable])
        self.vocabulary = self.index.vocabulary()
        self.cost_kib = {n["id"]: self._stated_cost(n) for n in self.settable}

    def _settable(self, node):
        if node["kind"] != "symbol" or not node.get("prompt"):
            return False
        sym = self.kconf.syms[node["id"]]
        return sym.orig_type in (kconfiglib.BOOL, kconfiglib.TRISTATE, kconfiglib.INT, kconfiglib.HEX)

    @staticmethod
    def _stated_cost(node):
        match = _COST_RE.search(node.get("help") or "")
        if not match:
            return 0.0
        value = float(match.group(1).replace(",", ""))
        return value if match.group(2).lower() in ("kib", "kb") else value / 1024.0

    def mentions(self, words):
        """Whether any prompt or help text of the pool uses one of @words."""
        return any(search.stem(w) in self.vocabulary for w in words)


# ---- Kconfig evaluation of one candidate ----

def _leaves(expr):
    """Symbols an expression needs to be y to be true, as alternatives: a list of lists (an OR of ANDs)."""
    if isinstance(expr, kconfiglib.Symbol):
        if expr.is_constant:
            return [[]] if expr.tri_value else []
        return [[expr]]
    if isinstance(expr, kconfiglib.Choice):
        return [[]]
    op = expr[0]
    if op == kconfiglib.AND:
        left, right = _leaves(expr[1]), _leaves(expr[2])
        return [a + b for a in left for b in right][:16]
    if op == kconfiglib.OR:
        return (_leaves(expr[1]) + _leaves(expr[2]))[:16]
    if op == kconfiglib.NOT:
        return [[]]  # a negation is not something to turn on; resolution checks it
    return [[]]      # comparisons: left to resolution


class Evaluator:
    """Applies candidate assignments to the tree and resolves them strictly."""

    def __init__(self, pool):
        self.pool = pool
        self.kconf = pool.kconf

    def reset(self):
        self.kconf.unset_values()
        self.kconf.warnings.clear()

    def _closure_alternative(self, alternatives, wanted):
        """The alternative (list of symbols) that adds the fewest new symbols; deterministic."""
        best = None
        for alt in alternatives:
            new = [s for s in alt if s.name not in wanted]
            key = (len(new), [s.name for s in new])
            if best is None or key < best[0]:
                best = (key, alt)
        return best[1] if best else []

    def expand(self, assignments):
        """Adds what the `depends on` of each y-assignment needs (recursively); returns (assignments, pulled)."""
        wanted = dict(assignments)
        pulled = {}
        queue = [name for name, value in assignments.items() if value == "y"]
        while queue:
            name = queue.pop(0)
            sym = self.kconf.syms.get(name)
            if sym is None:
                continue
            deps = [sym.direct_dep]
            if sym.choice is not None:
                deps.append(sym.choice.direct_dep)
            for dep in deps:
                alternatives = _leaves(dep)
                if not alternatives:
                    continue
                for need in self._closure_alternative(alternatives, wanted):
                    target = self._settable_for(need, wanted)
                    if target is None or target.name in wanted:
                        continue
                    wanted[target.name] = "y"
                    pulled[target.name] = name
                    queue.append(target.name)
        return wanted, pulled

    def _settable_for(self, sym, wanted):
        """@sym itself when a user can set it; else a user-settable symbol that selects it."""
        if any(node.prompt for node in sym.nodes) or sym.choice is not None:
            return sym
        selectors = []
        for other in self.kconf.unique_defined_syms:
            for target, _ in other.selects:
                if target is sym and any(node.prompt for node in other.nodes):
                    selectors.append(other)
        if not selectors:
            return None
        for other in selectors:
            if other.name in wanted:
                return other
        return min(selectors, key=lambda s: (len(s.name), s.name))

    def resolve(self, assignments):
        """Sets @assignments on a clean tree; returns the list of problems (empty: valid)."""
        self.reset()
        problems = []
        for name, value in assignments.items():
            sym = self.kconf.syms.get(name)
            if sym is None or not sym.nodes:
                problems.append("CONFIG_%s is not a symbol of this Kconfig tree" % name)
                continue
            if not sym.set_value(value):
                problems.append("'%s' is not a valid value for CONFIG_%s" % (value, name))
        # Several passes: a value set before its dependency was set may need the tree re-evaluated.
        problems += tnconfig.unapplied_assignments(self.kconf, set(assignments))
        tnconfig.check_resolved(self.kconf)
        problems += [w for w in self.kconf.warnings if w not in problems]
        problems += self._range_problems(assignments)
        return problems

    def _range_problems(self, assignments):
        problems = []
        for name, value in assignments.items():
            sym = self.kconf.syms.get(name)
            if sym is None or sym.orig_type not in (kconfiglib.INT, kconfiglib.HEX):
                continue
            if sym.str_value != value and int(sym.str_value, 0) != int(value, 0):
                problems.append("CONFIG_%s=%s is out of its range (resolved to %s)" % (name, value, sym.str_value))
        return problems

    def enabled_libraries(self):
        libs = set()
        for sym in self.kconf.unique_defined_syms:
            if sym.orig_type in (kconfiglib.BOOL, kconfiglib.TRISTATE) and sym.tri_value == 2 and sym.nodes:
                lib = libgraph.library_of(sym.nodes[0].filename)
                if lib not in _CORE_LIBS:
                    libs.add(lib)
        return sorted(libs)

    def enabled_cost_kib(self):
        total = 0.0
        for name, kib in self.pool.cost_kib.items():
            sym = self.kconf.syms[name]
            if kib and sym.orig_type in (kconfiglib.BOOL, kconfiglib.TRISTATE) and sym.tri_value == 2:
                total += kib
        return total

    def min_config(self):
        path = "/tmp/.tn-generate-%d.defconfig" % os.getpid()
        self.kconf.write_min_config(path, header="")
        with open(path) as f:
            text = f.read()
        os.unlink(path)
        return text


# ---- Planning ----

def intent_query(goal, name):
    words = goalmod.INTENTS[name][1].lower().split() + [w for e in goal.evidence.get(name, []) for w in e.split()]
    if goal.intents[name] < 0:
        return ["not_" + w for w in words] + words
    return words


def retrieve(pool, goal, name, visible, limit=3):
    """The best few settable bool symbols for one intent, among those @visible can reach.

    A node whose text says the opposite ("Off: no FP/SIMD" for floating point) scores on the
    negated terms as well; it is left out when those outweigh half of its positive score."""
    query = search.tokens(" ".join(intent_query(goal, name)))
    opposite = [t[4:] if t.startswith("not_") else "not_" + t for t in query]
    against = pool.index.score(opposite)
    ranked = [(key, score) for key, score in pool.index.rank(query)
              if pool.kconf.syms[key].orig_type == kconfiglib.BOOL and against.get(key, 0.0) < 0.5 * score
              and visible(key)]
    if not ranked:
        return []
    best = ranked[0][1]
    return [(key, score) for key, score in ranked[:limit] if score >= 0.6 * best]


def check_capabilities(pool, goal, structure):
    """Raises Refusal for each capability the goal names that the pool's texts never mention."""
    missing = []
    for name, word in sorted(goal.capabilities.items()):
        _, probes = goalmod.CAPABILITIES[name]
        if pool.mentions(probes):
            continue
        if "linux" in structure.get("guests", ()) and not name.startswith(("another CPU", "a board")):
            continue  # a Linux guest brings its own drivers and stacks
        missing.append("%s (the goal says \"%s\")" % (name, word))
    if missing:
        raise Refusal("no library in the pool provides " + "; ".join(missing) +
                      ". Nothing was generated: a configuration without it would not do what the goal asks."
                      " Add a library that provides it (docs/application-guide.md: a directory with a Config.uk),"
                      " or drop it from the goal.")


class Plan:
    """Plans one image (a Tenon image, a combined host, or a Tenon guest) from a goal."""

    def __init__(self, pool, goal, base, role):
        self.pool = pool
        self.goal = goal
        self.base = dict(base)
        self.role = role            # "tenon", "guest" or "host"
        self.evaluator = Evaluator(pool)

    def _reachable(self, key):
        """Whether @key can be enabled together with the base assignments."""
        cache = self.__dict__.setdefault("_reach_cache", {})
        if key not in cache:
            assignments, _ = self.evaluator.expand(dict(self.base, **{key: "y"}))
            cache[key] = not self.evaluator.resolve(assignments)
        return cache[key]

    def feature_intents(self):
        wanted = []
        for name, polarity in sorted(self.goal.intents.items()):
            if name in PREFERENCES or name in STRUCTURE:
                continue
            if self.role == "host" and name not in ("smp",):
                continue
            wanted.append((name, polarity))
        return wanted

    def candidates(self):
        """Per feature intent, its candidate symbols (at least one: the intent cannot be met otherwise)."""
        options = []
        for name, polarity in self.feature_intents():
            if polarity < 0:
                continue  # negated: nothing to add; choices below honour it
            found = retrieve(self.pool, self.goal, name, self._reachable)
            if found:
                options.append((name, found))
            else:
                self.unmet.append(name)
        return options

    def preference_query(self):
        """Retrieval terms of the goal's preferences (small, latency...): they weigh choices, add nothing."""
        words = []
        for name in sorted(PREFERENCES | {"debug"}):
            if self.goal.intents.get(name, 0) > 0:
                words += intent_query(self.goal, name)
        return search.tokens(" ".join(words))

    def preference_choices(self, assignments):
        """For each choice the candidate leaves at its default, the member the goal's preferences favour."""
        scores = self.pool.index.score(self.preference_query())
        if not scores:
            return {}
        self.evaluator.resolve(assignments)
        extra = {}
        for choice in self.pool.kconf.unique_choices:
            if not choice.visibility or any(s.name in assignments for s in choice.syms):
                continue
            members = [s for s in choice.syms if s.visibility]
            if len(members) < 2:
                continue
            default = choice.selection
            ranked = sorted(members, key=lambda s: (-scores.get(s.name, 0.0), s.name))
            top = ranked[0]
            if top is default or scores.get(top.name, 0.0) <= 1.5 * scores.get(default.name, 0.0) + 2.0:
                continue
            extra[top.name] = "y"
        return extra

    def quantities(self, assignments):
        """Int options the goal's numbers set; returns (additions, notes)."""
        additions, notes = {}, []
        rate = goalmod.rate_hz(self.goal)
        self.evaluator.resolve(assignments)
        kconf = self.pool.kconf
        ints = [n for n in self.pool.settable
                if kconf.syms[n["id"]].orig_type in (kconfiglib.INT, kconfiglib.HEX) and kconf.syms[n["id"]].visibility]
        if rate:
            for node in ints:
                sym = kconf.syms[node["id"]]
                if re.search(r"\bHz\b", node.get("prompt") or ""):
                    current = int(sym.str_value, 0)
                    if current < rate:
                        additions[sym.name] = str(int(-(-rate // 1)))
                        notes.append("CONFIG_%s=%s: the goal's %g Hz needs a timer resolution of 1/%g s" %
                                     (sym.name, additions[sym.name], rate, rate))
        for q in self.goal.quantities:
            if q.kind == "cores" and self.role != "guest":
                for node in ints:
                    if re.search(r"\bCPUs\b", node.get("prompt") or ""):
                        additions[node["id"]] = str(int(q.value))
            elif q.kind in ("size", "threads", "priorities"):
                target = self._int_for(q, ints)
                if target is None:
                    notes.append("%s: no option of this image takes it" % q.text)
                    continue
                sym = kconf.syms[target["id"]]
                value = q.value
                prompt = (target.get("prompt") or "") + " " + (target.get("help") or "")[:200]
                if q.kind == "size" and re.search(r"\bKiB\b", target.get("prompt") or ""):
                    value = value / 1024.0
                additions[sym.name] = str(int(value)) if sym.orig_type == kconfiglib.INT else hex(int(value))
                del prompt
        return additions, notes

    def _int_for(self, q, ints):
        words = search.tokens(q.context.replace("|", " "))
        unit = {"size": r"\b(bytes|KiB|MiB|size)\b", "threads": r"\bthreads\b", "priorities": r"\bPriority levels\b"}[q.kind]
        candidates = [n for n in ints if re.search(unit, n.get("prompt") or "", re.IGNORECASE)]
        if not candidates:
            return None
        index = search.Index([(n["id"], (n.get("prompt") or "") + " " + (n.get("prompt") or "")) for n in candidates])
        ranked = index.rank(words)
        if ranked:
            return next(n for n in candidates if n["id"] == ranked[0][0])
        return candidates[0] if len(candidates) == 1 else None

    def cost(self, small):
        libs = self.evaluator.enabled_libraries()
        kib = self.evaluator.enabled_cost_kib()
        weight = 3.0 if small else 1.0
        return weight * (len(libs) + kib / 4.0), libs

    def run(self):
        """Returns a Result: the best valid candidate."""
        self.unmet = []
        options = self.candidates()
        small = self.goal.intents.get("small", 0) > 0
        combos = list(itertools.product(*[found for _, found in options])) if options else [()]
        combos = combos[:256]
        prefer = self.pool.index.score(self.preference_query())
        result = Result()
        best = None
        for combo in combos:
            result.candidates += 1
            chosen = dict(self.base)
            relevance = 0.0
            for key, score in combo:
                chosen[key] = "y"
                relevance += score + prefer.get(key, 0.0)
            assignments, pulled = self.evaluator.expand(chosen)
            prefs = self.preference_choices(assignments)
            if prefs:
                more, more_pulled = self.evaluator.expand(dict(assignments, **prefs))
                assignments, pulled = more, dict(pulled, **more_pulled)
            numbers, notes = self.quantities(assignments)
            assignments = dict(assignments, **numbers)
            problems = self.evaluator.resolve(assignments)
            if problems:
                continue
            result.valid += 1
            cost, libs = self.cost(small)
            score = relevance - cost
            key = (-score, sorted(assignments.items()))
            if best is None or key < best[0]:
                best = (key, combo, assignments, pulled, prefs, numbers, notes, cost, libs)
        if best is None:
            raise Refusal("no valid configuration of the pool meets the goal's %s" %
                          ", ".join(name for name, _ in options) if options else "no valid configuration")
        _, combo, assignments, pulled, prefs, numbers, notes, cost, libs = best
        self.evaluator.resolve(assignments)
        result.config = assignments
        result.libraries = libs
        result.cost = cost
        result.notes = notes
        result.unmet = list(self.unmet)
        names = {key: name for name, found in options for key, _ in found}
        for key, score in combo:
            words = ", ".join(self.goal.evidence.get(names[key], [])) or names[key]
            result.choices.append(Choice(key, "y", "\"%s\" (%s, retrieval score %.1f)" % (words, names[key], score),
                                         [p for p, by in sorted(pulled.items()) if self._pulled_by(p, key, pulled)]))
        for key in sorted(prefs):
            result.choices.append(Choice(key, "y", "the goal's words prefer it over the choice's default",
                                         [p for p, by in sorted(pulled.items()) if by == key]))
        for key, value in sorted(numbers.items()):
            result.choices.append(Choice(key, value, "a number in the goal"))
        for key, value in sorted(self.base.items()):
            result.choices.insert(0, Choice(key, value, "the image's structure (%s)" % self.role))
        result.defconfig = self.evaluator.min_config()
        return result

    @staticmethod
    def _pulled_by(name, root, pulled):
        seen = set()
        while name in pulled and name not in seen:
            seen.add(name)
            if pulled[name] == root:
                return True
            name = pulled[name]
        return False
