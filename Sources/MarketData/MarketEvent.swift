/// The kind of a market-data event; raw values are the `GH_MD_*` constants of the C contract.
public enum MarketEventKind: UInt8, Sendable, CaseIterable {
    /// A trade printed: values (price, size).
    case trade = 1
    /// Top of book: values (bid, bidSize, ask, askSize).
    case quote = 2
    /// A closed bar: values (open, high, low, close, volume); the timestamp is the bar's end.
    case bar = 3

    /// The JSON `type` field for this kind.
    public var jsonName: String {
        switch self {
        case .trade: "trade"
        case .quote: "quote"
        case .bar: "bar"
        }
    }
}

/// One validated market-data event, as decoded from a feed frame. A plain value: no references,
/// no allocation.
public struct MarketEvent: Equatable, Sendable {
    /// Trade, quote or bar.
    public var kind: MarketEventKind
    /// Interned symbol id (see `SymbolTable`), >= 1.
    public var symbolID: UInt32
    /// Event time in nanoseconds since the Unix epoch (UTC), > 0.
    public var timestampNs: Int64
    /// Up to six values whose meaning depends on `kind` (see `MarketEventKind`); unused ones are 0.
    public var v0: Double, v1: Double, v2: Double, v3: Double, v4: Double, v5: Double

    /// Creates an event; see `MarketEventKind` for the meaning of the values.
    public init(
        kind: MarketEventKind, symbolID: UInt32, timestampNs: Int64,
        _ v0: Double, _ v1: Double, _ v2: Double = 0, _ v3: Double = 0, _ v4: Double = 0, _ v5: Double = 0
    ) {
        self.kind = kind
        self.symbolID = symbolID
        self.timestampNs = timestampNs
        (self.v0, self.v1, self.v2, self.v3, self.v4, self.v5) = (v0, v1, v2, v3, v4, v5)
    }

    /// A trade of `size` units at `price`.
    public static func trade(symbolID: UInt32, timestampNs: Int64, price: Double, size: Double) -> MarketEvent {
        MarketEvent(kind: .trade, symbolID: symbolID, timestampNs: timestampNs, price, size)
    }

    /// A top-of-book quote.
    public static func quote(
        symbolID: UInt32, timestampNs: Int64, bid: Double, bidSize: Double, ask: Double, askSize: Double
    ) -> MarketEvent {
        MarketEvent(kind: .quote, symbolID: symbolID, timestampNs: timestampNs, bid, bidSize, ask, askSize)
    }

    /// A closed bar ending at `timestampNs`.
    public static func bar(
        symbolID: UInt32, timestampNs: Int64, open: Double, high: Double, low: Double, close: Double, volume: Double
    ) -> MarketEvent {
        MarketEvent(kind: .bar, symbolID: symbolID, timestampNs: timestampNs, open, high, low, close, volume)
    }

    /// The reference price: trade price, quote mid, or bar close.
    public var referencePrice: Double {
        switch kind {
        case .trade: v0
        case .quote: (v0 + v2) / 2
        case .bar: v3
        }
    }

    /// Checks prices and sizes; `nil` when the event is usable.
    ///
    /// Every price must be finite and > 0; sizes finite and >= 0 (a trade's size > 0); a quote
    /// may not be crossed (bid > ask); a bar's high and low must bound its open and close.
    public func validationFailure() -> FrameDropReason? {
        if timestampNs <= 0 { return .invalidTimestamp }
        func price(_ value: Double) -> Bool { value.isFinite && value > 0 }
        func size(_ value: Double) -> Bool { value.isFinite && value >= 0 }
        switch kind {
        case .trade:
            if !price(v0) { return .invalidPrice }
            if !size(v1) || v1 == 0 { return .invalidSize }
        case .quote:
            if !price(v0) || !price(v2) || v0 > v2 { return .invalidPrice }
            if !size(v1) || !size(v3) { return .invalidSize }
        case .bar:
            if !price(v0) || !price(v1) || !price(v2) || !price(v3) { return .invalidPrice }
            if v1 < max(v0, v3) || v2 > min(v0, v3) { return .invalidPrice }
            if !size(v4) { return .invalidSize }
        }
        return nil
    }
}
