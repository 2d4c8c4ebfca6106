/// The market data the host applied, as a block of ticks (table `market_ticks`): the input that
/// recovery re-applies after the last snapshot so a restarted host's marks, peaks, hourly marks
/// and correlation samples are exactly those of the run it continues (docs/journal.md,
/// "Recovery").
///
/// A block holds the ticks since the previous block, in the order the host applied them; it is
/// written before the records of the event whose tick ends it, in the same transaction. Symbol ids
/// are the interned ids of the run that wrote it: the snapshot that run wrote at its start (reason
/// `start` or `recovered`) names them, in its state's `symbols` list.
public struct MarketTicksRecord: Sendable, Equatable {
    public var eventTimeNs: Int64
    public var wallTimeNs: Int64
    /// Event time of the first tick, ns since the Unix epoch.
    public var firstTimeNs: Int64
    /// Ticks in `ticks`.
    public var count: Int
    /// The encoding of `ticks` (`MarketTickCodec.format`).
    public var format: String
    /// The encoded ticks.
    public var ticks: [UInt8]

    public init(eventTimeNs: Int64, wallTimeNs: Int64, firstTimeNs: Int64, count: Int, format: String, ticks: [UInt8]) {
        self.eventTimeNs = eventTimeNs
        self.wallTimeNs = wallTimeNs
        self.firstTimeNs = firstTimeNs
        self.count = count
        self.format = format
        self.ticks = ticks
    }

    /// The ticks, decoded; nil when `ticks` is not a whole block of `count` ticks in `format`.
    public func decoded() -> [MarketTick]? {
        guard format == MarketTickCodec.format else { return nil }
        return MarketTickCodec.decode(ticks, count: count, firstTimeNs: firstTimeNs)
    }
}

/// One applied tick: the symbol's reference price at an event time.
public struct MarketTick: Sendable, Equatable {
    /// The run's interned symbol id (1-based).
    public var symbolID: UInt32
    /// Event time, ns since the Unix epoch.
    public var timeNs: Int64
    /// Reference price (trade price, quote mid or bar close), quote currency per unit.
    public var price: Double

    public init(symbolID: UInt32, timeNs: Int64, price: Double) {
        self.symbolID = symbolID
        self.timeNs = timeNs
        self.price = price
    }
}

/// The `gatehouse-ticks-v1` encoding of a tick block: per tick, the symbol id as an unsigned
/// LEB128 varint, the event time's difference from the previous tick's (the first tick's from the
/// block's `first_ts_ns`) as a zig-zag LEB128 varint, and the price's IEEE-754 bit pattern as 8
/// bytes little-endian. Event times are usually milliseconds apart, so a tick takes 12–14 bytes.
public struct MarketTickCodec: Sendable {
    /// The format name written in `market_ticks.format`.
    public static let format = "gatehouse-ticks-v1"

    /// The encoded ticks so far (capacity kept across `reset`).
    public private(set) var bytes: [UInt8] = []
    /// Ticks encoded since the last `reset`.
    public private(set) var count = 0
    /// Event times of the first and the last tick encoded (0 when none).
    public private(set) var firstTimeNs: Int64 = 0
    public private(set) var lastTimeNs: Int64 = 0

    public init(reservingTicks capacity: Int = 0) {
        bytes.reserveCapacity(capacity * 14)
    }

    /// Appends one tick. Allocates only when the block outgrows its capacity.
    public mutating func append(symbolID: UInt32, timeNs: Int64, price: Double) {
        if count == 0 {
            firstTimeNs = timeNs
            lastTimeNs = timeNs
        }
        Self.putVarint(UInt64(symbolID), into: &bytes)
        let delta = timeNs &- lastTimeNs
        Self.putVarint(UInt64(bitPattern: (delta << 1) ^ (delta >> 63)), into: &bytes)
        var bits = price.bitPattern.littleEndian
        withUnsafeBytes(of: &bits) { bytes.append(contentsOf: $0) }
        lastTimeNs = timeNs
        count += 1
    }

    /// Starts a new block, keeping the buffer's capacity.
    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        count = 0
        firstTimeNs = 0
        lastTimeNs = 0
    }

    /// The block's ticks; nil when `bytes` does not hold exactly `count` whole ticks.
    public static func decode(_ bytes: [UInt8], count: Int, firstTimeNs: Int64) -> [MarketTick]? {
        guard count >= 0 else { return nil }
        var ticks: [MarketTick] = []
        ticks.reserveCapacity(count)
        var offset = 0
        var time = firstTimeNs
        for _ in 0..<count {
            guard let symbol = readVarint(bytes, &offset), symbol > 0, symbol <= UInt64(UInt32.max),
                  let zigzag = readVarint(bytes, &offset), offset + 8 <= bytes.count else { return nil }
            let delta = Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1)
            time = time &+ delta
            var bits: UInt64 = 0
            for index in 0..<8 { bits |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
            offset += 8
            ticks.append(MarketTick(symbolID: UInt32(symbol), timeNs: time, price: Double(bitPattern: bits)))
        }
        return offset == bytes.count ? ticks : nil
    }

    static func putVarint(_ value: UInt64, into bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    static func readVarint(_ bytes: [UInt8], _ offset: inout Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count, shift < 64 {
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }
}
