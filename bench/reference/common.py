"""Shared helpers of the reference workloads: JSON lines, medians, threads and the BLAS check.

Every figure is printed as one JSON line with the keys of workloads.md (workload, system, threads, metric, value, extras),
exactly like bench/SharpGrad.Bench/BenchOutput.cs, so that bench/compare.sh can pair the two systems' lines.
"""
import json
import os
import statistics
import sys

# PyTorch 1.13 from Debian calls BLAS through libblas.so.3. Its fastest configuration on these machines is the OpenMP
# build of OpenBLAS (Debian package libopenblas0-openmp), selected with
#   LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp
# The pthread build (libopenblas0-pthread) is 3-5x slower at 2 threads (its threads fight PyTorch's OpenMP pool) and the
# reference libblas3 is slower still. blas_library() reports which one the process actually loaded.
OPENBLAS_OPENMP_DIR = "/usr/lib/x86_64-linux-gnu/openblas-openmp"


def line(workload, system, threads, metric, value, **extra):
    """Prints one JSON line, same keys and order as BenchOutput.Line."""
    record = {"workload": workload, "system": system, "threads": threads, "metric": metric, "value": value}
    record.update(extra)
    print(json.dumps(record, separators=(",", ":")), flush=True)


def median(values):
    """The median; the mean of the two middle values for an even count (as BenchOutput.Median)."""
    return statistics.median(values)


def parse_threads(argv, default=2):
    """--threads N (default 2, the machine's cores)."""
    if "--threads" in argv:
        return int(argv[argv.index("--threads") + 1])
    return default


def arg_value(argv, name, default=None):
    return argv[argv.index(name) + 1] if name in argv and argv.index(name) + 1 < len(argv) else default


def setup_torch(threads):
    """Sets PyTorch's intra-op thread count (which the OpenMP build of OpenBLAS follows) and returns torch."""
    import torch

    torch.set_num_threads(threads)
    return torch


def blas_library():
    """The BLAS shared object this process has loaded: 'openblas-openmp', 'openblas-pthread', 'reference' or 'unknown'.

    Call it after the first matmul (libtorch loads libblas.so.3 at import, but this makes sure).
    """
    try:
        with open("/proc/self/maps") as maps:
            paths = {l.split()[-1] for l in maps if "blas" in l or "lapack" in l}
    except OSError:
        return "unknown"
    real = {os.path.realpath(p) for p in paths}
    joined = " ".join(sorted(real))
    if "openblas-openmp" in joined:
        return "openblas-openmp"
    if "openblas-pthread" in joined or "openblas" in joined:
        return "openblas-pthread"
    if "/blas/libblas.so" in joined:
        return "reference"
    return "unknown"


def check_blas(torch):
    """Runs one small matmul, warns on stderr unless the OpenMP build of OpenBLAS is loaded, returns the name."""
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))
    name = blas_library()
    if name != "openblas-openmp":
        print(f"warning: PyTorch is using BLAS '{name}', not the OpenMP build of OpenBLAS: its figures are not its best here. "
              f"Install libopenblas0-openmp and run with LD_LIBRARY_PATH={OPENBLAS_OPENMP_DIR}.", file=sys.stderr)
    return name
