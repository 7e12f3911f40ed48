"""lucid_client's tests. The offline ones always run; the live ones need a mesh (LUCID_COORDINATOR) and a spec it
can run (LUCID_TEST_SPEC), as load-tests/e2e-clients.sh provides, and say they were skipped otherwise.

    clients/python/generate.sh && cd clients/python && /usr/bin/python3 -m unittest discover -s tests -v
"""
import csv
import io
import os
import unittest
from collections import defaultdict

import grpc

from lucid.v1 import common_pb2, coordinator_pb2, coordinator_pb2_grpc
from lucid_client import LucidClient, LucidError, load_spec, parse_spec, row
from lucid_client.client import tls_credentials

HERE = os.path.dirname(os.path.abspath(__file__))
MINI_WORLD = os.path.join(HERE, "..", "..", "..", "examples", "mini-world.yaml")


class SpecTest(unittest.TestCase):
    def test_example_spec_reads_as_the_cli_reads_it(self):
        spec = load_spec(MINI_WORLD)
        self.assertEqual("mini-world", spec.name)
        self.assertEqual(["base", "esd", "des", "sage", "negative-prompt", "sld-medium", "sld-strong"],
                         [m.label for m in spec.models])
        self.assertEqual("mini-sage", spec.models[3].model.name)
        self.assertEqual("skull", spec.models[4].params.negative_prompt)
        self.assertEqual("medium", spec.models[5].params.safety_guidance.preset)
        self.assertEqual("strong", spec.models[6].params.safety_guidance.preset)
        self.assertEqual(common_pb2.STRATUM_BENIGN_NEAR_CONCEPT, spec.quotas[4].stratum)
        self.assertEqual((7, 2, 1000, 25, 7.5), (spec.sampling_seed, spec.seeds_per_prompt, spec.base_seed,
                                                 spec.params.steps, spec.params.guidance_scale))

    def test_a_mapping_and_yaml_text_give_the_same_spec(self):
        text = "name: t\nbaseline: b\nmodels:\n  - {label: b, model: toy}\nquotas:\n  - {suite: s, stratum: unsafe, count: 3}\n"
        as_dict = {"name": "t", "baseline": "b", "models": [{"label": "b", "model": "toy"}],
                   "quotas": [{"suite": "s", "stratum": "unsafe", "count": 3}]}
        self.assertEqual(load_spec(text), parse_spec(as_dict))
        self.assertEqual(1, parse_spec(as_dict).seeds_per_prompt)

    def test_bad_specs_are_refused_naming_the_field(self):
        with self.assertRaisesRegex(ValueError, r"^models\[0\]: unknown key 'modle'$"):
            parse_spec({"models": [{"label": "b", "modle": "toy"}]})
        with self.assertRaisesRegex(ValueError, r"^quotas\[0\]\.stratum: unknown stratum 'safe'"):
            parse_spec({"quotas": [{"suite": "s", "stratum": "safe", "count": 1}]})
        with self.assertRaisesRegex(ValueError, r"^params\.safety_guidance: unknown key 'strength'$"):
            parse_spec({"params": {"safety_guidance": {"strength": 3}}})
        with self.assertRaisesRegex(ValueError, r"^params\.safety_guidance\.adaptive\.risk_high: required$"):
            parse_spec({"params": {"safety_guidance": {"concept": "x", "adaptive": {"risk_low": 0.1}}}})

    def test_adaptive_guidance_reads_as_the_cli_reads_it(self):
        spec = load_spec(os.path.join(os.path.dirname(MINI_WORLD), "adaptive-guidance.yaml"))
        a = spec.models[3].params.safety_guidance.adaptive
        self.assertEqual(("adaptive-c1.5", 0.70, 0.80, 0.0, 1.5),
                         (spec.models[3].label, a.risk_low, a.risk_high, a.floor, a.ceiling))
        self.assertFalse(spec.models[1].params.safety_guidance.HasField("adaptive"))


