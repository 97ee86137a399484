#!/usr/bin/env bash
# One-shot validation of gpuparam on a GPU machine (docs/gpu-validation.md).
#
#   bash benchmarks/gpu_validate.sh             # on the GPU machine, .whl/ beside the tree
#   bash benchmarks/gpu_validate.sh --dry-run   # every step's logic on the CPU (CI runs it)
#
# Runs on the device image as it is: no network, no `pip install`. Wheels it needs
# (fastrlock, both cuDNN-frontend generations) are unpacked from .whl/ with
# `python3 -m zipfile` into temporary directories put on PYTHONPATH beside this checkout.
# Each step runs under its own timeout, most important first; all output goes to at most
# eight files in $OUT (a temporary directory when $OUT is unset), and a summary of every
# step's RESULT lines is printed last. Step timeouts add up to 530 s (under 9 minutes).
# Exit status: 0 when no step failed unexpectedly (EXPECTED-FAIL lines do not count).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

DRY=""
case "${1:-}" in
    --dry-run) DRY="--dry-run" ;;
    "") ;;
    *) echo "usage: bash benchmarks/gpu_validate.sh [--dry-run]" >&2; exit 2 ;;
esac

PY=${PYTHON:-python3}
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
SUMMARY="$OUT/summary.txt"
: >"$SUMMARY"
export PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1

# --------------------------------------------------------------------------- wheels
# base: fastrlock; fe: the 1.28+ frontend (Python API); fe_old: the <= 1.23 one (C++ pygraph).
mkdir -p "$SCRATCH/base" "$SCRATCH/fe" "$SCRATCH/fe_old"
unpack() {  # unpack DEST PATTERN...: every wheel in .whl/ matching a pattern
    local dest=$1 pattern whl
    shift
    for pattern in "$@"; do
        for whl in "$ROOT"/.whl/$pattern; do
            [ -f "$whl" ] || continue
            "$PY" -m zipfile -e "$whl" "$dest" && echo "unpacked $(basename "$whl") -> $(basename "$dest")"
        done
    done
}
{
    unpack "$SCRATCH/base" 'fastrlock-*.whl'
    unpack "$SCRATCH/fe" 'nvidia_cudnn_frontend-1.3*.whl' 'nvidia_cudnn_frontend-1.2[89]*.whl'
    unpack "$SCRATCH/fe_old" 'nvidia_cudnn_frontend-1.2[0-3]*.whl' 'nvidia_cudnn_frontend-1.1*.whl'
} >"$OUT/env.txt" 2>&1
path_with() { echo "$SCRATCH/base:$1:$ROOT"; }
export PYTHONPATH
PYTHONPATH=$(path_with "$SCRATCH/fe")

# --------------------------------------------------------------------------- steps
FAILED=0
run_step() {  # run_step NAME SECONDS FILE COMMAND...
    local name=$1 limit=$2 file=$3 log="$SCRATCH/step.log" rc started
    shift 3
    started=$SECONDS
    echo "=== $name (limit ${limit}s) $(date -u +%FT%TZ)" >>"$OUT/$file"
    timeout --kill-after=5 "$limit" "$@" >"$log" 2>&1
    rc=$?
    cat "$log" >>"$OUT/$file"
    grep '^RESULT ' "$log" | sed "s/^RESULT /[$name] /" >>"$SUMMARY"
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        echo "[$name] FAIL timed out after ${limit}s" >>"$SUMMARY"
    elif [ "$rc" -ne 0 ] && ! grep -q '^RESULT .* FAIL ' "$log"; then
        echo "[$name] FAIL exit status $rc: $(tail -n 1 "$log")" >>"$SUMMARY"
    fi
    echo "[$name] took $((SECONDS - started))s" >>"$SUMMARY"
    [ "$rc" -eq 0 ] || FAILED=1
}
STEP=("$PY" "$ROOT/benchmarks/gpu_validate.py" ${DRY:+--dry-run})

# 0. The machine (a few seconds).
if [ -z "$DRY" ] && command -v nvidia-smi >/dev/null; then
    nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,memory.total \
        --format=csv >>"$OUT/env.txt" 2>&1
fi

# 1. Versions and imports, every warning an error (a warning must not read as "no GPU").
run_step env 40 env.txt "$PY" -W error "${STEP[@]:1}" env
# 2. GPU == NumPy for the same seed: every distribution and float dtype, past 2^26 and
#    2^31 elements, strided/unaligned slices, the float32 subnormal range.
run_step golden 90 golden.txt "${STEP[@]}" golden
# 3. One convolution per case and dtype on cuDNN, under both frontend generations.
run_step cudnn-new 35 cudnn.txt "${STEP[@]}" cudnn
PYTHONPATH=$(path_with "$SCRATCH/fe_old") run_step cudnn-old 25 cudnn.txt "${STEP[@]}" cudnn
# 4. The gpu tests, where a skip for want of a GPU or cuDNN is a failure.
GPU_TESTS=(tests)
TIMEOUT_FLAG=()
"$PY" -c "import pytest_timeout" 2>/dev/null && TIMEOUT_FLAG=(--timeout=90)
[ -n "$DRY" ] && GPU_TESTS=(tests/test_backend.py tests/test_stream_order.py)
REQUIRE=1
[ -n "$DRY" ] && REQUIRE=0  # no GPU here: the skips are expected, their count is checked
GPUPARAM_REQUIRE_GPU=$REQUIRE run_step pytest-gpu 150 pytest_gpu.txt "$PY" -m pytest -m gpu \
    -v -rfEs -p no:cacheprovider "${TIMEOUT_FLAG[@]}" --durations=15 \
    --junitxml="$OUT/pytest_gpu.xml" "${GPU_TESTS[@]}"
run_step pytest-gpu-count 10 pytest_gpu.txt "${STEP[@]}" junit "$OUT/pytest_gpu.xml"
# 5. Throughput of every initializer against measured fill/copy bandwidth and torch.
run_step bench 60 bench.txt "${STEP[@]}" bench
# 6. Convolution against torch, TF32 off and on.
run_step conv 40 bench.txt "${STEP[@]}" conv
# 7. The stream hazards (gpu-review #3, #12), held open by a spin kernel.
run_step hazard 15 golden.txt "${STEP[@]}" hazard
# 8. The CPU suite on the image's NumPy (the dry run: one file; CI runs the whole suite).
CPU_TESTS=(tests)
[ -n "$DRY" ] && CPU_TESTS=(tests/test_dtype.py)
XDIST=()
[ -z "$DRY" ] && "$PY" -c "import xdist" 2>/dev/null && XDIST=(-n 8)
GPUPARAM_BACKEND=numpy run_step pytest-cpu 65 pytest_cpu.txt "$PY" -m pytest -m "not gpu" -q \
    -p no:cacheprovider "${XDIST[@]}" "${CPU_TESTS[@]}"
tail -n 3 "$OUT/pytest_cpu.txt" | sed 's/^/[pytest-cpu] /' >>"$SUMMARY"

echo "=== summary (${DRY:-device run}; files in $OUT)"
cat "$SUMMARY"
if grep -q '\] FAIL ' "$SUMMARY" || [ "$FAILED" -ne 0 ]; then
    echo "gpu_validate: FAILED"
    exit 1
fi
echo "gpu_validate: OK"
