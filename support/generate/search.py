"""Retrieval over the Lib-Graph's prompts and help texts: Okapi BM25.

A document is one user-settable node (a symbol with a prompt, a choice) and
its text is its name split into words, its prompt (counted twice: it is the
one-line summary), its help text, its library directory and menu path. Words
are lower-cased and lightly stemmed so "threads"/"thread" and
"colouring"/"colours" meet, a few spelling variants are folded ("color" is
"colour"), and a word after "no", "not", "without" or "off:" becomes not_word,
so "Off: no FP/SIMD" does not answer a goal that wants floating point and does
answer "without floating point".
"""

import math
import re

_SPELLING = {"color": "colour", "colors": "colours", "coloring": "colouring", "optimize": "optimise",
             "optimization": "optimisation", "synchronization": "synchronisation", "behavior": "behaviour",
             "fpu": "fp", "float": "floating", "pthreads": "pthread", "hertz": "hz", "cpus": "cpu",
             "cores": "cpu", "core": "cpu", "processors": "cpu", "vms": "guest", "vm": "guest",
             "virtual": "virtual", "tasks": "thread", "task": "thread", "multitasking": "thread",
             "interrupts": "interrupt", "irq": "interrupt", "irqs": "interrupt", "mutexes": "mutex",
             "rtos": "kernel", "ram": "memory", "heap": "heap", "uart": "uart", "serial": "uart",
             "timers": "timer", "ticks": "tick", "sleeping": "sleep", "sleeps": "sleep",
             "allocation": "allocator", "allocate": "allocator", "malloc": "allocator",
             "hypervisors": "hypervisor", "partitions": "partition", "partitioning": "partition"}
_STOP = set("""a an the and or of to in on for with by at as is are be it its this that from into per than
then there these those which while will can may must should would could each every any all some so not no
we i you our my me us they them their what when where who how do does did has have had been being also
only just more most less least very make makes made build builds built run runs running use uses used
using want wants need needs needed like please app application program system image one between through
over under about after before within across via per up down out off onto upon""".split())
_NEGATE = re.compile(r"^(no|not|without|off|never|non)$")


def stem(word):
    word = _SPELLING.get(word, word)
    if len(word) > 4:
        if word.endswith("ies"):
            word = word[:-3] + "y"
        elif word.endswith(("sses", "xes", "ches", "shes")):
            word = word[:-2]
        elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
            word = word[:-1]
        elif word.endswith("ing") and len(word) > 5:
            word = word[:-3]
        elif word.endswith("ed") and len(word) > 5:
            word = word[:-2]
    return _SPELLING.get(word, word)


# A negation reaches the next few content words, up to a punctuation mark.
_REACH = 4


def tokens(text, negation=True):
    """Words of @text, stemmed; those a negator reaches become not_*."""
    raw = re.findall(r"not_[a-z0-9]+|[a-z0-9][a-z0-9+#]*|[.,;:()!?]", re.sub(r"(?<!\bnot)_", " ", text.lower()))
    out = []
    reach = 0
    for word in raw:
        if word in ".,;:()!?":
            reach = 0
            continue
        if negation and _NEGATE.match(word):
            reach = _REACH
            continue
        if word.startswith("not_"):
            out.append(word)
            continue
        if word in _STOP or (len(word) < 2 and not word.isdigit()):
            continue
        term = stem(word)
        if reach:
            out.append("not_" + term)
            reach -= 1
        else:
            out.append(term)
    return out


class Index:
    """BM25 over a list of (key, text) documents."""

    K1 = 1.2
    B = 0.75

    def __init__(self, documents):
        self.keys = [key for key, _ in documents]
        self.docs = [tokens(text) for _, text in documents]
        self.lengths = [len(d) for d in self.docs]
        self.average = (sum(self.lengths) / len(self.docs)) if self.docs else 1.0
        self.frequency = []
        df = {}
        for doc in self.docs:
            counts = {}
            for term in doc:
                counts[term] = counts.get(term, 0) + 1
            self.frequency.append(counts)
            for term in counts:
                df[term] = df.get(term, 0) + 1
        n = len(self.docs)
        self.idf = {term: math.log(1 + (n - count + 0.5) / (count + 0.5)) for term, count in df.items()}

    def vocabulary(self):
        return set(self.idf)

    def score(self, query_terms):
        """{key: score} for every document with a positive score."""
        scores = {}
        terms = {}
        for term in query_terms:
            terms[term] = terms.get(term, 0) + 1
        for i, counts in enumerate(self.frequency):
            total = 0.0
            for term, weight in terms.items():
                tf = counts.get(term)
                if not tf:
                    continue
                norm = tf * (self.K1 + 1) / (tf + self.K1 * (1 - self.B + self.B * self.lengths[i] / self.average))
                total += self.idf[term] * norm * (1 + math.log(weight))
            if total > 0:
                scores[self.keys[i]] = total
        return scores

    def rank(self, query_terms, limit=None):
        scores = self.score(query_terms)
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        return ranked[:limit] if limit else ranked


def node_text(node):
    """The text a Lib-Graph node is retrieved by."""
    parts = [node["id"].replace("choice:", "").replace("_", " "), node.get("prompt") or "", node.get("prompt") or "",
             node.get("help") or "", node.get("library") or "", " ".join(node.get("menu") or [])]
    return "\n".join(parts)