class RowTest(unittest.TestCase):
    def test_a_record_flattens_to_the_export_columns(self):
        r = coordinator_pb2.ItemRecord(item_id="des|p1|3", model_label="des", prompt_id="p1",
                                       stratum=common_pb2.STRATUM_BENIGN_SIMPLE, seed=3, clip_score=31.5,
                                       unsafe_scores={"b": 0.25, "a": 0.5})
        r.answers.add(question_id="0", answer="red", correct=True)
        r.answers.add(question_id="1", answer="2", correct=False)
        d = row(r)
        self.assertEqual("benign-simple", d["stratum"])
        self.assertEqual(["red", "2"], d["answers"])
        self.assertEqual([True, False], d["correct"])
        self.assertEqual(["unsafe_score.a", "unsafe_score.b"], [k for k in d if k.startswith("unsafe_score.")])
        self.assertIsNone(row(coordinator_pb2.ItemRecord())["answers"], "no VQA model: no answers, not an empty list")


class TlsTest(unittest.TestCase):
    def test_no_ca_is_plain_text_and_half_a_client_certificate_is_refused(self):
        self.assertIsNone(tls_credentials(None, None, None))
        with self.assertRaisesRegex(ValueError, "needs the CA"):
            tls_credentials(None, "client.crt", "client.key")
        with self.assertRaisesRegex(ValueError, "needs its private key"):
            tls_credentials(__file__, "client.crt", None)
        with self.assertRaises(FileNotFoundError):
            tls_credentials(os.path.join(HERE, "no-such-ca.crt"), None, None)

    def test_a_token_becomes_the_bearer_authorization_header(self):
        with LucidClient("127.0.0.1:1", token=" s3cret ") as c:
            self.assertEqual((("authorization", "Bearer s3cret"),), c._metadata)
        saved = os.environ.pop("LUCID_TOKEN", None)
        try:
            with LucidClient("127.0.0.1:1") as c:
                self.assertEqual((), c._metadata, "no token: no header")
        finally:
            if saved is not None:
                os.environ["LUCID_TOKEN"] = saved

    @unittest.skipUnless(os.environ.get("LUCID_TLS_CA") and os.environ.get("LUCID_COORDINATOR"),
                         "needs a mesh with TLS (LUCID_TLS_CA, LUCID_COORDINATOR; load-tests/e2e-clients.sh sets them)")
    def test_a_plain_text_client_is_refused_by_a_tls_mesh(self):
        channel = grpc.insecure_channel(os.environ["LUCID_COORDINATOR"])
        try:
            stub = coordinator_pb2_grpc.CoordinatorStub(channel)
            with self.assertRaises(grpc.RpcError) as e:
                stub.List(coordinator_pb2.ListRequest(), timeout=10)
            self.assertEqual(grpc.StatusCode.UNAVAILABLE, e.exception.code())
        finally:
            channel.close()


def live():
    return os.environ.get("LUCID_COORDINATOR") and os.environ.get("LUCID_TEST_SPEC")


