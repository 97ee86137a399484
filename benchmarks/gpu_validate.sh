#!/usr/bin/env bash
# One-shot validation of gpuparam on a GPU machine (docs/gpu-validation.md).
#
#   bash benchmarks/gpu_validate.sh                    # on the GPU machine, .whl/ beside the tree
#   bash benchmarks/gpu_validate.sh --only golden,sass # rerun some steps (same lease)
#   bash benchmarks/gpu_validate.sh --dry-run          # every step's logic on the CPU (CI runs it)
#
# Runs on the device image as it is: no network, no `pip install`. Wheels it needs
# (fastrlock, both cuDNN-frontend generations) are unpacked from .whl/ with
# `python3 -m zipfile` into temporary directories put on PYTHONPATH beside this checkout.
# Each step runs under its own timeout, most important first, and its output goes to its
# file in $OUT line by line as it is printed (a step killed at its limit keeps every row
# and RESULT line it got to); RESULT lines also go to summary.txt and to stdout at once.
# At most eight files in $OUT (a temporary directory when $OUT is unset). Step limits add
# up to 525 s. Exit status: 0 when no step failed (EXPECTED-FAIL lines do not count).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

STEPS="env golden hazard cudnn-new cudnn-old bench conv sass pytest-gpu pytest-cpu"
usage() {
    echo "usage: bash benchmarks/gpu_validate.sh [--dry-run] [--only STEP,...]" >&2
    echo "steps: $STEPS (cudnn = both cudnn steps)" >&2
    exit 2
}
DRY=""
ONLY=""
while [ $# -gt 0 ]; do
    case "$1" in
        --dry-run) DRY="--dry-run" ;;
        --only) [ $# -ge 2 ] || usage; ONLY=$2; shift ;;
        --only=*) ONLY=${1#--only=} ;;
        *) usage ;;
    esac
    shift
done
if [ -n "$ONLY" ]; then  # check every name; `cudnn` means both cudnn steps
    CHOSEN=""
    for name in ${ONLY//,/ }; do
        [ "$name" = cudnn ] && name="cudnn-new,cudnn-old"
        for one in ${name//,/ }; do
            case " $STEPS " in *" $one "*) ;; *) echo "unknown step: $one" >&2; usage ;; esac
        done
        CHOSEN="$CHOSEN,$name"
    done
    ONLY=${CHOSEN#,}
    [ -n "$ONLY" ] || usage
fi
wanted() { [ -z "$ONLY" ] || case ",$ONLY," in *",$1,"*) true ;; *) false ;; esac; }

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
    echo "=== gpu_validate ${DRY:-device run}${ONLY:+ --only $ONLY} $(date -u +%FT%TZ)"
    unpack "$SCRATCH/base" 'fastrlock-*.whl'
    unpack "$SCRATCH/fe" 'nvidia_cudnn_frontend-1.3*.whl' 'nvidia_cudnn_frontend-1.2[89]*.whl'
    unpack "$SCRATCH/fe_old" 'nvidia_cudnn_frontend-1.2[0-3]*.whl' 'nvidia_cudnn_frontend-1.1*.whl'
    # The frontends dlopen libcudart by soname (gpuparam preloads it too): put the
    # nvidia-cuda-runtime wheel's folder on the loader's path where it exists.
    PURELIB=$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    for lib in "$PURELIB"/nvidia/cu13/lib "$PURELIB"/nvidia/cu12/lib "$PURELIB"/nvidia/cuda_runtime/lib; do
        if compgen -G "$lib/libcudart.so.*" >/dev/null; then
            export LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
            echo "LD_LIBRARY_PATH += $lib"
        fi
    done
} >>"$OUT/env.txt" 2>&1
path_with() { echo "$SCRATCH/base:$1:$ROOT"; }
export PYTHONPATH
PYTHONPATH=$(path_with "$SCRATCH/fe")

