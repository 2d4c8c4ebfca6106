#!/usr/bin/env bash
# Runs the fuzz targets (Sources/FuzzTargets) under libFuzzer with AddressSanitizer, on demand.
# docs/fuzzing-and-sanitizers.md says what each target checks and what was found.
#
#   tools/fuzz.sh <target> [<seconds> | <count>runs] [-- <libFuzzer flags>...]
#   tools/fuzz.sh all [<seconds> | <count>runs]      every target in turn, each for that long
#   tools/fuzz.sh repro <target> <file>...           run the inputs once each (a crash file, say)
#   tools/fuzz.sh build                              only build
#
# Targets: feed-frame, control-request, gateway-message, config, what-if. Default: 60 seconds.
# Builds into .build/fuzz (the first build takes several minutes: every module, instrumented).
# Each target's run folder is .build/fuzz-runs/<target>/: corpus/ (what libFuzzer adds to the
# committed seeds in Tests/Fuzz/corpus/<target>, which it only reads) and artifacts/ (crash-*,
# timeout-*, leak-* files). A crash file that shows a real bug goes, once fixed, into
# Tests/Fuzz/regressions/<target>/, which every `swift test` replays.
set -euo pipefail
cd "$(dirname "$0")/.."

scratch=.build/fuzz
runs=.build/fuzz-runs
targets=(feed-frame control-request gateway-message config what-if)

usage() {
    sed -n '4,8p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

build() {
    # GATEHOUSE_LIBFUZZER=1 declares the gatehouse-fuzz product (Package.swift): its main is
    # libFuzzer's, so an ordinary build never sees it. SwiftPM hands each --sanitize to the Swift
    # compiler as a separate -sanitize= option and the last one wins: with only the two --sanitize
    # options, Swift code gets AddressSanitizer but none of libFuzzer's coverage instrumentation
    # (libFuzzer then runs blind, saying "no interesting inputs were found"). The -Xswiftc option
    # comes last and asks for both.
    GATEHOUSE_LIBFUZZER=1 nice -n 10 swift build --scratch-path "$scratch" --product gatehouse-fuzz \
        --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address >&2
}

is_target() {
    local name
    for name in "${targets[@]}"; do [[ $name == "$1" ]] && return 0; done
    return 1
}

# run <target> <budget> [libFuzzer flags...]
run() {
    local target=$1 budget=$2
    shift 2
    local limit
    case $budget in
        *runs) limit="-runs=${budget%runs}" ;;
        *s) limit="-max_total_time=${budget%s}" ;;
        *) limit="-max_total_time=$budget" ;;
    esac
    mkdir -p "$runs/$target/corpus" "$runs/$target/artifacts"
    local corpora=("$runs/$target/corpus" "Tests/Fuzz/corpus/$target")
    [[ -d Tests/Fuzz/regressions/$target ]] && corpora+=("Tests/Fuzz/regressions/$target")
    echo "tools/fuzz.sh: $target for $budget" >&2
    # The Swift runtime's backtracer would also catch the crash libFuzzer reports (and take its
    # time); libFuzzer's report is the one wanted. Inputs up to 8 KiB, as the seeded driver's.
    GATEHOUSE_FUZZ_TARGET=$target SWIFT_BACKTRACE=enable=no \
        nice -n 10 "$scratch/debug/gatehouse-fuzz" "$limit" -max_len=8192 -timeout=10 -print_final_stats=1 \
        -dict="Tests/Fuzz/dict/$target.dict" -artifact_prefix="$runs/$target/artifacts/" "$@" "${corpora[@]}"
}

command=${1:-}
[[ -n $command ]] || usage
shift
case $command in
    build)
        build
        ;;
    repro)
        target=${1:-}
        is_target "$target" || usage
        shift
        [[ $# -gt 0 ]] || usage
        build
        GATEHOUSE_FUZZ_TARGET=$target SWIFT_BACKTRACE=enable=no "$scratch/debug/gatehouse-fuzz" "$@"
        ;;
    all)
        budget=${1:-60}
        build
        for target in "${targets[@]}"; do run "$target" "$budget"; done
        ;;
    *)
        is_target "$command" || usage
        budget=60
        if [[ $# -gt 0 && $1 != "--" ]]; then budget=$1; shift; fi
        [[ ${1:-} == "--" ]] && shift
        build
        run "$command" "$budget" "$@"
        ;;
esac
