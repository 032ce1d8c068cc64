#!/usr/bin/env bash
# Side-by-side benchmark: SharpGrad against PyTorch (and NumPy for W1) on the same machine, in one go.
#
#   bench/compare.sh [W1 W2 W3 W4 W5 W6] [--threads N] [--rounds R] [--out FILE] [--data DIR] [--dry-run]
#
# Builds bench/SharpGrad.Bench once (Release), then for each workload runs SharpGrad and the reference
# (bench/reference/run.py) alternately, R rounds (default 2: SharpGrad, PyTorch, SharpGrad, PyTorch), prints one table row
# per figure with both figures and the ratio, and writes every JSON line plus the ratios to FILE
# (default bench/results/compare-<date>.json; bench/results/ is not tracked).
#
# The reference runs on Debian's /usr/bin/python3 with python3-torch (1.13), python3-numpy and python3-sklearn. PyTorch's
# best configuration here is the OpenMP build of OpenBLAS: the script installs libopenblas0-openmp with apt-get when it is
# missing (as root; otherwise it warns and goes on) and runs Python with
# LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp. Every reference line names the BLAS it loaded ("blas" key).
# W2 and W3 need Fashion-MNIST (apt-get install -y dataset-fashion-mnist); without it they are skipped.
#
# --dry-run: checks the toolchain, the Python packages, the BLAS and the data, runs the reference harness self-test
# (bench/reference/test_reference.py: tiny shapes, a few seconds) and prints the plan; builds and measures nothing.
set -uo pipefail
cd "$(dirname "$0")/.."

PY=/usr/bin/python3
OPENBLAS_DIR=/usr/lib/x86_64-linux-gnu/openblas-openmp
ALL=(W1 W2 W3 W4 W5 W6)
workloads=() threads=2 rounds=2 out="" data="" dry=0

while [ $# -gt 0 ]; do
    case "$1" in
        --threads) threads="$2"; shift 2 ;;
        --rounds) rounds="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --data) data="$2"; shift 2 ;;
        --dry-run) dry=1; shift ;;
        -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        [Ww][1-6]) workloads+=("$(echo "$1" | tr 'w' 'W')"); shift ;;
        all|ALL) workloads=("${ALL[@]}"); shift ;;
        *) echo "compare.sh: unknown argument '$1' (workloads W1..W6, --threads N, --rounds R, --out FILE, --data DIR, --dry-run)" >&2; exit 2 ;;
    esac
