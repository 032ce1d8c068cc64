"""W6 sgemm in PyTorch (torch.mm, i.e. OpenBLAS sgemm), with the protocol of bench/SharpGrad.Bench/Workloads/W6Sgemm.cs.

C = A.B for square float32 n x n matrices of uniform values in [-1, 1), n = 256, 512, 1024, 2048, on 1 and 2 threads
(whatever --threads says, as the C# side). Per (n, threads): one warm-up call, then enough calls to last 0.05 s size a
batch; the figure is the median over 10 timed batches of the time per call; GFLOP/s = 2n^3/t. torch.mm writes into a
preallocated C (out=), as Gemm.Sgemm does.
"""
import os
import time

from common import line

SIZES, REPEATS, MIN_REPEAT_SECONDS = [256, 512, 1024, 2048], 10, 0.05


def median_seconds_per_call(call):
    call()
    start, calls = time.perf_counter(), 0
    while time.perf_counter() - start < MIN_REPEAT_SECONDS:
        call()
        calls += 1
    batch = max(1, int(calls * MIN_REPEAT_SECONDS / (time.perf_counter() - start)))
    per_call = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        for _ in range(batch):
            call()
        per_call.append((time.perf_counter() - t0) / batch)
    per_call.sort()
    return (per_call[(REPEATS - 1) // 2] + per_call[REPEATS // 2]) / 2


def run(torch, threads, blas):
    saved = torch.get_num_threads()
    try:
        for n in SIZES:
            gen = torch.Generator().manual_seed(6)
            a = torch.rand(n, n, generator=gen) * 2 - 1
            b = torch.rand(n, n, generator=gen) * 2 - 1
            c = torch.empty(n, n)
            for t in [t for t in (1, 2) if t <= os.cpu_count()]:
                torch.set_num_threads(t)
                seconds = median_seconds_per_call(lambda: torch.mm(a, b, out=c))
                line("W6", "pytorch", t, "gflops", round(2.0 * n ** 3 / seconds / 1e9, 1), n=n, repeats=REPEATS, blas=blas)
    finally:
        torch.set_num_threads(saved)
