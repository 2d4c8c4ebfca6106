import Engine
import Risk
import Yams

/// The file of `gatehouse ctl limits --file` (docs/control.md): new risk limits for a running
/// host, read and validated exactly as at start.
///
/// Two forms: the host's whole config file, edited (every section but `risk` must then be as
/// the host started with it, so a restart reads the same limits), or a file holding the `risk`
/// section alone. Either way the new `risk` section is the whole section, as in a config: a key
/// it leaves out takes its default, as it would at start. Anything but the risk section changing
/// (strategies, symbols, feeds, the journal, ...) needs a restart and is refused, naming the
/// first key that differs; so are an unknown key, an invalid value and a change of
/// `account.starting_equity_usd`.
package enum LimitsFile {
    /// The change `text` asks of the host started from `running` with `inForce` now in force:
    /// the new limits and, per key that differs from `inForce`, the value before and after.
    /// `file` names the file in errors.
    package static func read(_ text: String, file: String, running: LoadedConfig, inForce: RiskLimits) throws(ConfigError) -> LimitsChange {
        if let found = YAMLAnchorCheck.firstAnchorOrAlias(in: text) {
            throw ConfigError(file: file, message: "line \(found.line): YAML anchors and aliases are not accepted ('\(found.token)'); write each value out where it is used")
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigError(file: file, message: "malformed YAML: \(ConfigLoader.describe(error))")
        } catch {
            throw ConfigError(file: file, message: "malformed YAML: \(error)")
        }
        guard let mapping = node?.mapping, mapping["risk"] != nil else {
            throw ConfigError(file: file, keyPath: "risk", message: "required key is missing: the file holds the new risk section, alone or in the host's whole config")
        }
        var config = running.config
        if mapping.count == 1 {
            // The risk section alone: the host's config with it in place of its own.
            config.risk = try riskConfig(inRiskSection: text, file: file, running: running)
        } else {
            if let path = firstDifference(from: try? Yams.compose(yaml: running.text), to: node, ignoringTopLevel: "risk") {
                throw ConfigError(file: file, keyPath: path, message: "differs from the config the host started with (\(running.file)): only the risk section changes without a restart")
            }
            config = try ConfigLoader.parse(text, file: file).config
        }
        if config.risk.startingEquityUSD != running.config.risk.startingEquityUSD {
            throw ConfigError(file: file, keyPath: "risk.account.starting_equity_usd", message: "the account's starting equity changes only with a restart")
        }
        return LimitsChange(limits: config.risk.limits, changes: changes(from: inForce, to: config.risk.limits),
                            source: OperatorLimits(configured: riskSection(of: running.text), inForce: riskSection(of: text)))
    }

    /// The risk section of a document holding it alone (as `riskSection(of:)` writes it), read and
    /// validated with `running`'s other sections, as at start.
    static func riskConfig(inRiskSection text: String, file: String, running: LoadedConfig) throws(ConfigError) -> RiskConfig {
        var config = running.config
        config.risk = try decodeRisk(text, file: file)
        try ConfigValidator(file: file).validate(config)
        return config.risk
    }

    /// The `risk` section of a config or limits file, as a YAML document holding it alone
    /// (`risk: {}` when the file has none: every risk key at its default). The text must parse.
    static func riskSection(of text: String) -> String {
        let risk = (try? Yams.compose(yaml: text))?.flatMap { $0.mapping?["risk"] } ?? Node([(Node, Node)]())
        return (try? Yams.serialize(node: Node([(Node("risk"), risk)]))) ?? "risk: {}\n"
    }

    /// The `risk` section of a file holding it alone, decoded as the config decodes it.
    private static func decodeRisk(_ text: String, file: String) throws(ConfigError) -> RiskConfig {
        struct RiskOnly: Decodable {
            var risk: RiskConfig
            enum CodingKeys: String, CodingKey, CaseIterable { case risk }
        }
        do {
            return try YAMLDecoder().decode(RiskOnly.self, from: text).risk
        } catch let error as UnknownConfigKey {
            throw ConfigLoader.describe(error, file: file)
        } catch let error as DecodingError {
            throw ConfigLoader.describe(error, file: file)
        } catch {
            throw ConfigError(file: file, message: "malformed config: \(error)")
        }
    }

    /// The dotted path of the first place where `new` differs from `old` (nil: equal), the
    /// top-level key `ignoringTopLevel` left out: `strategies[1].symbols[0]`, `journal`.
    static func firstDifference(from old: Node?, to new: Node?, ignoringTopLevel ignored: String) -> String? {
        func walk(_ a: Node?, _ b: Node?, _ path: String, top: Bool) -> String? {
            switch (a, b) {
            case (nil, nil): return nil
            case (.mapping(let x)?, .mapping(let y)?):
                var keys: [String] = []
                for key in x.keys.compactMap(\.string) + y.keys.compactMap(\.string) where !keys.contains(key) { keys.append(key) }
                for key in keys where !(top && key == ignored) {
                    if let found = walk(x[key], y[key], path.isEmpty ? key : "\(path).\(key)", top: false) { return found }
                }
                return nil
            case (.sequence(let x)?, .sequence(let y)?):
                for index in 0..<max(x.count, y.count) {
                    if let found = walk(index < x.count ? x[index] : nil, index < y.count ? y[index] : nil, "\(path)[\(index)]", top: false) {
                        return found
                    }
                }
                return nil
            default:
                return a == b ? nil : path
            }
        }
        return walk(old, new, "", top: true)
    }

    /// Every key under `risk` whose value differs, in the config's order, with both values as
    /// the config writes them (`none` for an unset option).
    static func changes(from old: RiskLimits, to new: RiskLimits) -> [(key: String, from: String, to: String)] {
        var changes: [(key: String, from: String, to: String)] = []
        func add(_ key: String, _ a: String, _ b: String) { if a != b { changes.append((key, a, b)) } }
        for section in RiskConfig.CodingKeys.allCases {
            for (key, field) in RiskConfig.sections[section] ?? [] {
                let name = "\(section.rawValue).\(key)"
                switch field {
                case .number(let path): add(name, render(old[keyPath: path]), render(new[keyPath: path]))
                case .optionalNumber(let path): add(name, render(old[keyPath: path]), render(new[keyPath: path]))
                case .integer(let path): add(name, "\(old[keyPath: path])", "\(new[keyPath: path])")
                case .optionalInteger(let path): add(name, old[keyPath: path].map { "\($0)" } ?? "none", new[keyPath: path].map { "\($0)" } ?? "none")
                case .boolean(let path): add(name, "\(old[keyPath: path])", "\(new[keyPath: path])")
                }
            }
        }
        for symbol in Set(old.minOrderQuantity.keys).union(new.minOrderQuantity.keys).sorted() {
            add("account.min_order_quantity.\(symbol)", render(old.minOrderQuantity[symbol]), render(new.minOrderQuantity[symbol]))
        }
        add("firewall.restricted_symbols", "[\(old.restrictedSymbols.joined(separator: ", "))]", "[\(new.restrictedSymbols.joined(separator: ", "))]")
        add("firewall.self_trade", old.selfTradePolicy.rawValue, new.selfTradePolicy.rawValue)
        for symbol in Set(old.instruments.keys).union(new.instruments.keys).sorted() {
            let a = old.instruments[symbol] ?? InstrumentRules(), b = new.instruments[symbol] ?? InstrumentRules()
            let rules: [(String, KeyPath<InstrumentRules, Double?>)] = [
                ("tick_size", \.tickSize), ("lot_size", \.lotSize), ("min_quantity", \.minQuantity),
                ("max_quantity", \.maxQuantity), ("max_notional_usd", \.maxNotionalUSD),
            ]
            for (key, path) in rules { add("instruments.\(symbol).\(key)", render(a[keyPath: path]), render(b[keyPath: path])) }
        }
        for (index, (a, b)) in zip(old.clusters, new.clusters).enumerated() {
            add("clusters[\(index)].max_pct_of_equity", render(a.maxPctOfEquity), render(b.maxPctOfEquity))
        }
        return changes
    }

    /// A number as a config writes it: `25`, not `25.0`; `none` when unset.
    static func render(_ value: Double?) -> String {
        guard let value else { return "none" }
        return value == value.rounded() && abs(value) < 1e15 ? "\(Int64(value))" : "\(value)"
    }
}
