/// A broken promise found by a fuzz target: the parser did not trap, but what it returned (or the
/// error it threw) contradicts what its documentation says. The description says which promise
/// and shows the values, so a finding can be understood from the message alone.
package struct FuzzFinding: Error, CustomStringConvertible, Sendable {
    package let description: String

    package init(_ description: String) { self.description = description }
}

/// Throws a `FuzzFinding` with `message` unless `condition` holds.
func require(_ condition: Bool, _ message: @autoclosure () -> String) throws(FuzzFinding) {
    if !condition { throw FuzzFinding(message()) }
}

/// `bytes` for a message: printable ASCII as it is, anything else as `\xNN`, at most `limit`
/// bytes shown (then the total).
package func renderBytes(_ bytes: some Collection<UInt8>, limit: Int = 240) -> String {
    var text = ""
    for byte in bytes.prefix(limit) {
        if byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\\") {
            text.unicodeScalars.append(Unicode.Scalar(byte))
        } else {
            text += "\\x" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)
        }
    }
    return bytes.count > limit ? text + "… (\(bytes.count) bytes)" : text
}
