/// Interns symbol names to small integer ids at load time so the hot path never compares or
/// hashes `String`s: `lookup` takes raw bytes (a slice of a ZeroMQ topic frame) and allocates nothing.
///
/// Ids start at 1 and are dense (`1...count`); 0 means "no symbol". Names are kept as
/// NUL-terminated C strings for the lifetime of the table, so a plugin may hold `symbol` pointers.
public final class SymbolTable: @unchecked Sendable {
    // @unchecked: the table is filled before it is shared and never mutated afterwards; `intern`
    // is documented as load-time only. The C-string storage is immutable once written.

    private var names: [String] = []
    private var cStrings: [UnsafeMutablePointer<CChar>] = []
    // Open addressing, linear probing. slots[i] = id (0 = empty). Capacity is a power of two and
    // kept at most half full.
    private var slots: [UInt32] = Array(repeating: 0, count: 16)
    private var hashes: [UInt64] = []

    /// An empty table.
    public init() {}

    /// A table holding `names` in order (ids 1, 2, …); duplicates get the first id.
    public convenience init(_ names: some Sequence<String>) {
        self.init()
        for name in names { _ = intern(name) }
    }

    deinit {
        for pointer in cStrings { pointer.deallocate() }
    }

    /// Number of symbols.
    public var count: Int { names.count }

    /// Every symbol name, in id order (index 0 is id 1).
    public var allNames: [String] { names }

    /// Returns the id of `name`, adding it if new. Load time only: not on the hot path.
    @discardableResult
    public func intern(_ name: String) -> UInt32 {
        let utf8 = Array(name.utf8)
        if let id = utf8.withUnsafeBytes({ lookup($0) }) { return id }
        let id = UInt32(names.count + 1)
        names.append(name)
        let cString = UnsafeMutablePointer<CChar>.allocate(capacity: utf8.count + 1)
        for (index, byte) in utf8.enumerated() { cString[index] = CChar(bitPattern: byte) }
        cString[utf8.count] = 0
        cStrings.append(cString)
        hashes.append(utf8.withUnsafeBytes { Self.hash($0) })
        if names.count * 2 > slots.count { rehash(capacity: slots.count * 2) } else { insert(id) }
        return id
    }

    /// The id of the symbol spelled by `bytes`, or `nil`. Allocates nothing.
    public func lookup(_ bytes: UnsafeRawBufferPointer) -> UInt32? {
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: Self.hash(bytes)) & mask
        while true {
            let id = slots[index]
            if id == 0 { return nil }
            if matches(id, bytes) { return id }
            index = (index + 1) & mask
        }
    }

    /// The id of `name`, or `nil` (allocates; for load time and tests).
    public func lookup(_ name: String) -> UInt32? {
        Array(name.utf8).withUnsafeBytes { lookup($0) }
    }

    /// The name of symbol `id`. `id` must be valid.
    public func name(of id: UInt32) -> String { names[Int(id) - 1] }

    /// The NUL-terminated name of symbol `id`, valid as long as the table lives.
    public func cString(of id: UInt32) -> UnsafePointer<CChar> { UnsafePointer(cStrings[Int(id) - 1]) }

    private func matches(_ id: UInt32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let cString = cStrings[Int(id) - 1]
        for index in 0..<bytes.count {
            let stored = UInt8(bitPattern: cString[index])
            if stored == 0 || stored != bytes[index] { return false }
        }
        return cString[bytes.count] == 0
    }

    private func insert(_ id: UInt32) {
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: hashes[Int(id) - 1]) & mask
        while slots[index] != 0 { index = (index + 1) & mask }
        slots[index] = id
    }

    private func rehash(capacity: Int) {
        slots = Array(repeating: 0, count: capacity)
        for id in 1...UInt32(names.count) { insert(id) }
    }

    /// FNV-1a, 64-bit: simple, fast on short keys, and stable across runs (unlike `Hasher`).
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }
}
