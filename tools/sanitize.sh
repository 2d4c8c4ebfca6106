#!/usr/bin/env bash
# Runs the whole test suite under AddressSanitizer or ThreadSanitizer (docs/fuzzing-and-sanitizers.md).
#
#   tools/sanitize.sh address [swift test options...]
#   tools/sanitize.sh thread  [swift test options...]      e.g. --filter HostTests
#
# Each sanitizer has its own build folder (.build/asan, .build/tsan: a full build of everything,
# instrumented, the first time), so the ordinary .build/debug is left alone. The tests find the
# binaries and plugins beside the test binary, so they drive the sanitized `gatehouse`,
# `gatehouse-replay` and `gatehouse-gateway` too. Temporary folders go to .build/<sanitizer>-tmp,
# emptied before and after: a run the sanitizer aborts (it stops the process at the first report)
# leaves nothing in the system's temporary folder. Suppressions: tools/sanitizers/.
set -euo pipefail
cd "$(dirname "$0")/.."

sanitizer=${1:-}
shift || true
extra=()
case $sanitizer in
    address) short=asan ;;
    thread)
        short=tsan
        # The ThreadSanitizer runtime is linked statically into each executable, with only the
        # parts the executable itself calls, and exports only the entry points its symbol list
        # names. A sanitized Swift plugin also calls these three, so dlopen refused it
        # ("undefined symbol: __tsan_external_write"): link them in and export them. (Linking a
        # shared object with them changes nothing: there they stay undefined, as before.)
        for symbol in __tsan_external_write __tsan_ignore_thread_begin __tsan_ignore_thread_end; do
            extra+=(-Xlinker "--undefined=$symbol" -Xlinker "--export-dynamic-symbol=$symbol")
        done
        ;;
    *) sed -n '4,5p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac

root=$(pwd)
scratch=.build/$short
tmp=$root/.build/$short-tmp
rm -rf "$tmp"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT

# The Swift runtime's backtracer would also catch what the sanitizer reports, and take its time.
export SWIFT_BACKTRACE=enable=no
export TMPDIR=$tmp
# Reports go to standard error, which the tests that run a binary show when its exit is wrong.
# handle_segv=0: a plugin's crash must end the host by its signal, as without a sanitizer
# (CrashReportTests); the sanitizer's own handler would exit with status 1 (address) or 66
# (thread) instead. Bad memory accesses are still caught by the instrumentation.
export ASAN_OPTIONS="detect_leaks=1:handle_segv=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$root/tools/sanitizers/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export TSAN_OPTIONS="suppressions=$root/tools/sanitizers/tsan.supp:handle_segv=0:second_deadlock_stack=1${TSAN_OPTIONS:+:$TSAN_OPTIONS}"

start=$(date +%s)
status=0
nice -n 10 swift test --sanitize="$sanitizer" --scratch-path "$scratch" ${extra[@]+"${extra[@]}"} "$@" || status=$?
echo "tools/sanitize.sh: $sanitizer: exit $status after $(( $(date +%s) - start )) s" >&2
exit $status