done
[ ${#workloads[@]} -eq 0 ] && workloads=("${ALL[@]}")
stamp=$(date +%Y%m%d-%H%M%S)
[ -z "$out" ] && out="bench/results/compare-$stamp.json"

warn() { echo "WARNING: $*" >&2; }

# --- reference prerequisites -------------------------------------------------------------------------------------------
if ! "$PY" -c 'import torch, numpy, sklearn' 2>/dev/null; then
    echo "compare.sh: $PY cannot import torch, numpy and sklearn. Install them with: apt-get install -y python3-torch python3-numpy python3-sklearn" >&2
    exit 1
fi
if ! dpkg-query -W -f='${Status}' libopenblas0-openmp 2>/dev/null | grep -q "install ok installed"; then
    if [ "$dry" -eq 1 ]; then
        warn "libopenblas0-openmp is not installed (a real run installs it with: apt-get install -y libopenblas0-openmp)."
    elif [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
        echo "Installing libopenblas0-openmp (PyTorch's fastest BLAS here) ..."
        if ! DEBIAN_FRONTEND=noninteractive apt-get install -y libopenblas0-openmp >/tmp/compare-apt.log 2>&1; then
            warn "apt-get install -y libopenblas0-openmp failed (log: /tmp/compare-apt.log); PyTorch runs with the default BLAS and its figures are NOT its best on this machine."
        fi
    else
        warn "libopenblas0-openmp is missing and cannot be installed here (needs root and apt-get): PyTorch runs with the default BLAS and its figures are NOT its best. Install it with: apt-get install -y libopenblas0-openmp"
    fi
fi
py_env=()
if [ -d "$OPENBLAS_DIR" ]; then
    py_env=(env "LD_LIBRARY_PATH=$OPENBLAS_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}")
fi
blas=$("${py_env[@]}" "$PY" -c 'import sys; sys.path.insert(0, "bench/reference"); import common, torch; print(common.check_blas(torch))' 2>/dev/null)
echo "Reference: $("$PY" -c 'import torch; print("PyTorch", torch.__version__)'), BLAS ${blas:-unknown}${py_env[*]:+ (${py_env[*]:1})}"
[ "$blas" != "openblas-openmp" ] && warn "PyTorch is not using the OpenMP build of OpenBLAS: its figures are not its best here."

data_args=()
[ -n "$data" ] && data_args=(--data "$data")
fmnist_missing=""
if ! fmnist_msg=$("$PY" -c 'import sys; sys.path.insert(0, "bench/reference"); import fashion_mnist as f; f.find_directory(sys.argv[1] if len(sys.argv) > 1 else None)' ${data:+"$data"} 2>&1); then
    fmnist_missing=$(echo "$fmnist_msg" | tail -n 1 | sed 's/^[A-Za-z_.]*NotFound: //')
fi

echo "Workloads: ${workloads[*]}; threads $threads; $rounds round(s), SharpGrad first; machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

load1=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$load1" 'BEGIN { exit !(l > 0.5) }'; then
    warn "the machine is busy (1-minute load $load1): 2-thread figures suffer, PyTorch's most (its OpenMP threads wait on a busy core). Compare ratios from a quiet run."
fi

if [ "$dry" -eq 1 ]; then
    command -v dotnet >/dev/null && echo "dotnet $(dotnet --version)" || warn "dotnet is not on PATH"
    [ -n "$fmnist_missing" ] && echo "W2/W3 would be skipped: $fmnist_missing" || echo "Fashion-MNIST: found"
    "${py_env[@]}" "$PY" bench/reference/test_reference.py
    exit $?
fi

# --- build SharpGrad's bench once ---------------------------------------------------------------------------------------
echo "Building bench/SharpGrad.Bench (Release) ..."
if ! dotnet build bench/SharpGrad.Bench -c Release -v quiet -nologo >/tmp/compare-build.log 2>&1; then
    tail -n 30 /tmp/compare-build.log >&2
    echo "compare.sh: the build failed (log: /tmp/compare-build.log)" >&2
    exit 1
fi
dll=$(dotnet msbuild bench/SharpGrad.Bench -getProperty:TargetPath -p:Configuration=Release 2>/dev/null | tail -n 1)
[ -f "$dll" ] || { echo "compare.sh: built, but cannot find the bench assembly ($dll)" >&2; exit 1; }

raw=$(mktemp -d /tmp/compare-raw.XXXXXX)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

hz=$(getconf CLK_TCK)
busy_ticks() { local _c u n s i w x y z _r; read -r _c u n s i w x y z _r </proc/stat; echo $((u + n + s + x + y + z)); }
own_ticks() { awk '{ print $16 + $17 }' /proc/$$/stat; } # CPU of this shell's finished children

# Runs one workload on one system; beside its JSON lines, <base>.load records the run's wall and CPU time and how many cores
# other processes kept busy meanwhile (machine busy time minus the run's own), so contaminated runs can be seen.
run_one() { # workload system round
    local w=$1 sys=$2 r=$3 base="$raw/$1-$2-$3" rc
    local t0 b0 o0 t1 b1 o1
    t0=$(date +%s%N) b0=$(busy_ticks) o0=$(own_ticks)
    if [ "$sys" = sharpgrad ]; then
        dotnet "$dll" "$w" --threads "$threads" "${data_args[@]}" >"$base.jsonl" 2>"$base.err"
    else
        "${py_env[@]}" "$PY" bench/reference/run.py "$w" --threads "$threads" "${data_args[@]}" >"$base.jsonl" 2>"$base.err"
    fi
    rc=$?
    t1=$(date +%s%N) b1=$(busy_ticks) o1=$(own_ticks)
    awk -v wall=$(((t1 - t0) / 1000000)) -v busy=$((b1 - b0)) -v own=$((o1 - o0)) -v hz="$hz" 'BEGIN {
        w = wall / 1000; other = (busy - own) / hz / w; if (other < 0) other = 0
        printf "{\"wall_seconds\":%.1f,\"cpu_seconds\":%.1f,\"other_load_cores\":%.2f}\n", w, own / hz, other }' >"$base.load"
    if [ $rc -ne 0 ]; then
        { echo "exit status $rc"; tail -n 20 "$base.err"; } >"$base.failed"
        echo "  $w $sys round $r: FAILED (exit $rc): $(tail -n 1 "$base.err")" >&2
    else
        echo "  $w $sys round $r: $(cat "$base.load")"
        sed 's/^/    /' "$base.jsonl"
    fi
}

for w in "${workloads[@]}"; do
    if [ "$w" = W2 ] || [ "$w" = W3 ]; then
        if [ -n "$fmnist_missing" ]; then
            echo "$fmnist_missing" >"$raw/$w.skipped"
            echo "$w: SKIPPED — $fmnist_missing" >&2
            continue
        fi
    fi
    echo "$w:"
    for ((r = 1; r <= rounds; r++)); do
        run_one "$w" sharpgrad "$r"
        run_one "$w" reference "$r"
    done
done

echo
echo "SharpGrad / reference: the ratio of the two systems' medians over the rounds. Seconds: lower is better; tokens/s and"
echo "GFLOP/s: higher is better. 'SharpGrad speed' > 1 means SharpGrad is that many times faster, < 1 slower."
echo
"$PY" bench/reference/compare_summary.py "$raw" "$out" \
    --meta "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)" --meta "commit=$(git rev-parse --short HEAD 2>/dev/null)" \
    --meta "threads=$threads" --meta "rounds=$rounds" --meta "workloads=${workloads[*]}" \
    --meta "cores=$(nproc)" --meta "load_start=$load_start" --meta "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" \
    --meta "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')" \
    --meta "pytorch=$("$PY" -c 'import torch; print(torch.__version__)')" --meta "reference_ld_library_path=${py_env[*]:1}"
status=$?
echo
echo "Written: $out (raw output of each run: $raw)"
exit $status