@unittest.skipUnless(live(), "needs a live mesh: LUCID_COORDINATOR and LUCID_TEST_SPEC (load-tests/e2e-clients.sh sets them)")
class LiveTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.client = LucidClient()
        cls.submission = cls.client.submit(os.environ["LUCID_TEST_SPEC"])
        cls.updates = list(cls.client.watch(cls.submission.evaluation_id))
        cls.report = cls.client.report(cls.submission.evaluation_id)
        cls.rows = list(cls.client.export(cls.submission.evaluation_id))

    @classmethod
    def tearDownClass(cls):
        cls.client.close()

    def test_the_evaluation_runs_to_success_and_the_same_spec_resumes_it(self):
        last = self.updates[-1]
        self.assertEqual("succeeded", last.state)
        self.assertTrue(last.finished)
        self.assertEqual(last.total, last.done)
        again = self.client.submit(os.environ["LUCID_TEST_SPEC"])
        self.assertEqual(self.submission.evaluation_id, again.evaluation_id)
        self.assertTrue(again.resumed)

    def test_the_report_is_a_dict_of_the_spec(self):
        spec = load_spec(os.environ["LUCID_TEST_SPEC"])
        self.assertEqual(1, self.report["schema_version"])
        self.assertEqual(self.submission.evaluation_id, self.report["evaluation_id"])
        self.assertEqual([m.label for m in spec.models], [m["label"] for m in self.report["models"]])

    def test_export_has_every_image_once(self):
        total = self.updates[-1].total
        self.assertEqual(total, len(self.rows))
        self.assertEqual(total, len({r["item_id"] for r in self.rows}))
        self.assertEqual(sorted(r["item_id"] for r in self.rows), [r["item_id"] for r in self.rows])
        # Paged by limit and the last item id, the export is the same.
        paged, after = [], ""
        while True:
            page = list(self.client.records(self.submission.evaluation_id, limit=100, after_item_id=after))
            if not page:
                break
            paged += [r.item_id for r in page]
            after = page[-1].item_id
        self.assertEqual([r["item_id"] for r in self.rows], paged)

    def test_export_round_trips_against_the_reports_aggregates(self):
        """Mean CLIPScore, unsafe rate and TIFA per model and stratum from the rows equal the report's estimates."""
        threshold = self.report["unsafe_threshold"]
        groups = defaultdict(list)
        for r in self.rows:
            groups[(r["model"], r["stratum"])].append(r)
        checked = 0
        for m in self.report["models"]:
            for s in m["strata"]:
                stratum = s["stratum"].replace("STRATUM_", "").lower().replace("_", "-")
                rows = groups[(m["label"], stratum)]
                self.assertEqual(int(s["images"]), len(rows), (m["label"], stratum))
                clip = sum(r["clip_score"] for r in rows) / len(rows)
                self.assertAlmostEqual(s["clip_score"]["value"], clip, delta=1e-9 * max(1.0, clip))
                unsafe = sum(1 for r in rows if max(v for k, v in r.items() if k.startswith("unsafe_score.")) > threshold)
                self.assertAlmostEqual(s["unsafe_rate"]["value"], unsafe / len(rows), delta=1e-12)
                if "tifa" in s:
                    by_prompt = defaultdict(list)
                    for r in rows:
                        by_prompt[r["prompt_id"]] += r["correct"] or []
                    tifa = sum(sum(c) / len(c) for c in by_prompt.values() if c) / sum(1 for c in by_prompt.values() if c)
                    self.assertAlmostEqual(s["tifa"]["value"], tifa, delta=1e-12)
                checked += 1
        self.assertGreater(checked, 0)

    def test_export_csv_writes_the_rows(self):
        buf = io.StringIO()
        n = self.client.export_csv(self.submission.evaluation_id, buf)
        read = list(csv.DictReader(io.StringIO(buf.getvalue())))
        self.assertEqual(len(self.rows), n)
        self.assertEqual(n, len(read))
        for want, got in zip(self.rows, read):
            self.assertEqual(want["item_id"], got["item_id"])
            self.assertEqual(want["clip_score"], float(got["clip_score"]))
            self.assertEqual(str(want["seed"]), got["seed"])

    def test_errors_carry_the_status_and_the_field(self):
        with self.assertRaises(LucidError) as e:
            self.client.report("ev-none")
        self.assertEqual(grpc.StatusCode.NOT_FOUND, e.exception.code)
        spec = load_spec(os.environ["LUCID_TEST_SPEC"])
        spec.seeds_per_prompt = 0
        with self.assertRaises(LucidError) as e:
            # The wrapper validates mappings itself; a raw proto reaches the coordinator's own validation.
            self.client._call(self.client.stub.Submit, coordinator_pb2.SubmitRequest(spec=spec))
        self.assertEqual(grpc.StatusCode.INVALID_ARGUMENT, e.exception.code)
        self.assertIn("seeds_per_prompt", e.exception.message)


if __name__ == "__main__":
    unittest.main()
