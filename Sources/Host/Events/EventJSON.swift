/// Builds one JSON object as text, key by key, in the order written: the event stream's payloads
/// (docs/events.md). Numbers are written finite (a non-finite one as 0, which the schemas allow
/// and a reader can parse), integers as integers.
struct EventJSON {
    private(set) var text = "{"
    private var first = true

    private mutating func key(_ name: String) {
        if !first { text += "," }
        first = false
        text += JSONValue.quote(name)
        text += ":"
    }

    mutating func add(_ name: String, _ value: String) { key(name); text += JSONValue.quote(value) }
    mutating func add(_ name: String, _ value: Bool) { key(name); text += value ? "true" : "false" }
    mutating func add(_ name: String, _ value: Int64) { key(name); text += String(value) }
    mutating func add(_ name: String, _ value: UInt64) { key(name); text += String(value) }
    mutating func add(_ name: String, _ value: Int) { key(name); text += String(value) }
    mutating func add(_ name: String, _ value: Double) { key(name); text += Self.number(value) }
    mutating func add(_ name: String, _ value: Double?) {
        key(name)
        text += value.map(Self.number) ?? "null"
    }
    /// Adds an already encoded JSON value (object or array text).
    mutating func add(_ name: String, raw: String) { key(name); text += raw }
    /// Adds an array of objects, each built by `build`.
    mutating func add<T>(_ name: String, array items: [T], _ build: (inout EventJSON, T) -> Void) {
        key(name)
        text += "["
        for (index, item) in items.enumerated() {
            if index > 0 { text += "," }
            var object = EventJSON()
            build(&object, item)
            text += object.closed
        }
        text += "]"
    }

    /// The object's text, closed.
    var closed: String { text + "}" }

    /// A finite double as JSON; integral values keep a trailing `.0` out (`5`, not `5.0`).
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
