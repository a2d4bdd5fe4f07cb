#!/usr/bin/env bash
# Run the C paths of the test suite under AddressSanitizer, then a pipe over 100k words
# with leak detection. The extensions are built with -fsanitize=address in a scratch copy
# of the working tree beside this repository (so ../shared/data is found there too);
# the installed fastnlp is not touched. Exits non-zero on any ASan error or on a leak
# whose stack passes through fastnlp's own code.
#
#   bash scripts/asan.sh [pytest args...]     (default: the C-heavy test directories)
#   ASAN_KEEP=1 keeps the scratch copy; ASAN_WORDS=N sets the pipe's word count.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$PWD"
# The interpreter itself, not a launcher script (pyenv's shims are bash, which the
# preloaded runtime would check too).
PY="$(python -c 'import sys; print(sys.executable)')"
WORK="$(dirname "$REPO")/.fastnlp-asan-$$"
LOGS="$REPO/build/asan"
mkdir -p "$LOGS"
rm -f "$LOGS"/*.log.*
cleanup() { [ "${ASAN_KEEP:-0}" = 1 ] || rm -rf "$WORK"; }
trap cleanup EXIT

echo "asan: copying the working tree to $WORK"
mkdir -p "$WORK"
git ls-files -co --exclude-standard -z | tar --null -cf - -T - | tar -xf - -C "$WORK"
cd "$WORK"
echo "asan: building the extensions with -fsanitize=address"
CFLAGS="-fsanitize=address -fno-omit-frame-pointer -g" LDFLAGS="-fsanitize=address" \
    "$PY" setup.py build_ext --inplace > "$LOGS/build.txt" 2>&1 \
    || { tail -20 "$LOGS/build.txt"; exit 1; }

# Python itself is not instrumented: the runtime is preloaded, and pymalloc is off so
# that ASan sees the objects our code allocates through Python too.
LIBASAN="$(gcc -print-file-name=libasan.so)"
export LD_PRELOAD="$LIBASAN" PYTHONMALLOC=malloc
# The interpreter keeps much of its memory until exit: leaks are only checked below.
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=0:halt_on_error=1:log_path=$LOGS/tests.log"

if [ $# -eq 0 ]; then
    set -- tests/tokens tests/pipeline tests/ml tests/test_tokenizer.py \
        tests/test_tokenizer_reference.py tests/test_tokenizer_affixes.py tests/test_vocab.py \
        tests/test_strings.py tests/test_lex_attrs_kernels.py tests/test_memory_zone.py \
        tests/matcher tests/training \
        --ignore=tests/training/test_ray_train.py
    [ -d tests/fuzz ] && set -- "$@" tests/fuzz
fi
echo "asan: pytest $*"
status=0
"$PY" -m pytest -q -p no:cacheprovider "$@" || status=$?
if ls "$LOGS"/tests.log.* > /dev/null 2>&1; then
    echo "asan: errors reported during the tests:"
    grep -h -A12 "ERROR: AddressSanitizer" "$LOGS"/tests.log.* | head -60
    status=1
fi

echo "asan: nlp.pipe over ${ASAN_WORDS:-100000} words with leak detection"
# LSan's own exit code is off: the interpreter's leaks at exit are expected, and the
# report is judged below by whether a leak's stack passes through fastnlp. PYTHONPATH:
# a script's sys.path[0] is its own folder (scripts/), so without it `import fastnlp`
# would go through the editable install to an uninstrumented tree. (pytest above runs
# with -m, whose sys.path[0] is the current directory, $WORK.)
ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:log_path=$LOGS/pipe.log" LSAN_OPTIONS=exitcode=0 \
    PYTHONPATH="$WORK" "$PY" scripts/asan_pipe.py "${ASAN_WORDS:-100000}" || status=$?
LD_PRELOAD= "$PY" - "$LOGS" <<'PY' || status=1
import glob, re, sys
reports = [r for f in glob.glob(f"{sys.argv[1]}/pipe.log.*")
           for r in re.split(r"\n(?=(?:Direct|Indirect) leak of)", open(f).read())]
ours = [r for r in reports if r.startswith(("Direct", "Indirect")) and "/fastnlp/" in r]
errors = [r for r in reports if "ERROR: AddressSanitizer" in r and "leak" not in r[:200]]
leaks = [r for r in reports if r.startswith(("Direct", "Indirect"))]
size = sum(int(re.match(r"\w+ leak of (\d+)", r).group(1)) for r in leaks)
print(f"asan: {len(leaks)} leak reports at exit ({size} bytes), {len(ours)} through "
      f"fastnlp's code, {len(errors)} memory errors")
for report in (errors + ours)[:5]:
    print(report[:1500])
sys.exit(1 if ours or errors else 0)
PY
echo "asan: done (status $status, logs in $LOGS)"
exit $status
