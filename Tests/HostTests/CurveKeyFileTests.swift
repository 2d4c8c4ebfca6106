import Engine
import Foundation
import Testing
import ZeroMQ
@testable import Host

/// The CURVE key file as `gatehouse keygen` writes it and the host reads it: a generated file
/// reads back as the same pair, is created owner-only and never overwritten; comments, blank
/// lines, surrounding spaces and Windows line ends are accepted; the public line is optional
/// (it is derived from the secret). The refusals are exercised against a real start in
/// EndToEndTests/CurveKeyFileStartTests.
@Suite("CURVE key file")
struct CurveKeyFileTests {
    @Test func aGeneratedFileReadsBackAsTheSamePairAndIsOwnerOnly() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("host.key").path
        let generated = try CurveKeyFile.generate(at: path)
        let read = try CurveKeyFile.read(path)
        #expect(read == generated)
        #expect(CurveKeys.publicKey(ofSecret: read.secretKey) == read.publicKey)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode & 0o777 == 0o600)
    }

    @Test func generateNeverOverwritesAFile() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("host.key").path
        try "keep me\n".write(toFile: path, atomically: false, encoding: .utf8)
        var refusal: String?
        do {
            _ = try CurveKeyFile.generate(at: path)
        } catch {
            refusal = "\(error)"
        }
        #expect(refusal?.contains("\(path): cannot create the key file") == true, "\(refusal ?? "not refused")")
        let kept = try String(contentsOfFile: path, encoding: .utf8)
        #expect(kept == "keep me\n")
    }

    @Test(arguments: ["\n", "\r\n"])
    func commentsSpacesAndEitherLineEndAreAccepted(lineEnd: String) throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pair = try CurveKeys.generate()
        let path = folder.appendingPathComponent("host.key").path
        let text = ["# the host's pair", "", "  public =   \(pair.publicKey)  ", "\tsecret=\(pair.secretKey)", ""].joined(separator: lineEnd)
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o600)
        let read = try CurveKeyFile.read(path)
        #expect(read == CurveKeyFile(publicKey: pair.publicKey, secretKey: pair.secretKey))
    }

    @Test func theSecretAloneIsEnough() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pair = try CurveKeys.generate()
        let path = folder.appendingPathComponent("host.key").path
        try "secret = \(pair.secretKey)\n".write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o400)
        let read = try CurveKeyFile.read(path)
        #expect(read.publicKey == pair.publicKey)
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o660, 0o602] as [mode_t])
    func aKeyFileOthersCouldReadOrChangeIsRefused(mode: mode_t) throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pair = try CurveKeys.generate()
        let path = folder.appendingPathComponent("host.key").path
        try "secret = \(pair.secretKey)\n".write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, mode)
        #expect {
            _ = try CurveKeyFile.read(path)
        } throws: { error in
            let text = "\(error)"
            return text.contains("its mode is \(String(mode, radix: 8))") && text.contains("chmod 600") && !text.contains(pair.secretKey)
        }
    }
}
