/// libFuzzer's dictionary format (`-dict=`): one token a line, `"text"` or `name="text"`, with
/// `\\`, `\"` and `\xNN` escapes; blank lines and lines starting with `#` are skipped. Both
/// libFuzzer and `SeededMutator` read the same files.
package enum FuzzDictionary {
    /// A line that is not a token.
    package struct Malformed: Error, CustomStringConvertible {
        package let description: String
    }

    /// The tokens of `text`.
    package static func parse(_ text: String) throws(Malformed) -> [[UInt8]] {
        var tokens: [[UInt8]] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let open = trimmed.firstIndex(of: "\""), trimmed.last == "\"", trimmed.index(before: trimmed.endIndex) > open else {
                throw Malformed(description: "dictionary line \(number + 1) is not \"token\" or name=\"token\": \(line)")
            }
            let body = Array(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)].utf8)
            var token: [UInt8] = []
            var index = 0
            while index < body.count {
                let byte = body[index]
                guard byte == UInt8(ascii: "\\") else { token.append(byte); index += 1; continue }
                guard index + 1 < body.count else { throw Malformed(description: "dictionary line \(number + 1) ends in a lone backslash") }
                let next = body[index + 1]
                if next == UInt8(ascii: "x"), index + 3 < body.count,
                   let value = UInt8(String(decoding: body[(index + 2)...(index + 3)], as: UTF8.self), radix: 16) {
                    token.append(value)
                    index += 4
                } else if next == UInt8(ascii: "\\") || next == UInt8(ascii: "\"") {
                    token.append(next)
                    index += 2
                } else {
                    throw Malformed(description: "dictionary line \(number + 1) has an unknown escape: \(line)")
                }
            }
            tokens.append(token)
        }
        return tokens
    }
}
