import FuzzTargets

#if canImport(Glibc)
import Glibc
#endif

// The libFuzzer entry points (https://llvm.org/docs/LibFuzzer.html): this executable has no main
// of its own; libFuzzer's, linked in by `-sanitize=fuzzer`, parses the command line and calls
// these. Built and run by tools/fuzz.sh, which names the target in GATEHOUSE_FUZZ_TARGET.

/// The target every input goes to, chosen once before the first input.
nonisolated(unsafe) private var selectedTarget: FuzzTarget?

/// Reads GATEHOUSE_FUZZ_TARGET and prepares that target; exits with status 2 naming the targets
/// when it is missing or unknown.
@_cdecl("LLVMFuzzerInitialize")
func fuzzerInitialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
    guard let value = getenv("GATEHOUSE_FUZZ_TARGET"), let target = FuzzTarget(rawValue: String(cString: value)) else {
        writeToStandardError("gatehouse-fuzz: set GATEHOUSE_FUZZ_TARGET to one of: \(names)\n")
        exit(2)
    }
    target.prepare()
    selectedTarget = target
    return 0
}

/// Runs the target on one input. A broken invariant aborts, so libFuzzer keeps the input as a
/// crash (with the finding's words on stderr just before).
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    do {
        try selectedTarget?.run(bytes)
    } catch {
        writeToStandardError("gatehouse-fuzz: \(selectedTarget.map(\.rawValue) ?? "?"): \(error)\n")
        abort()
    }
    return 0
}

/// Writes `text` to file descriptor 2 (unbuffered, so it is out before `abort`).
private func writeToStandardError(_ text: String) {
    var text = text
    text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
}
