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
STRUCTURE = {"linux", "hypervisor", "board"}
# Intents a combined image's host answers (the guests answer the others).
HOST_INTENTS = {"share_cpus", "colour"}
# Intents only a guest of a combined image answers.
GUEST_ONLY_INTENTS = {"ivc", "hint"}
# Goal words too generic to choose a library by.
RESIDUAL_IGNORE = set(search.tokens("""tenon tenonos mortise image kernel unikernel firmware device board
    code program software project simple basic small tiny real time realtime need want write create generate
    something thing example demo test output print message console serial log""", negation=False))
# Retrieval-score equivalent of a symbol a language model proposed (llm.py).
MODEL_HINT_SCORE = 5.0
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
        # What the pool provides: its one-line prompts and library directories (help texts also name
        # what an option lacks, so they do not count).
        self.summaries = [(n.get("prompt") or "") + " | " + (n.get("library") or "") for n in self.graph["nodes"]]
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

    def provides_match(self, pattern):
        """Whether a capability's pattern matches a prompt or a library directory of the pool."""
        return any(re.search(pattern, text, re.IGNORECASE) for text in self.summaries)


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
        for choice in self.kconf.unique_choices:
            members = [s.name for s in choice.syms if assignments.get(s.name) == "y"]
            if len(members) > 1:
                problems.append("CONFIG_%s and CONFIG_%s are alternatives of one choice" % tuple(members[:2]))
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
            if sym.str_value != value and (not sym.str_value or int(sym.str_value, 0) != int(value, 0)):
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
    numbers = {q.text for q in goal.quantities}
    evidence = [w for e in goal.evidence.get(name, []) if e not in numbers and not re.search(r"\d", e)
                for w in e.split()]
    words = goalmod.INTENTS[name][1].lower().split() + evidence
    if goal.intents[name] < 0:
        return ["not_" + search.stem(w) for w in words]
    return words


def retrieve(pool, goal, name, visible, limit=3):
    """The best few settable symbols for one intent, among those @visible can reach.

    A bool is a candidate itself; an int (a tick rate, a stack size) stands for what enables
    it, so a goal about "ticks" reaches the timer library through its tick-rate option. A node
    whose text says the opposite ("Off: no FP/SIMD" for floating point) scores on the negated
    terms too; it is left out when those outweigh half of its positive score."""
    query = search.tokens(" ".join(intent_query(goal, name)))
    opposite = ["not_" + t for t in query if not t.startswith("not_")]
    against = pool.index.score(opposite)
    negated = goal.intents.get(name, 0) < 0
    ranked = [(key, score) for key, score in pool.index.rank(query)
              if against.get(key, 0.0) < 0.5 * score and visible(key)
              and (not negated or pool.kconf.syms[key].choice is not None)]
    if not ranked:
        return []
    best = ranked[0][1]
    return [(key, score) for key, score in ranked[:limit] if score >= 0.75 * best]


