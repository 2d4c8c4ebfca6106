import MarketData

/// What a full read of a ticks file found, without keeping its events.
public struct TickFileSummary: Sendable, Equatable {
    /// Trades and quotes.
    public var events: Int
    /// Lines, blank and comment lines included.
    public var lines: Int
    /// Bytes read.
    public var bytes: Int
    /// Symbols in order of first appearance (ids 1, 2, … in a reader of the same file).
    public var symbols: [String]

    /// A summary of the given counts.
    public init(events: Int, lines: Int, bytes: Int, symbols: [String]) {
        self.events = events
        self.lines = lines
        self.bytes = bytes
        self.symbols = symbols
    }
}

extension TickFileReader {
    /// Reads and checks every line of the file at `path` in constant memory, keeping only counts.
    ///
    /// A replay runs this before it starts, so that a bad line anywhere in the file stops it
    /// before any tick is sent (nothing half-replayed into a host or a journal), and so that it
    /// knows how many events to expect. At 3 M+ lines/s it costs far less than the replay.
    /// - Parameter progress: called with (bytes read, file size if known) about every
    ///   `progressInterval`, and once at the end.
    public static func check(
        path: String, chunkSize: Int = TickFileReader.defaultChunkSize, progressInterval: Duration = .milliseconds(200),
        progress: ((Int, Int?) -> Void)? = nil
    ) throws(TickFile.ParseError) -> TickFileSummary {
        var reader = try TickFileReader(path: path, chunkSize: chunkSize)
        let clock = ContinuousClock()
        var nextProgress = clock.now + progressInterval
        while try reader.next() != nil {
            // Looking at the clock every event would cost more than the parse.
            if let progress, reader.eventsRead & 0xFFFF == 0, clock.now >= nextProgress {
                progress(reader.bytesRead, reader.totalBytes)
                nextProgress = clock.now + progressInterval
            }
        }
        progress?(reader.bytesRead, reader.totalBytes)
        return TickFileSummary(events: reader.eventsRead, lines: reader.linesRead, bytes: reader.bytesRead, symbols: reader.symbols.allNames)
    }
}
