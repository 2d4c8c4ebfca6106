import Foundation
import ZeroMQ

/// A CURVE key pair in a file, as `gatehouse keygen` writes it:
///
///     # comment
///     public = <40 Z85 characters>
///     secret = <40 Z85 characters>
///
/// The secret must match the public key; the file should be readable by its owner only.
public struct CurveKeyFile: Sendable, Equatable {
    public var publicKey: String
    public var secretKey: String

    public init(publicKey: String, secretKey: String) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// Why a key file cannot be used, naming the file and what is wrong.
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads and checks `path`. Each refusal names the file and what is wrong with it, and never
    /// echoes the file's content (it may hold a secret key).
    public static func read(_ path: String) throws(Invalid) -> CurveKeyFile {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw Invalid(description: "\(path): no such CURVE key file")
        }
        if isFolder.boolValue { throw Invalid(description: "\(path): is a folder, not a CURVE key file") }
        if access(path, R_OK) != 0 {
            throw Invalid(description: "\(path): cannot read the CURVE key file (\(String(cString: strerror(errno))))")
        }
        // It holds a secret key: like ssh, refuse one that others could read or change.
        var info = stat()
        if stat(path, &info) == 0 && info.st_mode & 0o077 != 0 {
            throw Invalid(description: "\(path): the CURVE key file holds a secret key but its mode is \(String(info.st_mode & 0o777, radix: 8)): others could read or change it (chmod 600 \(path))")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Invalid(description: "\(path): cannot read the CURVE key file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Invalid(description: "\(path): not a CURVE key file: not UTF-8 text")
        }
        if text.allSatisfy(\.isWhitespace) {
            throw Invalid(description: "\(path): the CURVE key file is empty (gatehouse keygen writes one)")
        }
        var values: [String: String] = [:]
        // Any line end (a "\r\n" is one Character, so splitting on "\n" would keep such a file whole).
        for (number, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, ["public", "secret"].contains(parts[0]) else {
                throw Invalid(description: "\(path):\(number + 1): expected 'public = <key>' or 'secret = <key>'")
            }
            guard values[parts[0]] == nil else {
                throw Invalid(description: "\(path):\(number + 1): a second '\(parts[0])' line")
            }
            values[parts[0]] = parts[1]
        }
        guard let secret = values["secret"] else {
            throw Invalid(description: "\(path): no 'secret = <40 Z85 characters>' line")
        }
        guard CurveKeys.isZ85Key(secret) else {
            throw Invalid(description: "\(path): the secret key is not 40 characters of the Z85 alphabet (it has \(secret.count) characters)")
        }
        guard let derived = CurveKeys.publicKey(ofSecret: secret) else {
            throw Invalid(description: "\(path): the secret key is not a CURVE key")
        }
        if let stated = values["public"] {
            guard CurveKeys.isZ85Key(stated) else {
                throw Invalid(description: "\(path): the public key is not 40 characters of the Z85 alphabet (it has \(stated.count) characters)")
            }
            guard stated == derived else {
                throw Invalid(description: "\(path): the public key does not belong to the secret key")
            }
        }
        return CurveKeyFile(publicKey: derived, secretKey: secret)
    }

    /// The file's text.
    public var text: String {
        """
        # Gatehouse CURVE key pair (gatehouse keygen). Keep this file secret: readable by its owner only.
        public = \(publicKey)
        secret = \(secretKey)

        """
    }

    /// Writes a new key pair to `path` (mode 0600; refuses to overwrite an existing file).
    public static func generate(at path: String) throws -> CurveKeyFile {
        let keys = try CurveKeys.generate()
        let file = CurveKeyFile(publicKey: keys.publicKey, secretKey: keys.secretKey)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw Invalid(description: "\(path): cannot create the key file (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        let bytes = Array(file.text.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else { throw Invalid(description: "\(path): cannot write the key file") }
        return file
    }
}