def check_capabilities(pool, goal, structure):
    """Raises Refusal for each capability the goal names that no prompt or library of the pool names."""
    missing = []
    for name, word in sorted(goal.capabilities.items()):
        pattern, _ = goalmod.CAPABILITIES[name]
        if pool.provides_match(pattern):
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

    def enabling(self, key):
        """What turning on candidate @key means: {key: y} for a bool, its dependencies for an int."""
        sym = self.pool.kconf.syms[key]
        if sym.orig_type == kconfiglib.BOOL:
            return {key: "y"}
        alternatives = _leaves(sym.direct_dep)
        if not alternatives:
            return {}
        needs = self.evaluator._closure_alternative(alternatives, self.base)
        return {s.name: "y" for s in needs if self.evaluator._settable_for(s, self.base) is s}

    def _reachable(self, key):
        """Whether @key can be enabled (a bool) or made visible (an int) together with the base."""
        cache = self.__dict__.setdefault("_reach_cache", {})
        if key not in cache:
            enable = self.enabling(key)
            if not enable:
                cache[key] = False
            else:
                assignments, _ = self.evaluator.expand(dict(self.base, **enable))
                ok = not self.evaluator.resolve(assignments)
                cache[key] = ok and bool(self.pool.kconf.syms[key].visibility)
        return cache[key]

    def feature_intents(self):
        wanted = []
        for name, polarity in sorted(self.goal.intents.items()):
            if name in PREFERENCES or name in STRUCTURE:
                continue
            if (self.role == "host") != (name in HOST_INTENTS):
                continue
            if self.role == "tenon" and name in GUEST_ONLY_INTENTS:
                continue  # channels join guests: a lone Tenon image has no one to talk to
            wanted.append((name, polarity))
        return wanted

    def candidates(self):
        """Per feature intent, its candidate symbols (at least one: the intent cannot be met otherwise)."""
        options = []
        for name, polarity in self.feature_intents():
            found = retrieve(self.pool, self.goal, name, self._reachable)
            if found:
                options.append((name, found))
            else:
                self.unmet.append(name)
        # The goal's own words that no intent explained: a library whose one-line prompt names them and
        # whose text matches them strongly is an optional candidate (so a dropped-in library is found by
        # what it says it is, with no intent written for it).
        for key, score in self.residual():
            self.optional.add("goal:" + key)
            options.append(("goal:" + key, [(key, score)]))
        # A model's proposals (llm.py, already checked to be settable symbols of the tree): optional
        # candidates, taken only when they resolve and score.
        for key in getattr(self.goal, "hints", []):
            if self._reachable(key):
                self.optional.add("model:" + key)
                options.append(("model:" + key, [(key, MODEL_HINT_SCORE)]))
        return options

    RESIDUAL_MIN_SCORE = 8.0

    def residual(self):
        if self.role == "host":
            return []
        used = set()
        for words in self.goal.evidence.values():
            for text in words:
                used.update(search.tokens(text, negation=False))
        terms = [t for t in search.tokens(self.goal.text) if t not in used and not t.startswith("not_")
                 and not re.search(r"\d", t) and t not in RESIDUAL_IGNORE]
        if not terms:
            return []
        found = []
        for key, score in self.pool.index.rank(terms, limit=3):
            prompt = set(search.tokens(self.pool.nodes[key].get("prompt") or "", negation=False))
            if score < self.RESIDUAL_MIN_SCORE or not prompt & set(terms):
                continue
            if self.pool.kconf.syms[key].orig_type == kconfiglib.BOOL and self._reachable(key):
                found.append((key, score))
        return found[:1]

    def preference_query(self):
        """Retrieval terms of the goal's preferences (small, latency...): they weigh choices, add nothing."""
        words = []
        for name in sorted(PREFERENCES | {"debug"}):
            if self.goal.intents.get(name, 0) > 0:
                words += goalmod.INTENTS[name][1].lower().split()
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
            # A periodic deadline served by a tick is late by up to one tick: ask for ten ticks per period
            # (10 % jitter at most). A rate the option's range cannot reach makes this candidate invalid, so a
            # tickless one (exact deadlines) wins.
            for node in ints:
                sym = kconf.syms[node["id"]]
                if re.search(r"\bHz\b", node.get("prompt") or ""):
                    needed = int(-(-10 * rate // 1))
                    if int(sym.str_value, 0) >= needed:
                        continue
                    highest = max((int(hi.str_value, 0) for _, hi, cond in sym.ranges
                                   if kconfiglib.expr_value(cond)), default=None)
                    other = self._other_member(sym) if highest is not None and needed > highest else None
                    if other is not None:
                        # The option cannot go that high: take the other alternative of the choice it belongs
                        # to (a tick rate's choice: tickless, exact deadlines).
                        additions[other[1].name] = "y"
                        self.removals.append(other[0].name)
                        notes.append("CONFIG_%s: the goal's %g Hz needs %d ticks per second, beyond CONFIG_%s's "
                                     "range (%d)" % (other[1].name, rate, needed, sym.name, highest))
                        continue
                    additions[sym.name] = str(needed)
                    notes.append("CONFIG_%s=%s: ten ticks per period of the goal's %g Hz" %
                                 (sym.name, additions[sym.name], rate))
        for q in self.goal.quantities:
            if q.kind == "cores" and self.role == "tenon":  # a combined image's CPUs are its partitions' 
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
                if q.kind == "size" and re.search(r"\bKiB\b", target.get("prompt") or ""):
                    value = value / 1024.0
                if q.kind != "size" and sym.str_value and value <= int(sym.str_value, 0):
                    continue  # counts (threads, priority levels) only raise a limit; the default holds more
                additions[sym.name] = str(int(value)) if sym.orig_type == kconfiglib.INT else hex(int(value))
        return additions, notes

    def _other_member(self, sym):
        """(member, alternative) when @sym depends on a choice member: the choice's best other member."""
        for leaf in kconfiglib.expr_items(sym.direct_dep):
            if isinstance(leaf, kconfiglib.Symbol) and leaf.choice is not None:
                others = [m for m in leaf.choice.syms if m is not leaf]
                if others:
                    return leaf, others[0]
        return None

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

    BEAM = 6

    def _state(self, chosen, relevance, picks, small, prefer):
        """Expands, completes and resolves one candidate; None when Kconfig refuses it."""
        assignments, pulled = self.evaluator.expand(chosen)
        prefs = self.preference_choices(assignments)
        if prefs:
            more, more_pulled = self.evaluator.expand(dict(assignments, **prefs))
            assignments, pulled = more, dict(pulled, **more_pulled)
        self.removals = []
        numbers, notes = self.quantities(assignments)
        assignments = dict(assignments, **numbers)
        for name in self.removals:
            assignments.pop(name, None)
            chosen = {k: v for k, v in chosen.items() if k != name}
        if self.evaluator.resolve(assignments):
            return None
        cost, libs = self.cost(small)
        return {"chosen": chosen, "assignments": assignments, "pulled": pulled, "prefs": prefs, "numbers": numbers,
                "notes": notes, "cost": cost, "libs": libs, "relevance": relevance, "picks": picks,
                "score": relevance - cost}

    def satisfied(self, found, name=None):
        """Whether the resolved tree answers an intent whose candidates are @found: one of them is on (a
        bool) or reachable (an int), or another option of their library that matches the intent at least
        half as well as its best candidate is on."""
        kconf = self.pool.kconf
        libraries = set()
        top = max(score for _, score in found)
        for key, score in found:
            if score < 0.9 * top:
                continue  # a weaker match (console printf for "printf of doubles") answers it only if picked
            sym = kconf.syms[key]
            if sym.orig_type == kconfiglib.BOOL and sym.tri_value == 2:
                return True
            if sym.orig_type != kconfiglib.BOOL and sym.visibility:
                return True
            # The candidate is one mode of a choice (or an option of that mode) and the choice is on in
            # another mode: the library is there, configured the way another part of the goal wanted.
            members = [sym] if sym.choice is not None else [] if sym.orig_type == kconfiglib.BOOL else [
                leaf for leaf in kconfiglib.expr_items(sym.direct_dep)
                if isinstance(leaf, kconfiglib.Symbol) and leaf.choice is not None]
            if any(m.choice.selection is not None and m.choice.selection is not m and m.choice.tri_value == 2
                   for m in members):
                return True
            libraries.add(self.pool.nodes[key]["library"])
        if name is None or name.startswith(("goal:", "model:")):
            return False
        cache = self.__dict__.setdefault("_intent_scores", {})
        if name not in cache:
            cache[name] = self.pool.index.score(search.tokens(" ".join(intent_query(self.goal, name))))
        scores = cache[name]
        bar = 0.5 * max(score for _, score in found)
        matches = {key for key, _ in found}
        for node in self.pool.settable:
            if node["library"] in libraries and node["id"] not in matches and scores.get(node["id"], 0.0) >= bar:
                sym = kconf.syms[node["id"]]
                if sym.orig_type == kconfiglib.BOOL and sym.tri_value == 2:
                    return True
        return False

    def _trim(self, state, small, prefer):
        """For a small goal: drops the implied drivers nothing needs (an image without interrupts needs
        no interrupt controller or timer); kept only if what they select is then unused."""
        self.evaluator.resolve(state["assignments"])
        kconf = self.pool.kconf
        implied = [sym for sym in kconf.unique_defined_syms
                   if sym.orig_type == kconfiglib.BOOL and sym.tri_value == 2 and sym.weak_rev_dep is not kconf.n
                   and sym.name not in state["assignments"] and any(n.prompt for n in sym.nodes)]
        if not implied:
            return state
        trimmed = dict(state["assignments"], **{sym.name: "n" for sym in implied})
        if self.evaluator.resolve(trimmed):
            return state
        for sym in implied:
            for target, _ in sym.selects:
                if target.tri_value == 2:
                    return state
        cost, libs = self.cost(small)
        if cost >= state["cost"]:
            return state
        state = dict(state, assignments=trimmed, cost=cost, libs=libs, score=state["relevance"] - cost,
                     trimmed=sorted(sym.name for sym in implied))
        return state

    def run(self):
        """Returns a Result: the best valid candidate (a beam search over the intents' candidates)."""
        self.unmet = []
        self.optional = set()
        options = self.candidates()
        small = self.goal.intents.get("small", 0) > 0
        prefer = self.pool.index.score(self.preference_query())
        result = Result()
        start = self._state(dict(self.base), 0.0, [], small, prefer)
        if start is None:
            raise Refusal("the image's structure itself does not resolve: %s" %
                          "; ".join(self.evaluator.resolve(self.evaluator.expand(dict(self.base))[0])))
        beam = [start]
        self.evaluator.resolve(start["assignments"])
        defaults = {sym.name for sym in self.pool.kconf.unique_defined_syms
                    if sym.orig_type == kconfiglib.BOOL and sym.tri_value == 2}
        for name, found in options:
            successors = []
            for state in beam:
                self.evaluator.resolve(state["assignments"])
                if name in self.optional:
                    successors.append(state)
                elif self.satisfied(found, name):
                    # Already answered by what other intents brought in: as good as the best candidate,
                    # and adds nothing, so the cost decides against a redundant library.
                    result.candidates += 1
                    best_score = max(score for _, score in found)
                    successors.append(dict(state, relevance=state["relevance"] + best_score,
                                           score=state["score"] + best_score))
                for key, score in found:
                    result.candidates += 1
                    chosen = dict(state["chosen"], **self.enabling(key))
                    nxt = self._state(chosen, state["relevance"] + score + prefer.get(key, 0.0),
                                      state["picks"] + [(name, key, score)], small, prefer)
                    if nxt is not None:
                        successors.append(nxt)
            if not successors:
                raise Refusal("no valid configuration of the pool answers \"%s\" together with the rest of the goal"
                              % ", ".join(self.goal.evidence.get(name, [name])))
            unique = {}
            for state in successors:
                key = tuple(sorted(state["assignments"].items()))
                if key not in unique or unique[key]["score"] < state["score"]:
                    unique[key] = state
            beam = sorted(unique.values(), key=lambda st: (-st["score"], sorted(st["assignments"].items())))
            beam = beam[:self.BEAM]
        final = []
        for state in beam:
            self.evaluator.resolve(state["assignments"])
            if all(name in self.optional or self.satisfied(found, name) for name, found in options):
                final.append(state)
        result.valid = len(final)
        if not final:
            raise Refusal("no valid configuration of the pool answers every part of the goal (%s)" %
                          ", ".join(name for name, _ in options))
        best = final[0]
        if small:
            best = self._trim(best, small, prefer)
        self.evaluator.resolve(best["assignments"])
        result.config = best["assignments"]
        result.libraries = best["libs"]
        result.cost = best["cost"]
        result.notes = best["notes"]
        result.unmet = list(self.unmet)
        pulled = best["pulled"]
        for name, key, score in best["picks"]:
            words = ", ".join(self.goal.evidence.get(name, [])) or ("proposed by the model" if
                                                                    name.startswith("model:") else name)
            for enabled_key in sorted(self.enabling(key)):
                if enabled_key in self.base or (enabled_key in defaults and enabled_key != key) or \
                        enabled_key not in best["assignments"]:
                    continue
                via = "" if enabled_key == key else " via CONFIG_%s" % key
                result.choices.append(Choice(enabled_key, "y", "\"%s\" (%s%s, retrieval score %.1f)" %
                                             (words, name, via, score),
                                             [p for p in sorted(pulled) if self._pulled_by(p, enabled_key, pulled)]))
        for key in sorted(best["prefs"]):
            result.choices.append(Choice(key, "y", "the goal's preferences (%s) favour it over the choice's default"
                                         % ", ".join(n for n in sorted(PREFERENCES | {"debug"})
                                                     if self.goal.intents.get(n, 0) > 0),
                                         [p for p, by in sorted(pulled.items()) if by == key]))
        for key, value in sorted(best["numbers"].items()):
            result.choices.append(Choice(key, value, "a number in the goal"))
        for key in best.get("trimmed", []):
            result.choices.append(Choice(key, "n", "small: nothing in this image takes interrupts or time, so "
                                         "this implied driver is left out"))
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
