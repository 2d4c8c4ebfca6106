import Foundation
import Journal
import TestKit
import Testing
import ZeroMQ

/// A broken CURVE setup stops `gatehouse run` before anything is journaled: a server key file
/// that is missing, a folder, unreadable, empty, not UTF-8, garbage, without a secret, with a
/// key of the wrong length or alphabet, with a public key that is malformed or belongs to
/// another secret, or with a line twice, makes the host exit 1 with a message naming
/// `control.curve.server_key_file`, the file and the problem (never the secret itself); a bad
/// client public key in the config is a config error (exit 2) naming its key path. The journal
/// is not created, and a journal already there is left byte for byte as it was. `gatehouse ctl`
/// with a broken client key file exits 2 naming the file.
@Suite("CURVE key files at start")
struct CurveKeyFileStartTests {
    /// What the server key file holds. `{SECRET}`/`{PUBLIC}` stand for a fresh key pair,
    /// `{OTHER_PUBLIC}` for the public key of another pair.
    enum Content: Sendable {
        case absent
        case folder
        case text(String)
        case bytes([UInt8])
        /// A good key file the host may not read (mode 000).
        case unreadable
        /// A good key file with `mode` (others may read or change it).
        case good(mode: mode_t)
    }

    struct Broken: Sendable, CustomStringConvertible {
        var description: String
        var content: Content
        /// What the error must say besides the key and the file.
        var problem: String
    }

    static let broken: [Broken] = [
        Broken(description: "missing", content: .absent, problem: "no such CURVE key file"),
        Broken(description: "readable by others", content: .good(mode: 0o644), problem: "its mode is 644: others could read or change it (chmod 600"),
        Broken(description: "writable by the group", content: .good(mode: 0o620), problem: "its mode is 620: others could read or change it"),
        Broken(description: "a folder", content: .folder, problem: "is a folder, not a CURVE key file"),
        Broken(description: "empty", content: .text(""), problem: "the CURVE key file is empty"),
        Broken(description: "blank lines only", content: .text("\n   \n\t\n"), problem: "the CURVE key file is empty"),
        Broken(description: "not UTF-8", content: .bytes([0xFF, 0xFE, 0x00, 0x80, 0x0A]), problem: "not UTF-8 text"),
        Broken(description: "garbage", content: .text("this is not a key file\n"), problem: ":1: expected 'public = <key>' or 'secret = <key>'"),
        Broken(description: "garbage after a good pair", content: .text("public = {PUBLIC}\nsecret = {SECRET}\n-----BEGIN PRIVATE KEY-----\n"),
               problem: ":3: expected 'public = <key>' or 'secret = <key>'"),
        Broken(description: "comments only", content: .text("# gatehouse keys\n# nothing here\n"), problem: "no 'secret = <40 Z85 characters>' line"),
        Broken(description: "a public key only", content: .text("public = {PUBLIC}\n"), problem: "no 'secret = <40 Z85 characters>' line"),
        Broken(description: "a short secret", content: .text("secret = abc\n"), problem: "the secret key is not 40 characters of the Z85 alphabet (it has 3 characters)"),
        Broken(description: "a long secret", content: .text("secret = {SECRET}x\n"), problem: "the secret key is not 40 characters of the Z85 alphabet (it has 41 characters)"),
        Broken(description: "a secret outside the Z85 alphabet", content: .text("secret = ~{SECRET}\n"), problem: "the secret key is not 40 characters of the Z85 alphabet"),
        Broken(description: "a malformed public key", content: .text("public = abc\nsecret = {SECRET}\n"), problem: "the public key is not 40 characters of the Z85 alphabet (it has 3 characters)"),
        Broken(description: "another pair's public key", content: .text("public = {OTHER_PUBLIC}\nsecret = {SECRET}\n"), problem: "the public key does not belong to the secret key"),
        Broken(description: "two secret lines", content: .text("secret = {SECRET}\nsecret = {SECRET}\n"), problem: ":2: a second 'secret' line"),
    ]

