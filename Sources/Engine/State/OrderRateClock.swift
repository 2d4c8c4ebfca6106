/// The clock the Firewall's order-rate buckets count in (`risk.firewall.max_intents_per_second`,
/// `account_max_intents_per_second`; docs/risk-chain.md, "The Firewall").
///
/// A replay, the demo and what-if count **event time**: the same ticks and intents refill the
/// buckets identically on any machine at any speed. A live host counts **wall time**: what a
/// venue and a stalled event loop see, and a feed that is quiet, or replayed faster than real
/// time, neither starves nor floods the buckets. Each decision's wall time is journaled with it
/// (`decisions.wall_time_ns`), so recovery re-decides a live journal's tail with the same clock
/// readings; the snapshot says which clock its buckets were counted in.
package enum OrderRateClock: String, Codable, Sendable {
    case event
    case wall
}
