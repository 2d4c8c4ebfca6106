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

/// The `gatehouse-ticks-v1` encoding of a tick block. Per tick, in order:
/// - the symbol id, an unsigned LEB128 varint;
/// - the event time's difference from the previous tick's (the first tick's from the block's
///   `first_ts_ns`), a zig-zag LEB128 varint;
/// - the price word, an unsigned LEB128 varint `(zigzag(Δm) << 4) | k`: the price is `m / 10^k`
///   exactly (IEEE-754 division of two exact doubles, `k` in 0…9, `|m|` < 2^53), and `Δm` is `m`
///   less the symbol's previous `m` in the block at the same `k` (0 before one). When no such
///   decimal gives the price's exact bit pattern (NaN, infinities, −0, more than 9 decimals), the
///   word is 15 and the 8 bytes of the price's bit pattern follow, little-endian.
///
/// Prices of a feed come as decimals on a tick grid and move by a few ticks, so the price word is
/// one or two bytes: a tick takes about 6–8 bytes. Decoding needs only the block: the per-symbol
/// state starts empty in each block.
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
    /// Per symbol id: the last decimal `(k, m)` written in this block (`block` tells which block).
    private var previous: [PriceState] = []
    private var block: UInt32 = 1

    /// The raw-price marker in the low four bits of a price word.
    static let rawPrice: UInt64 = 15
    /// 10^0 … 10^9, exact doubles.
    static let powersOfTen: [Double] = (0...9).map { Double(UInt64(pow10: $0)) }

    struct PriceState {
        var block: UInt32 = 0
        var scale: UInt8 = 0
        var mantissa: Int64 = 0
    }

    public init(reservingTicks capacity: Int = 0) {
        bytes.reserveCapacity(capacity * 8)
    }

    /// Appends one tick. Allocates only when the block outgrows its capacity or a symbol id is
    /// higher than any seen before.
    public mutating func append(symbolID: UInt32, timeNs: Int64, price: Double) {
        if count == 0 {
            firstTimeNs = timeNs
            lastTimeNs = timeNs
        }
        Self.putVarint(UInt64(symbolID), into: &bytes)
        Self.putVarint(Self.zigzag(timeNs &- lastTimeNs), into: &bytes)
        let slot = Int(symbolID)
        if slot >= previous.count { previous += Array(repeating: PriceState(), count: slot + 1 - previous.count) }
        let last = previous[slot].block == block ? previous[slot] : PriceState()
        if let (scale, mantissa) = Self.decimal(price, preferring: last.block == block ? Int(last.scale) : 0) {
            let base = last.block == block && Int(last.scale) == scale ? last.mantissa : 0
            Self.putVarint(Self.zigzag(mantissa &- base) << 4 | UInt64(scale), into: &bytes)
            previous[slot] = PriceState(block: block, scale: UInt8(scale), mantissa: mantissa)
        } else {
            Self.putVarint(Self.rawPrice, into: &bytes)
            var bits = price.bitPattern.littleEndian
            withUnsafeBytes(of: &bits) { bytes.append(contentsOf: $0) }
        }
        lastTimeNs = timeNs
        count += 1
    }

    /// The block's bytes in an array of their own, no longer than they are: what a record takes.
    /// A record given `bytes` itself would share the buffer reserved for a whole quiet block
    /// (32 KiB and up), keep all of it alive however few ticks it holds, and make `reset`
    /// allocate that capacity again: with the journal's queue full of small blocks, hundreds of
    /// MB for a few MB of ticks.
    public var blockBytes: [UInt8] { bytes.withUnsafeBufferPointer { Array($0) } }

    /// Starts a new block, keeping the buffer's capacity.
    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        count = 0
        firstTimeNs = 0
        lastTimeNs = 0
        block &+= 1
        if block == 0 {
            // Wrapped after 2^32 blocks: forget every symbol's state for real.
            for index in previous.indices { previous[index].block = 0 }
            block = 1
        }
    }

    /// `(k, m)` with `m / 10^k` bit for bit `price`: `preferred` (the symbol's last scale, so its
    /// mantissas stay comparable) when it fits, else the smallest of 0…9 that does; nil when none.
    /// Any `k` that fits decodes to exactly `price`: the decoder does the same division.
    static func decimal(_ price: Double, preferring preferred: Int) -> (Int, Int64)? {
        func fits(_ k: Int) -> Int64? {
            let scaled = (price * powersOfTen[k]).rounded()
            guard scaled.magnitude < 9_007_199_254_740_992 else { return nil }   // 2^53
            let mantissa = Int64(scaled)
            return (Double(mantissa) / powersOfTen[k]).bitPattern == price.bitPattern ? mantissa : nil
        }
        guard price.isFinite else { return nil }
        if let m = fits(preferred) { return (preferred, m) }
        for k in 0...9 where k != preferred { if let m = fits(k) { return (k, m) } }
        return nil
    }

    /// The block's ticks; nil when `bytes` does not hold exactly `count` whole ticks.
    public static func decode(_ bytes: [UInt8], count: Int, firstTimeNs: Int64) -> [MarketTick]? {
        guard count >= 0 else { return nil }
        var ticks: [MarketTick] = []
        ticks.reserveCapacity(count)
        var previous: [UInt32: (scale: UInt64, mantissa: Int64)] = [:]
        var offset = 0
        var time = firstTimeNs
        for _ in 0..<count {
            guard let symbol = readVarint(bytes, &offset), symbol > 0, symbol <= UInt64(UInt32.max),
                  let delta = readVarint(bytes, &offset), let word = readVarint(bytes, &offset) else { return nil }
            time = time &+ unzigzag(delta)
            let id = UInt32(symbol)
            let price: Double
            let scale = word & 15
            if scale == rawPrice {
                guard word == rawPrice, offset + 8 <= bytes.count else { return nil }
                var bits: UInt64 = 0
                for index in 0..<8 { bits |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
                offset += 8
                price = Double(bitPattern: bits)
            } else {
                guard scale <= 9 else { return nil }
                let base = previous[id].flatMap { $0.scale == scale ? $0.mantissa : nil } ?? 0
                let mantissa = base &+ unzigzag(word >> 4)
                guard mantissa.magnitude < 9_007_199_254_740_992 else { return nil }
                previous[id] = (scale, mantissa)
                price = Double(mantissa) / powersOfTen[Int(scale)]
            }
            ticks.append(MarketTick(symbolID: id, timeNs: time, price: price))
        }
        return offset == bytes.count ? ticks : nil
    }

    @inline(__always) static func zigzag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }
    @inline(__always) static func unzigzag(_ value: UInt64) -> Int64 { Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1) }

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

extension UInt64 {
    /// 10^exponent (exponent 0…19).
    init(pow10 exponent: Int) {
        var value: UInt64 = 1
        for _ in 0..<exponent { value *= 10 }
        self = value
    }
}
