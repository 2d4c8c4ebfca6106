/// A problem with a `gatehouse decide` input file, naming the file and the JSON path of the value
/// at fault (for example `intents[2].symbol`), so an operator can fix it without guessing.
public struct WhatIfError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The input file, as given.
    public let file: String
    /// Dotted JSON path with zero-based list indexes in brackets, e.g. `positions[0].average_price`;
    /// empty for problems with the file as a whole.
    public let path: String
    /// What is wrong.
    public let message: String

    /// Creates an error about `path` in `file`.
    public init(file: String, path: String = "", message: String) {
        self.file = file
        self.path = path
        self.message = message
    }

    /// `file: path: message`, or `file: message` without a path.
    public var description: String {
        path.isEmpty ? "\(file): \(message)" : "\(file): \(path): \(message)"
    }
}
