"""Host tests of make generate's pieces (run by test/framework/generate.sh):
goal parsing, retrieval with negation, the Lib-Graph of a tree with a dropped-in
library, Kconfiglib validation of candidates, and the optional model path
against a fake endpoint that answers well, badly and with invented symbols."""

import http.server
import io
import json
import os
import shutil
import sys
import tempfile
import threading
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
GEN = os.path.dirname(HERE)
ROOT = os.path.abspath(os.path.join(GEN, "..", ".."))
sys.path.insert(0, GEN)
sys.path.insert(0, os.path.join(ROOT, "support", "kconfig"))

import generate  # noqa: E402
import goal as goalmod  # noqa: E402
import libgraph  # noqa: E402
import orchestrator  # noqa: E402
import search  # noqa: E402


def config_lines(path):
    with open(path) as f:
        return [line.strip() for line in f if line.startswith("CONFIG_")]


class GoalParsing(unittest.TestCase):
    def test_units(self):
        g = goalmod.parse("a 1 kHz loop, a 64 KiB heap, 4 cores and a reply within 50 us")
        kinds = {(q.kind, q.value) for q in g.quantities}
        self.assertIn(("rate", 1000.0), kinds)
        self.assertIn(("size", 65536.0), kinds)
        self.assertIn(("cores", 4.0), kinds)
        self.assertIn(("time", 50.0), kinds)
        self.assertEqual(goalmod.rate_hz(g), 1000.0)

    def test_period_is_a_rate(self):
        self.assertEqual(goalmod.rate_hz(goalmod.parse("sample every 2 ms")), 500.0)
        self.assertEqual(goalmod.rate_hz(goalmod.parse("a task with a 50 us period")), 20000.0)
        # A latency is not a period.
        self.assertIsNone(goalmod.rate_hz(goalmod.parse("respond within 50 us")))

    def test_intents_and_negation(self):
        g = goalmod.parse("floating-point PID, as small as possible")
        self.assertEqual(g.intents.get("fp"), 1)
        self.assertEqual(g.intents.get("small"), 1)
        self.assertEqual(goalmod.parse("a loop without floating point").intents.get("fp"), -1)

    def test_capabilities(self):
        self.assertIn("networking (TCP/IP, Ethernet, Wi-Fi)", goalmod.parse("a TCP echo server").capabilities)
        self.assertEqual(goalmod.parse("a 1 kHz control loop").capabilities, {})


class Retrieval(unittest.TestCase):
    def test_negation_marks_terms(self):
        self.assertEqual(search.tokens("Off: no FP/SIMD"), ["not_fp", "not_simd"])
        self.assertEqual(search.tokens("threads, no FP. Timers"), ["thread", "not_fp", "timer"])

    def test_bm25_prefers_the_matching_document(self):
        index = search.Index([("a", "timer queue with ticks"), ("b", "console printf output")])
        self.assertEqual(index.rank(search.tokens("a periodic timer"))[0][0], "a")


def scratch_tree(extra_libs):
    """A copy of the tree's Kconfig files (and nothing else) plus @extra_libs: {dir: Config.uk text}."""
    tmp = tempfile.mkdtemp(prefix="tn-libgraph-")
    for dirpath, _, files in os.walk(ROOT):
        rel = os.path.relpath(dirpath, ROOT)
        if rel.startswith(("build", ".git", "apps", "test")):
            continue
        if "Config.uk" in files:
            os.makedirs(os.path.join(tmp, rel), exist_ok=True)
            shutil.copy(os.path.join(dirpath, "Config.uk"), os.path.join(tmp, rel, "Config.uk"))
    for directory, text in extra_libs.items():
        os.makedirs(os.path.join(tmp, directory), exist_ok=True)
        with open(os.path.join(tmp, directory, "Config.uk"), "w") as f:
            f.write(text)
    return tmp


CAN_LIB = """config LIBCANBUS
	bool "canbus: CAN bus controller driver"
	select LIBIRQ
	depends on LIBSCHED
	help
	  Sends and receives CAN bus frames through the board's CAN
	  controller, with a receive queue per filter. See LIBSCHED.
"""


class DroppedInLibrary(unittest.TestCase):
    def setUp(self):
        self.tree = scratch_tree({"lib/canbus": CAN_LIB})
        self.env = dict(os.environ)
        os.environ["srctree"] = self.tree
        os.environ["TN_APP_DIR"] = os.path.join(self.tree, "apps", "none")
        os.environ["TN_BUILD_DIR"] = os.path.join(self.tree, "build")
        os.makedirs(os.path.join(self.tree, "build", "kconfig"))
        open(os.path.join(self.tree, "build", "kconfig", "external.uk"), "w").close()

    def tearDown(self):
        os.environ.clear()
        os.environ.update(self.env)
        shutil.rmtree(self.tree)

    def test_graph_has_the_new_library_and_its_edges(self):
        graph = libgraph.build(libgraph.load(os.path.join(self.tree, "Config.uk")))
        node = next(n for n in graph["nodes"] if n["id"] == "LIBCANBUS")
        self.assertEqual(node["library"], "lib/canbus")
        self.assertEqual(node["prompt"], "canbus: CAN bus controller driver")
        edges = {(e["from"], e["to"], e["kind"]) for e in graph["edges"]}
        self.assertIn(("LIBCANBUS", "LIBIRQ", "select"), edges)
        self.assertIn(("LIBCANBUS", "LIBSCHED", "depends"), edges)
        self.assertIn(("LIBCANBUS", "LIBSCHED", "describes"), edges)
        self.assertEqual(graph["libraries"]["lib/canbus"]["needs"], ["lib/irq", "lib/sched"])

    def test_a_goal_it_answers_is_no_longer_refused(self):
        goal = goalmod.parse("read frames from a CAN bus")
        os.environ["srctree"] = ROOT
        real = orchestrator.Pool(os.path.join(ROOT, "Config.uk"))
        os.environ["srctree"] = self.tree
        with self.assertRaises(orchestrator.Refusal) as refusal:
            orchestrator.check_capabilities(real, goal, {"guests": []})
        self.assertIn("CAN bus", str(refusal.exception))
        pool = orchestrator.Pool(os.path.join(self.tree, "Config.uk"))
        orchestrator.check_capabilities(pool, goal, {"guests": []})  # does not raise
        plan = orchestrator.Plan(pool, goal, {"TN_IMAGE_TENON": "y", "PLAT_QEMU_VIRT": "y", "TN_MAX_CPUS": "1"},
                                 "tenon")
        result = plan.run()
        self.assertEqual(result.config.get("LIBCANBUS"), "y")
        self.assertEqual(result.config.get("LIBSCHED"), "y")  # pulled in along its `depends on`


