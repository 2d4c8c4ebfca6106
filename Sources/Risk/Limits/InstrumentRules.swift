/// The order rules of one instrument (`risk.instruments.<symbol>`): the grids a venue takes
/// prices and quantities on, and the largest order that is not a typo. Every rule is optional;
/// a symbol without rules is checked by the account-wide ones only.
public struct InstrumentRules: Sendable, Equatable {
    /// Price increment, USD per unit: a limit price must be a whole number of ticks
    /// (`PRICE_OFF_TICK`, the whole intent refused).
    public var tickSize: Double?
    /// Quantity increment, units: every approved or reshaped quantity is rounded **down** to a
    /// whole number of lots (`LOT_SIZE_ROUNDED`), so rounding can never take it past a cap.
    public var lotSize: Double?
    /// Smallest risk-increasing quantity, units (`BELOW_MIN_ORDER_SIZE`); replaces
    /// `risk.account.min_order_notional_usd` for the symbol.
    public var minQuantity: Double?
    /// Largest quantity of one intent, units (`ORDER_QUANTITY_ABOVE_MAX`, the whole intent
    /// refused: a typo is not an order to shrink).
    public var maxQuantity: Double?
    /// Largest notional of one intent, USD, at the budget price (`ORDER_NOTIONAL_ABOVE_MAX`,
    /// the whole intent refused).
    public var maxNotionalUSD: Double?

    public init(tickSize: Double? = nil, lotSize: Double? = nil, minQuantity: Double? = nil,
                maxQuantity: Double? = nil, maxNotionalUSD: Double? = nil) {
        self.tickSize = tickSize
        self.lotSize = lotSize
        self.minQuantity = minQuantity
        self.maxQuantity = maxQuantity
        self.maxNotionalUSD = maxNotionalUSD
    }

    /// The first unusable or contradictory rule, keyed `instruments.<symbol>.<key>`.
    func validationFailure(symbol: String) -> RiskLimits.Invalid? {
        let key = "instruments.\(symbol)"
        let values: [(String, Double?)] = [
            ("tick_size", tickSize), ("lot_size", lotSize), ("min_quantity", minQuantity),
            ("max_quantity", maxQuantity), ("max_notional_usd", maxNotionalUSD),
        ]
        for case let (name, value?) in values where !(value.isFinite && value > 0) {
            return RiskLimits.Invalid(key: "\(key).\(name)", message: "must be > 0")
        }
        if let lotSize, let maxQuantity, lotSize > maxQuantity {
            return RiskLimits.Invalid(key: "\(key).lot_size", message: "must not be larger than max_quantity (\(maxQuantity)): no order could be sent")
        }
        if let minQuantity, let maxQuantity, minQuantity > maxQuantity {
            return RiskLimits.Invalid(key: "\(key).min_quantity", message: "must not be larger than max_quantity (\(maxQuantity))")
        }
        return nil
    }

    /// Whether `value` is a whole number of `step`s, to the division's rounding error (prices
    /// and steps are decimals no binary fraction holds exactly: 0.3 / 0.1 is
    /// 2.9999999999999996): within 1e-9 of a step, or 8 units in the last place of the count.
    static func isMultiple(_ value: Double, of step: Double) -> Bool {
        let steps = value / step
        return abs(steps - steps.rounded()) <= max(1e-9, steps.ulp * 8)
    }

    /// `quantity` rounded down to a whole number of `lot`s, and never above `quantity`: a
    /// quantity a rounding error short of a multiple counts as that multiple (0.3 with lots of
    /// 0.1 is 3 lots), and the product is capped at `quantity` (3 × 0.1 is 0.30000000000000004).
    static func roundDown(_ quantity: Double, toLot lot: Double) -> Double {
        let lots = (quantity / lot * (1 + 1e-12)).rounded(.down)
        return min(lots * lot, quantity)
    }
}