    /// A config in `folder` with a journal and `control.curve` using `serverKeyFile` and `clientKeys`.
    static func config(in folder: URL, serverKeyFile: String, clientKeys: [String]) throws -> (config: String, journal: String) {
        let journal = folder.appendingPathComponent("journal.sqlite").path
        let keys = clientKeys.enumerated().map { "op\($0.offset): \"\($0.element)\"" }.joined(separator: ", ")
        let config = try OperationsEndToEndTests.config(feed: "ipc://\(folder.path)/md.sock", journal: journal, in: folder) {
            $0.replacingOccurrences(of: "  timeout_ms: 5000\n", with: """
                  timeout_ms: 5000
                  curve:
                    server_key_file: \(serverKeyFile)
                    operators: {\(keys)}

                """)
        }
        return (config, journal)
    }

    /// The journal file and its SQLite companions in `folder`.
    static func journalFiles(in folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("journal.sqlite") }.sorted()
    }

    /// Writes `content` at `path`; returns the secret written (nil when none).
    static func write(_ content: Content, at path: String) throws -> String? {
        let pair = try CurveKeys.generate(), other = try CurveKeys.generate()
        switch content {
        case .absent:
            return nil
        case .folder:
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            return nil
        case .bytes(let bytes):
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            chmod(path, 0o600)
            return nil
        case .text(let template):
            let text = template.replacingOccurrences(of: "{SECRET}", with: pair.secretKey)
                .replacingOccurrences(of: "{OTHER_PUBLIC}", with: other.publicKey)
                .replacingOccurrences(of: "{PUBLIC}", with: pair.publicKey)
            try text.write(toFile: path, atomically: false, encoding: .utf8)
            // As `gatehouse keygen` makes them: a key file others can read is refused.
            chmod(path, 0o600)
            return template.contains("{SECRET}") ? pair.secretKey : nil
        case .unreadable:
            try "public = \(pair.publicKey)\nsecret = \(pair.secretKey)\n".write(toFile: path, atomically: false, encoding: .utf8)
            chmod(path, 0)
            return pair.secretKey
        case .good(let mode):
            try "public = \(pair.publicKey)\nsecret = \(pair.secretKey)\n".write(toFile: path, atomically: false, encoding: .utf8)
            chmod(path, mode)
            return pair.secretKey
        }
    }

    @Test(arguments: broken)
    func aBrokenServerKeyFileStopsTheStartNamingTheFileAndTheProblem(_ broken: Broken) throws {
        let folder = try ProcessDriver.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keyFile = folder.appendingPathComponent("host.key").path
        let secret = try Self.write(broken.content, at: keyFile)
        let client = try CurveKeys.generate()
        let (config, _) = try Self.config(in: folder, serverKeyFile: keyFile, clientKeys: [client.publicKey])

        let (status, _, stderr) = try ProcessDriver.run("gatehouse", ["run", "--config", config], seconds: 60)
        #expect(status == 1, "\(broken): \(stderr)")
        #expect(stderr.contains("control.curve.server_key_file: \(keyFile)"), "\(broken): \(stderr)")
        #expect(stderr.contains(broken.problem), "\(broken): \(stderr)")
        if let secret { #expect(!stderr.contains(secret), "\(broken): the secret key is in the message") }
        #expect(!stderr.contains("event loop running"), "\(broken): the host ran")
        let journalFiles = try Self.journalFiles(in: folder)
        #expect(journalFiles.isEmpty, "\(broken): a journal was written: \(journalFiles)")
    }

    @Test(.enabled(if: geteuid() != 0, "root reads a file whatever its mode"))
    func anUnreadableServerKeyFileStopsTheStartNamingTheFile() throws {
        try aBrokenServerKeyFileStopsTheStartNamingTheFileAndTheProblem(
            Broken(description: "unreadable", content: .unreadable, problem: "cannot read the CURVE key file (Permission denied)"))
    }

    @Test func aJournalAlreadyThereIsLeftUnchangedWhenTheKeyFileIsBroken() throws {
        let folder = try ProcessDriver.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keyFile = folder.appendingPathComponent("host.key").path
        _ = try Self.write(.text("public = {PUBLIC}\nsecret = {SECRET}\n"), at: keyFile)
        let client = try CurveKeys.generate()
        let (config, journal) = try Self.config(in: folder, serverKeyFile: keyFile, clientKeys: [client.publicKey])

        // A clean run with the good key leaves a journal.
        let host = try ProcessDriver("gatehouse", ["run", "--config", config])
        try #require(host.waitForStandardError(containing: "event loop running"), "host did not start: \(host.standardError)")
        kill(host.processID, SIGTERM)
        let cleanStop = try host.waitForExit(seconds: 60)
        try #require(cleanStop == 0, "\(host.standardError)")
        let reader = try JournalReader(path: journal)
        let rowsBefore = try reader.count(.stateChange)
        reader.close()
        try #require(rowsBefore > 0)
        // Every journal file (a WAL reader leaves -wal and -shm beside it), byte for byte.
        func snapshot() throws -> [String: Data] {
            var files: [String: Data] = [:]
            for name in try Self.journalFiles(in: folder) { files[name] = try Data(contentsOf: folder.appendingPathComponent(name)) }
            return files
        }
        let before = try snapshot()

        // The key file breaks; the next start is refused and touches nothing.
        try "public = short\n".write(toFile: keyFile, atomically: false, encoding: .utf8)
        let (status, _, stderr) = try ProcessDriver.run("gatehouse", ["run", "--config", config], seconds: 60)
        #expect(status == 1, "\(stderr)")
        #expect(stderr.contains("control.curve.server_key_file: \(keyFile)"), "\(stderr)")
        let after = try snapshot()
        #expect(after.keys.sorted() == before.keys.sorted())
        #expect(after == before, "the refused start changed the journal")
        let rowsAfter = try JournalReader(path: journal).count(.stateChange)
        #expect(rowsAfter == rowsBefore)
    }

    @Test(arguments: [
        (["short"], "control.curve.operators.op0", "is not a Z85 CURVE public key"),
        (["{CLIENT}", "{CLIENT}x"], "control.curve.operators.op1", "is not a Z85 CURVE public key"),
        (["{CLIENT_LOWER_Z85_BAD}"], "control.curve.operators.op0", "is not a Z85 CURVE public key"),
        ([], "control.curve.operators", "must list at least one operator and key"),
    ])
    func aBadClientPublicKeyIsAConfigErrorNamingIt(keys: [String], keyPath: String, message: String) throws {
        let folder = try ProcessDriver.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keyFile = folder.appendingPathComponent("host.key").path
        _ = try Self.write(.text("public = {PUBLIC}\nsecret = {SECRET}\n"), at: keyFile)
        let client = try CurveKeys.generate().publicKey
        let written = keys.map {
            $0.replacingOccurrences(of: "{CLIENT_LOWER_Z85_BAD}", with: "_" + client.dropFirst())
                .replacingOccurrences(of: "{CLIENT}", with: client)
        }
        let (config, _) = try Self.config(in: folder, serverKeyFile: keyFile, clientKeys: written)

        let (status, _, stderr) = try ProcessDriver.run("gatehouse", ["run", "--config", config], seconds: 60)
        #expect(status == 2, "\(stderr)")
        #expect(stderr.contains("config error: \(config): \(keyPath): "), "\(stderr)")
        #expect(stderr.contains(message), "\(stderr)")
        let journalFiles = try Self.journalFiles(in: folder)
        #expect(journalFiles.isEmpty, "a journal was written: \(journalFiles)")
    }

    @Test func ctlWithABrokenClientKeyFileExits2NamingTheFile() throws {
        let folder = try ProcessDriver.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let serverKey = folder.appendingPathComponent("host.key").path
        _ = try Self.write(.text("public = {PUBLIC}\nsecret = {SECRET}\n"), at: serverKey)
        let client = try CurveKeys.generate()
        let (config, _) = try Self.config(in: folder, serverKeyFile: serverKey, clientKeys: [client.publicKey])
        let clientKey = folder.appendingPathComponent("client.key").path
        try "secret = abc\n".write(toFile: clientKey, atomically: false, encoding: .utf8)
        chmod(clientKey, 0o600)

        // No host runs: the key file is refused before anything is sent.
        let (status, text) = try OperationsEndToEndTests.ctl(["status", "--key-file", clientKey], config: config)
        #expect(status == 2, "\(text)")
        #expect(text.contains(clientKey) && text.contains("the secret key is not 40 characters"), "\(text)")
        let missing = try OperationsEndToEndTests.ctl(["status", "--key-file", folder.appendingPathComponent("nope.key").path], config: config)
        #expect(missing.0 == 2 && missing.1.contains("nope.key: no such CURVE key file"), "\(missing.1)")
    }
}