# --------------------------------------------------------------------------- steps
FAILED=0
run_step() {  # run_step NAME SECONDS FILE COMMAND...: output to FILE as it comes
    local name=$1 limit=$2 file=$3 rc started line last=""
    shift 3
    started=$SECONDS
    echo "=== $name (limit ${limit}s) $(date -u +%FT%TZ)" >>"$OUT/$file"
    # timeout kills the step's whole process group (pytest workers, child processes).
    timeout --kill-after=5 "$limit" "$@" </dev/null 2>&1 | while IFS= read -r line; do
        printf '%s\n' "$line" >>"$OUT/$file"
        case "$line" in
            "RESULT "*) printf '[%s] %s\n' "$name" "${line#RESULT }" | tee -a "$SUMMARY" ;;
        esac
    done
    rc=${PIPESTATUS[0]}
    last=$(tail -n 1 "$OUT/$file")
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        echo "[$name] FAIL timed out after ${limit}s" | tee -a "$SUMMARY"
    elif [ "$rc" -ne 0 ] && ! grep -q "^\[$name\] .* FAIL " "$SUMMARY"; then
        echo "[$name] FAIL exit status $rc: $last" | tee -a "$SUMMARY"
    fi
    echo "[$name] took $((SECONDS - started))s" | tee -a "$SUMMARY"
    [ "$rc" -eq 0 ] || FAILED=1
}
STEP=("$PY" "$ROOT/benchmarks/gpu_validate.py" ${DRY:+--dry-run})
XDIST_OK=$("$PY" -c "import xdist, pytest_timeout; print(1)" 2>/dev/null)

# 0 + 1. The machine, the loader's view, then versions, imports (every warning an error:
#    a warning must not read as "no GPU"), the bfloat16 probe and the kernels' registers.
diagnostics() {
    uname -r
    if command -v nvidia-smi >/dev/null; then
        timeout 5 nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,memory.total \
            --format=csv
    else
        echo "nvidia-smi: not found"
    fi
    for tool in mpiexec nvcc cuobjdump compute-sanitizer nvdisasm; do
        echo "which $tool: $(command -v "$tool" || echo 'not found')"
    done
    command -v nvcc >/dev/null && timeout 5 nvcc --version | tail -n 2
    echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"
    echo "ldconfig -p (cudart, cudnn, nccl, nvrtc, mpi):"
    ldconfig -p 2>/dev/null | grep -E 'libcudart|libcudnn\.|libnccl|libnvrtc\.|libmpi' | head -n 20
    echo "RESULT diag INFO $(command -v mpiexec >/dev/null && echo 'mpiexec found' || echo 'no mpiexec: MPI tests skip')"
}
if wanted env; then
    run_step diag 10 env.txt bash -c "$(declare -f diagnostics); diagnostics"
    run_step env 30 env.txt "$PY" -W error "${STEP[@]:1}" env
fi
# 2. GPU == NumPy for the same seed: every distribution and float dtype, past 2^27 (the
#    grid-stride loop) and 2^31 (64-bit indexing) elements, strided/unaligned slices,
#    the float32 subnormal range.
wanted golden && run_step golden 75 golden.txt "${STEP[@]}" golden
# 3. The stream hazards, the read held open by a spin kernel (and W1: a kernel that
#    spins and then reads).
wanted hazard && run_step hazard 20 golden.txt "${STEP[@]}" hazard
# 4. One convolution per case and dtype on cuDNN, under both frontend generations.
wanted cudnn-new && run_step cudnn-new 35 cudnn.txt "${STEP[@]}" cudnn
wanted cudnn-old && PYTHONPATH=$(path_with "$SCRATCH/fe_old") \
    run_step cudnn-old 25 cudnn.txt "${STEP[@]}" cudnn
