/// Up to `capacity` market events the engine applied to the book (symbol, reference price, event
/// time), kept inline so a batch crosses the ring as one plain value: the journal's
/// `market_ticks` rows are made of them, and recovery re-applies them.
package struct TickBatch: Sendable, BitwiseCopyable {
    /// One applied tick.
    package struct Tick: Sendable, BitwiseCopyable {
        package var symbolID: UInt32
        /// The reference price the book was marked at.
        package var price: Double
        /// Event time, ns since the Unix epoch.
        package var timeNs: Int64

        @inlinable package init(symbolID: UInt32, price: Double, timeNs: Int64) {
            self.symbolID = symbolID
            self.price = price
            self.timeNs = timeNs
        }
    }

    /// Ticks a batch holds. Sized to the room of a decision's stage trace, so carrying ticks
    /// never makes a ring slot larger.
    @usableFromInline package static let capacity = MemoryLayout<StageTrace.Slots>.size / MemoryLayout<Tick>.stride

    /// Ticks held, 0…capacity.
    @usableFromInline package private(set) var count: Int = 0
    @usableFromInline var storage: StageTrace.Slots = StageTrace.emptySlots

    package init() {}

    /// Adds a tick; false (nothing added) when the batch is full.
    @inlinable
    package mutating func append(symbolID: UInt32, price: Double, at timeNs: Int64) -> Bool {
        guard count < Self.capacity else { return false }
        let offset = count * MemoryLayout<Tick>.stride
        withUnsafeMutableBytes(of: &storage) { raw in
            raw.storeBytes(of: Tick(symbolID: symbolID, price: price, timeNs: timeNs), toByteOffset: offset, as: Tick.self)
        }
        count += 1
        return true
    }

    /// Empties the batch.
    @inlinable package mutating func removeAll() { count = 0 }

    /// The ticks, in the order they were applied.
    package func forEach(_ body: (Tick) -> Void) {
        withUnsafeBytes(of: storage) { raw in
            for index in 0..<count {
                body(raw.load(fromByteOffset: index * MemoryLayout<Tick>.stride, as: Tick.self))
            }
        }
    }
}
