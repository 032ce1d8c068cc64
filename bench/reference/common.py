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
# Debian's default pthread build (libopenblas0-pthread) is reported 3-5x slower at 2 threads; the reference libblas3 gives
# about 6 GFLOP/s on a 1024 matmul against 165-200 with the OpenMP build. blas_library() names the one PyTorch calls.
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


def _sgemm_provider():
    """The file that defines the sgemm_ libtorch calls: the libblas.so.3 it loaded (dlopen by soname returns that one)."""
    import ctypes

    class DlInfo(ctypes.Structure):
        _fields_ = [("dli_fname", ctypes.c_char_p), ("dli_fbase", ctypes.c_void_p),
                    ("dli_sname", ctypes.c_char_p), ("dli_saddr", ctypes.c_void_p)]

    address = ctypes.cast(ctypes.CDLL("libblas.so.3").sgemm_, ctypes.c_void_p)
    info = DlInfo()
    if not ctypes.CDLL(None).dladdr(address, ctypes.byref(info)) or not info.dli_fname:
        raise OSError("dladdr failed")
    return os.path.realpath(info.dli_fname.decode())


def blas_library():
    """The BLAS whose sgemm PyTorch calls: 'openblas-openmp', 'openblas-pthread', 'reference' or 'unknown'.

    Asks the dynamic linker which file defines the sgemm_ of the loaded libblas.so.3 (the process may hold several BLAS
    libraries at once: liblapack.so.3 can pull in OpenBLAS while libblas.so.3 is the reference one).
    """
    try:
        path = _sgemm_provider()
    except (OSError, AttributeError):
        return "unknown"
    if "openblas-openmp" in path:
        return "openblas-openmp"
    if "openblas" in path:
        return "openblas-pthread"
    if "/blas/libblas.so" in path:
        return "reference"
    return "unknown:" + path


def check_blas(torch):
    """Runs one small matmul, warns on stderr unless the OpenMP build of OpenBLAS is loaded, returns the name."""
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))
    name = blas_library()
    if name != "openblas-openmp":
        print(f"warning: PyTorch is using BLAS '{name}', not the OpenMP build of OpenBLAS: its figures are not its best here. "
              f"Install libopenblas0-openmp and run with LD_LIBRARY_PATH={OPENBLAS_OPENMP_DIR}.", file=sys.stderr)
    return name
