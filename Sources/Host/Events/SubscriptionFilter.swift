/// Which subscriptions the stream applies: only prefixes of a topic this host can publish
/// (docs/events.md, "Topics"). A subscription that no topic starts with could never deliver a
/// message; refusing it keeps what any peer can make libzmq hold per connection to the
/// distinct prefixes of this host's topics (a few thousand bytes per strategy), whatever it
/// sends.
struct SubscriptionFilter {
    /// Every topic the host can publish, as bytes.
    let topics: [[UInt8]]

    /// The topics of a host running `strategies` (their names).
    init(strategies: [String]) {
        var topics = ["state", "breach", "alert", "unwind", "deadman", "promotion", "operator", "heartbeat"].map { "risk.\($0)" }
        for name in strategies {
            topics += ["risk.decision.\(name)", "risk.order.\(name)", "risk.fill.\(name)"]
        }
        self.topics = topics.map { Array($0.utf8) }
    }

    /// Whether `prefix` starts at least one topic (the empty prefix, everything, does).
    func admits(_ prefix: ArraySlice<UInt8>) -> Bool {
        topics.contains { $0.count >= prefix.count && $0.starts(with: prefix) }
    }
}
