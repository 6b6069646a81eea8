"""Optional help from a language model: objective parsing and ranking hints.

Used only when TN_LLM_URL names an OpenAI-compatible chat endpoint (the base
URL: .../v1; the request goes to .../v1/chat/completions), with TN_LLM_MODEL
(default "default") and TN_LLM_KEY (a bearer token, if the endpoint wants
one). The model is asked for JSON: the goal's intents (names from goal.py's
list), its numbers, and the Kconfig symbols it would enable. Nothing it says
is trusted:

- an intent name that is not in the list is dropped;
- a symbol that is not in the tree, or that the user cannot set, is dropped
  with a message (it can never reach a defconfig);
- the symbols left are only candidates: they go through the same expansion,
  Kconfiglib validation and scoring as the offline orchestrator's own.

An endpoint that cannot be reached, times out or answers something that is not
the JSON asked for gives a one-line message and the offline path.
"""

import json
import os
import re
import urllib.error
import urllib.request

import goal as goalmod

TIMEOUT_S = 20

PROMPT = """You help configure TenonOS, an AArch64 real-time unikernel (Tenon) and hypervisor (Mortise).
Read the user's goal and answer with one JSON object and nothing else:
{"intents": [names from this list that the goal asks for: %s],
 "negated": [names from the same list that the goal explicitly does NOT want],
 "symbols": [Kconfig symbols (without CONFIG_) from the list below the goal needs enabled]}
Kconfig symbols you may use (name: prompt):
%s"""


class Unavailable(Exception):
    """The endpoint could not be used; the message says why."""


def configured():
    return bool(os.environ.get("TN_LLM_URL", "").strip())


def _request(messages):
    url = os.environ["TN_LLM_URL"].rstrip("/")
    if not url.endswith("/chat/completions"):
        url += "/chat/completions"
    body = json.dumps({"model": os.environ.get("TN_LLM_MODEL", "default"), "messages": messages,
                       "temperature": 0}).encode()
    headers = {"Content-Type": "application/json"}
    if os.environ.get("TN_LLM_KEY"):
        headers["Authorization"] = "Bearer " + os.environ["TN_LLM_KEY"]
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            payload = json.loads(response.read().decode("utf-8", "replace"))
    except (urllib.error.URLError, OSError, TimeoutError) as error:
        raise Unavailable("TN_LLM_URL %s cannot be reached (%s)" % (url, getattr(error, "reason", error)))
    except ValueError:
        raise Unavailable("TN_LLM_URL %s did not answer JSON" % url)
    try:
        return payload["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        raise Unavailable("TN_LLM_URL %s answered without choices[0].message.content" % url)


def _json_object(text):
    """The first {...} object in @text (models wrap JSON in prose or code fences)."""
    match = re.search(r"\{.*\}", text or "", re.DOTALL)
    if not match:
        raise Unavailable("the model's answer has no JSON object")
    try:
        value = json.loads(match.group(0))
    except ValueError:
        raise Unavailable("the model's answer is not valid JSON")
    if not isinstance(value, dict):
        raise Unavailable("the model's answer is not a JSON object")
    return value


class Advice:
    def __init__(self):
        self.intents = {}      # name -> +1 / -1
        self.symbols = []      # settable symbol names, validated
        self.rejected = []     # what was dropped, with why


def advise(goal_text, pool):
    """Asks the endpoint; returns Advice with only what the tree accepts. Raises Unavailable."""
    listing = "\n".join("%s: %s" % (n["id"], n.get("prompt") or "") for n in pool.settable)
    messages = [{"role": "system", "content": PROMPT % (", ".join(sorted(goalmod.INTENTS)), listing)},
                {"role": "user", "content": goal_text}]
    answer = _json_object(_request(messages))
    advice = Advice()
    settable = {n["id"] for n in pool.settable}
    for key, polarity in (("intents", 1), ("negated", -1)):
        values = answer.get(key, [])
        if not isinstance(values, list):
            advice.rejected.append("%s is not a list" % key)
            continue
        for name in values:
            if isinstance(name, str) and name in goalmod.INTENTS:
                advice.intents[name] = polarity
            else:
                advice.rejected.append("intent %r is not one the orchestrator knows" % (name,))
    symbols = answer.get("symbols", [])
    if not isinstance(symbols, list):
        symbols = []
        advice.rejected.append("symbols is not a list")
    for name in symbols:
        if not isinstance(name, str):
            advice.rejected.append("symbol %r is not a name" % (name,))
            continue
        name = name[len("CONFIG_"):] if name.startswith("CONFIG_") else name
        if name not in pool.kconf.syms or not pool.kconf.syms[name].nodes:
            advice.rejected.append("CONFIG_%s is not a symbol of this tree" % name)
        elif name not in settable:
            advice.rejected.append("CONFIG_%s cannot be set by a user (no prompt)" % name)
        elif name not in advice.symbols:
            advice.symbols.append(name)
    return advice