class Validation(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        app = tempfile.mkdtemp(prefix="tn-gen-")
        cls.addClassCleanup(shutil.rmtree, app, True)
        cls.pool = generate.load_pool(app)
        cls.evaluator = orchestrator.Evaluator(cls.pool)
        cls.base = {"TN_IMAGE_TENON": "y", "PLAT_QEMU_VIRT": "y", "TN_MAX_CPUS": "1"}

    def problems(self, extra):
        return self.evaluator.resolve(dict(self.base, **extra))

    def test_a_valid_configuration(self):
        self.assertEqual(self.problems({"LIBSCHED": "y", "LIBTNTIMER_TICKLESS": "y"}), [])

    def test_unknown_symbol(self):
        self.assertIn("CONFIG_LIBTELEPORT is not a symbol of this Kconfig tree",
                      " ".join(self.problems({"LIBTELEPORT": "y"})))

    def test_unmet_dependency(self):
        # Channels exist only in a Mortise guest.
        self.assertTrue(any("LIBIVC_CHANNEL" in p for p in self.problems({"LIBIVC_CHANNEL": "y"})))

    def test_out_of_range(self):
        self.assertTrue(any("LIBTNTIMER_HZ" in p for p in self.problems({"LIBTNTIMER": "y", "LIBTNTIMER_HZ": "5"})))

    def test_two_members_of_one_choice(self):
        self.assertTrue(any("alternatives" in p for p in self.problems(
            {"LIBSCHED": "y", "LIBSCHED_PREEMPTIVE": "y", "LIBSCHED_COOPERATIVE": "y"})))


class FakeModel(http.server.BaseHTTPRequestHandler):
    answer = ""

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        FakeModel.request = json.loads(self.rfile.read(length))
        body = json.dumps({"choices": [{"message": {"role": "assistant", "content": FakeModel.answer}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class ModelPath(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = http.server.HTTPServer(("127.0.0.1", 0), FakeModel)
        cls.thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        cls.thread.start()
        cls.url = "http://127.0.0.1:%d/v1" % cls.server.server_address[1]

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()

    def run_goal(self, answer, goal, url=None):
        FakeModel.answer = answer
        os.environ["TN_LLM_URL"] = url or self.url
        app = tempfile.mkdtemp(prefix="tn-gen-llm-")
        self.addCleanup(shutil.rmtree, app, True)
        out = io.StringIO()
        try:
            summary = generate.generate(goal, os.path.join(app, "x"), out=out)
        finally:
            del os.environ["TN_LLM_URL"]
        return summary, out.getvalue(), config_lines(os.path.join(app, "x", "defconfig"))

    def test_good_answer_is_used(self):
        summary, out, config = self.run_goal(
            'Sure: {"intents": ["threads", "reservation"], "negated": [], "symbols": ["LIBSCHED_RESERVATIONS"]}',
            "keep the greedy thread in check")
        self.assertEqual(summary["path"], "llm")
        self.assertIn("CONFIG_LIBSCHED_RESERVATIONS=y", config)
        self.assertIn("keep the greedy thread in check", json.dumps(FakeModel.request))

    def test_malformed_answer_falls_back(self):
        summary, out, config = self.run_goal("I think you want threads.", "a 1 kHz control loop")
        self.assertEqual(summary["path"], "offline")
        self.assertIn("no JSON object; using the offline orchestrator", out)
        self.assertIn("CONFIG_LIBSCHED=y", config)

    def test_invented_symbols_never_reach_the_defconfig(self):
        summary, out, config = self.run_goal(
            '{"intents": ["teleport", "threads"], "symbols": ["CONFIG_LIBWARPDRIVE", "LIBKBASE", "LIBSCHED", 7]}',
            "a small threaded app")
        self.assertIn("CONFIG_LIBWARPDRIVE is not a symbol of this tree", out)
        self.assertIn("CONFIG_LIBKBASE cannot be set by a user", out)
        self.assertIn("intent 'teleport' is not one the orchestrator knows", out)
        self.assertFalse([line for line in config if "WARPDRIVE" in line])
        self.assertIn("CONFIG_LIBSCHED=y", config)

    def test_unreachable_endpoint_falls_back(self):
        summary, out, config = self.run_goal("", "a 1 kHz control loop", url="http://127.0.0.1:9/v1")
        self.assertEqual(summary["path"], "offline")
        self.assertIn("cannot be reached", out)
        self.assertIn("CONFIG_LIBSCHED=y", config)


if __name__ == "__main__":
    unittest.main()
