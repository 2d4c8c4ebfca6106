import Engine
import Foundation
import Testing
@testable import Host

/// One frame cannot move the host's clock: events too far ahead of the wall clock (a live host)
/// or of the latest accepted event (a replay) are refused, and a refused one moves nothing.
@Suite("Event clock guard")
struct EventClockGuardTests {
    static let second: Int64 = 1_000_000_000
    static let now: Int64 = 1_772_460_000 * second

    @Test func aLiveHostRefusesEventsBeyondItsToleranceAheadOfTheWallClockAndTakesThePast() {
        var wall = Self.now
        let clock = EventClockGuard(reference: .wallClock(aheadNs: 5 * Self.second), readWall: { wall })
        clock.beginBatch()
        #expect(clock.accepts(Self.now - 3_600 * Self.second))      // an hour old: a recorded feed
        #expect(clock.accepts(Self.now + 5 * Self.second))          // at the tolerance
        #expect(!clock.accepts(Self.now + 10 * 365 * 86_400 * Self.second))  // ten years ahead
        #expect(!clock.accepts(Self.now + 6 * Self.second))
        #expect(clock.latestNs == Self.now + 5 * Self.second)
        // The wall clock moved on since the batch began: looked at again before refusing.
        wall += 10 * Self.second
        #expect(clock.accepts(Self.now + 12 * Self.second))
    }

    @Test func aReplayRefusesAJumpPastItsToleranceFromTheLatestAcceptedEvent() {
        let clock = EventClockGuard(reference: .feedTime(jumpNs: 7 * 86_400 * Self.second), readWall: { 0 })
        clock.beginBatch()
        #expect(clock.accepts(Self.now))
        #expect(clock.accepts(Self.now + 3 * 86_400 * Self.second))  // a long weekend
        #expect(!clock.accepts(Self.now + 10 * 365 * 86_400 * Self.second))
        // The refused event set nothing: the next day's ticks still pass.
        #expect(clock.latestNs == Self.now + 3 * 86_400 * Self.second)
        #expect(clock.accepts(Self.now + 4 * 86_400 * Self.second))
        #expect(clock.accepts(Self.now))  // late ticks of another feed pass and move nothing
        #expect(clock.latestNs == Self.now + 4 * 86_400 * Self.second)
    }

    @Test func theTolerancesAreBoundedInTheConfig() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (key, value) in [("max_event_ahead_seconds", "0"), ("max_event_ahead_seconds", "1e300"), ("max_event_jump_seconds", "-1"),
                             ("max_event_jump_seconds", ".nan")] {
            let path = try TestSupport.writeConfig(in: folder, strategies: [
                TestSupport.strategy("a", plugin: "libfixture.so", symbols: ["BTCUSD"]),
            ], host: "\(key): \(value)")
            do {
                _ = try ConfigLoader.load(path: path)
                Issue.record("\(key): \(value) was accepted")
            } catch {
                #expect("\(error)".contains("host.\(key)"), "\(error)")
            }
        }
    }
}
