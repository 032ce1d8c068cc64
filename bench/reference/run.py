#!/usr/bin/python3
"""Reference implementations of the benchmark workloads W1-W6 (docs/benchmarks.md, "Side by side with PyTorch").

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 bench/reference/run.py W1 [--threads N] [--data DIR]

Prints one JSON line per figure, as bench/SharpGrad.Bench does, with "system":"pytorch" (W1 also "numpy": the same network
by hand). Needs Debian's python3-torch (1.13), python3-numpy and python3-sklearn (W1), and for its best speed the OpenMP
build of OpenBLAS (apt-get install -y libopenblas0-openmp) selected by the LD_LIBRARY_PATH above; every line carries a
"blas" key naming the BLAS the process loaded, and a warning goes to stderr when it is not openblas-openmp.
Workloads: W1 W2 W3 W4 W5 W6, or all. --threads N: torch.set_num_threads(N) (default 2; W6 always runs 1 and 2).
Exit status 3: the workload's data is missing (Fashion-MNIST for W2/W3).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import arg_value, check_blas, parse_threads, setup_torch  # noqa: E402

WORKLOADS = ["W1", "W2", "W3", "W4", "W5", "W6"]


def main(argv):
    names = [a.upper() for a in argv if a.upper() in WORKLOADS + ["ALL"]]
    unknown = [a for i, a in enumerate(argv) if not a.startswith("--") and a.upper() not in WORKLOADS + ["ALL"]
               and (i == 0 or argv[i - 1] not in ("--threads", "--data", "--systems"))]
    if unknown or not names:
        print(f"usage: run.py {{{'|'.join(WORKLOADS)}|all}}... [--threads N] [--data DIR] [--systems pytorch,numpy]", file=sys.stderr)
        return 2
    if "ALL" in names:
        names = WORKLOADS
    threads = parse_threads(argv)
    data = arg_value(argv, "--data")
    systems = tuple(arg_value(argv, "--systems", "pytorch,numpy").split(","))
    torch = setup_torch(threads)
    blas = check_blas(torch)
    status = 0
    for name in names:
        if name == "W1":
            import w1_seed_mlp
            w1_seed_mlp.run(torch, threads, blas, systems)
        elif name in ("W2", "W3"):
            import classifier
            import fashion_mnist
            try:
                classifier.run(torch, threads, blas, name, data)
            except fashion_mnist.NotFound as e:
                print(f"{name} skipped: {e}", file=sys.stderr)
                status = 3
        elif name == "W4":
            import w4_char_lstm
            w4_char_lstm.run(torch, threads, blas)
        elif name == "W5":
            import w5_gpt_mini
            w5_gpt_mini.run(torch, threads, blas)
        elif name == "W6":
            import w6_sgemm
            w6_sgemm.run(torch, threads, blas)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
