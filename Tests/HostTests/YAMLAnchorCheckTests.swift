import Foundation
import Testing
@testable import Host

/// A config refuses YAML anchors and aliases (a few lines can expand into millions of nodes),
/// naming the line, and takes every `&` and `*` that is not one.
@Suite("Config: YAML anchors and aliases")
struct YAMLAnchorCheckTests {
    @Test(arguments: [
        ("base: &limits {drawdown_pct: 5}\nother: *limits\n", 1, "&limits"),
        ("a: 1\nlist:\n  - *x\n", 3, "*x"),
        ("a: [1, *y]\n", 1, "*y"),
        ("a: {b: &z 3}\n", 1, "&z"),
        ("lol: &a [\"lol\",\"lol\"]\nlol2: &b [*a,*a,*a]\n", 1, "&a"),
        ("key: 'quoted'\n&top\nx: 1\n", 2, "&top"),
    ])
    func anAnchorOrAliasIsFoundAtItsLine(text: String, line: Int, token: String) {
        let found = YAMLAnchorCheck.firstAnchorOrAlias(in: text)
        #expect(found?.line == line && found?.token == token, "\(String(describing: found))")
    }

    @Test(arguments: [
        "a: \"x*y\"\n", "a: '&amp; and *star'\n", "a: b*c\n", "a: 5 # &not an anchor\n", "# *nor this\na: 1\n",
        "url: tcp://127.0.0.1:*\n", "a: 'it''s *fine'\n", "a: \"esc \\\" *still in\"\n", "a: x & y\n",
        "multi: \"line one\n  *still quoted\"\n",
    ])
    func otherAmpersandsAndStarsAreNotTakenForOne(text: String) {
        #expect(YAMLAnchorCheck.firstAnchorOrAlias(in: text) == nil, "\(text)")
    }

    @Test func aConfigWithAnAliasIsRefusedNamingTheLineAndTheBundledConfigIsNot() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try TestSupport.writeConfig(in: folder, strategies: [
            TestSupport.strategy("a", plugin: "libx.so", symbols: ["BTCUSD"]),
        ], extra: "risk:\n  account: &acct {daily_loss_pct: 3}\n")
        do {
            _ = try ConfigLoader.load(path: path)
            Issue.record("a config with an anchor was read")
        } catch {
            #expect(error.message.contains("YAML anchors and aliases are not accepted ('&acct')"), "\(error)")
            #expect(error.message.hasPrefix("line "), "\(error)")
        }
        let bundled = try String(contentsOfFile: TestSupport.repositoryRoot.appendingPathComponent("config/gatehouse.yaml").path, encoding: .utf8)
        #expect(YAMLAnchorCheck.firstAnchorOrAlias(in: bundled) == nil)
    }
}