# 5. Throughput of every initializer against measured fill/copy bandwidth and torch.
wanted bench && run_step bench 60 bench.txt "${STEP[@]}" bench
# 6. Convolution against torch, TF32 off and on.
wanted conv && run_step conv 45 bench.txt "${STEP[@]}" conv
# 7. The machine code CuPy cached (cuobjdump) and memcheck on a golden subset.
wanted sass && run_step sass 30 env.txt "${STEP[@]}" sass
# 8. The gpu tests, where a skip for want of a GPU or cuDNN is a failure (MPI skips stay
#    skips: the image has no MPI runtime). Four workers, a limit per test.
if wanted pytest-gpu; then
    GPU_TESTS=(tests)
    [ -n "$DRY" ] && GPU_TESTS=(tests/test_backend.py tests/test_stream_order.py)
    REQUIRE=1
    [ -n "$DRY" ] && REQUIRE=0  # no GPU here: the skips are expected, their count is checked
    PARALLEL=()
    [ -n "$XDIST_OK" ] && PARALLEL=(-n 4 --dist loadfile --timeout=60)
    GPUPARAM_REQUIRE_GPU=$REQUIRE run_step pytest-gpu 145 pytest_gpu.txt "$PY" -m pytest -m gpu \
        -v -rfEs -p no:cacheprovider "${PARALLEL[@]}" --durations=15 \
        --junitxml="$OUT/pytest_gpu.xml" "${GPU_TESTS[@]}"
    run_step pytest-gpu-count 5 pytest_gpu.txt "${STEP[@]}" junit "$OUT/pytest_gpu.xml" \
        "$OUT/pytest_gpu.txt"
fi
# 9. The CPU suite on the image's NumPy (the dry run: one file; CI runs the whole suite).
if wanted pytest-cpu; then
    CPU_TESTS=(tests)
    [ -n "$DRY" ] && CPU_TESTS=(tests/test_dtype.py)
    PARALLEL=()
    [ -z "$DRY" ] && [ -n "$XDIST_OK" ] && PARALLEL=(-n 8)
    GPUPARAM_BACKEND=numpy run_step pytest-cpu 45 pytest_cpu.txt "$PY" -m pytest -m "not gpu" -q \
        -p no:cacheprovider "${PARALLEL[@]}" "${CPU_TESTS[@]}"
    tail -n 3 "$OUT/pytest_cpu.txt" | sed 's/^/[pytest-cpu] /' >>"$SUMMARY"
fi
# Every dry run (--only too): a step killed at its limit must keep what it printed,
# checked on a step that prints a row and a RESULT line and then hangs (5 s).
if [ -n "$DRY" ]; then
    KEPT=$SUMMARY
    SUMMARY=$SCRATCH/stall_summary.txt
    : >"$SUMMARY"
    BEFORE=$FAILED
    run_step stall 5 env.txt "$PY" -c "import sys; sys.path.insert(0, '$ROOT/benchmarks')
from gpu_validate_tools import stall; stall()" >/dev/null
    SUMMARY=$KEPT
    FAILED=$BEFORE
    if grep -q '^\[stall\] stall INFO printed before the hang' "$SCRATCH/stall_summary.txt" &&
        grep -q '^\[stall\] FAIL timed out after 5s' "$SCRATCH/stall_summary.txt" &&
        grep -q '^| row printed before the hang |' "$OUT/env.txt"; then
        echo "[stall] PASS a step killed at its limit kept its table row and RESULT line" >>"$SUMMARY"
    else
        echo "[stall] FAIL a step killed at its limit lost its output:" >>"$SUMMARY"
        sed 's/^/    /' "$SCRATCH/stall_summary.txt" >>"$SUMMARY"
        FAILED=1
    fi
fi

echo "=== summary (${DRY:-device run}${ONLY:+ --only $ONLY}; files in $OUT)"
cat "$SUMMARY"
if grep -q '\] FAIL ' "$SUMMARY" || [ "$FAILED" -ne 0 ]; then
    echo "gpu_validate: FAILED"
    exit 1
fi
echo "gpu_validate: OK"
