import StrategyABI

/// Constants of the plugin contract as this host was built.
public enum GatehouseABI {
    /// `GH_ABI_VERSION`.
    public static let version = UInt32(GH_ABI_VERSION)
    /// `GH_ENTRY_SYMBOL`.
    public static let entrySymbol = GH_ENTRY_SYMBOL
}
