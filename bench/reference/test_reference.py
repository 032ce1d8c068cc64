#!/usr/bin/python3
"""Self-test of the reference harness (bench/compare.sh --dry-run runs it): every workload once at tiny sizes, the IDX
reader on a small file it writes, and the pairing/ratio logic of compare_summary.py on made-up lines. A few seconds.

    /usr/bin/python3 bench/reference/test_reference.py

Not part of `dotnet test`.
"""
import contextlib
import gzip
import io
import json
import os
import struct
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import common  # noqa: E402

torch = common.setup_torch(1)
KEYS = ["workload", "system", "threads", "metric", "value"]


def lines_of(fn, *args):
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        fn(*args)
    records = [json.loads(l) for l in buffer.getvalue().splitlines()]
    for r in records:
        assert list(r)[:5] == KEYS, r
    return records


class Workloads(unittest.TestCase):
    def test_w1_pytorch_and_numpy_reach_the_workload_accuracy(self):
        import w1_seed_mlp as w
        w.EPOCHS, w.WARMUP, w.REPEATS = 1000, 0, 1
        records = lines_of(w.run, torch, 1, "test")
        self.assertEqual([r["system"] for r in records], ["pytorch", "numpy"])
        for r in records:
            self.assertEqual(r["metric"], "train_seconds")
            self.assertGreater(r["test_accuracy"], 0.8)  # 0.875 in every system

    def test_w4_one_step(self):
        import w4_char_lstm as w
        w.WARMUP, w.STEPS, w.BATCH, w.SEQ = 0, 1, 2, 8
        (r,) = lines_of(w.run, torch, 1, "test")
        self.assertEqual((r["workload"], r["metric"]), ("W4", "train_tokens_per_sec"))
        self.assertGreater(r["value"], 0)

    def test_w5_has_the_workload_parameter_count_and_generates(self):
        import w5_gpt_mini as w
        self.assertEqual(sum(p.numel() for p in w.build(torch).parameters()), 3_225_600)
        w.WARMUP, w.STEPS, w.BATCH, w.GEN_TOKENS = 0, 1, 1, w.CTX + 3  # past the context: the crop runs
        train, gen = lines_of(w.run, torch, 1, "test")
        self.assertEqual(train["metric"], "train_tokens_per_sec")
        self.assertEqual(gen["metric"], "gen_tokens_per_sec")
        self.assertEqual(gen["slide_gen_tokens_per_sec_no_cache"], gen["value"])
        self.assertIn("gen_tokens_per_sec_127_in_context_no_cache", gen)

    def test_w6_one_size(self):
        import w6_sgemm as w
        w.SIZES, w.MIN_REPEAT_SECONDS = [64], 0.001
        records = lines_of(w.run, torch, 1, "test")
        self.assertEqual({(r["n"], r["threads"]) for r in records}, {(64, t) for t in (1, 2) if t <= os.cpu_count()})

    def test_classifier_models_have_the_workload_shapes(self):
        import classifier
        self.assertEqual(sum(p.numel() for p in classifier.w2_model(torch.nn).parameters()), 235_146)
        cnn = classifier.w3_model(torch.nn)
        self.assertEqual(tuple(cnn(torch.zeros(2, 1, 28, 28)).shape), (2, 10))


class FashionMnistReader(unittest.TestCase):
    def test_reads_gzipped_idx_and_scales_to_unit_range(self):
        import fashion_mnist as f
        with tempfile.TemporaryDirectory() as d:
            pixels = bytes(range(0, 256, 16)) * 2  # two 4x4 images
            for split in ("train", "t10k"):
                with gzip.open(os.path.join(d, f"{split}-images-idx3-ubyte.gz"), "wb") as g:
                    g.write(struct.pack(">IIII", 0x803, 2, 4, 4) + pixels)
                with gzip.open(os.path.join(d, f"{split}-labels-idx1-ubyte.gz"), "wb") as g:
                    g.write(struct.pack(">II", 0x801, 2) + bytes([3, 9]))
            (x, y), (xt, yt) = f.load(d)
            self.assertEqual(x.shape, (2, 16))
            self.assertAlmostEqual(float(x.max()), 240 / 255, places=6)
            self.assertEqual(list(y), [3, 9])
            with self.assertRaises(f.NotFound):
                f.find_directory(os.path.join(d, "nothing-here"))


class Summary(unittest.TestCase):
    def test_ratios_directions_and_medians_over_rounds(self):
        import compare_summary as s
        rows = {
            "W1-sharpgrad-1": [{"workload": "W1", "system": "sharpgrad", "threads": 2, "metric": "train_seconds", "value": 0.1, "test_accuracy": 0.875}],
            "W1-sharpgrad-2": [{"workload": "W1", "system": "sharpgrad", "threads": 2, "metric": "train_seconds", "value": 0.3, "test_accuracy": 0.875}],
            "W1-reference-1": [{"workload": "W1", "system": "pytorch", "threads": 2, "metric": "train_seconds", "value": 0.4},
                               {"workload": "W1", "system": "numpy", "threads": 2, "metric": "train_seconds", "value": 0.1}],
            "W6-sharpgrad-1": [{"workload": "W6", "system": "sharpgrad", "threads": 2, "metric": "gflops", "value": 90.0, "n": 1024}],
            "W6-reference-1": [{"workload": "W6", "system": "pytorch", "threads": 2, "metric": "gflops", "value": 180.0, "n": 1024}],
        }
        with tempfile.TemporaryDirectory() as d:
            for name, recs in rows.items():
                with open(os.path.join(d, name + ".jsonl"), "w") as f:
                    f.write("a log line\n" + "\n".join(json.dumps(r) for r in recs) + "\n")
            with open(os.path.join(d, "W2.skipped"), "w") as f:
                f.write("no data")
            out = os.path.join(d, "out.json")
            with contextlib.redirect_stdout(io.StringIO()):
                self.assertEqual(s.main([d, out]), 0)
            with open(out) as f:
                result = json.load(f)
        by = {(c["workload"], c["reference_system"], c.get("n")): c for c in result["comparisons"]}
        w1 = by[("W1", "pytorch", None)]
        self.assertAlmostEqual(w1["sharpgrad"], 0.2)  # median of 0.1 and 0.3
        self.assertAlmostEqual(w1["ratio_sharpgrad_over_reference"], 0.5)
        self.assertAlmostEqual(w1["sharpgrad_speed_factor"], 2.0)  # seconds: lower is better
        self.assertEqual(w1["winner"], "sharpgrad")
        self.assertEqual(by[("W1", "numpy", None)]["winner"], "numpy")
        w6 = by[("W6", "pytorch", 1024)]
        self.assertAlmostEqual(w6["sharpgrad_speed_factor"], 0.5)  # GFLOP/s: higher is better
        self.assertEqual(w6["winner"], "pytorch")
        self.assertEqual(result["skipped"], [{"workload": "W2", "reason": "no data"}])


if __name__ == "__main__":
    print(f"BLAS: {common.check_blas(torch)}")
    unittest.main(verbosity=1)
