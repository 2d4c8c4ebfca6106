import MarketData

/// Per-call cost of `FeedFrameDecoder.decode` on the synthetic trades, in both encodings.
///
/// Two timings of the same calls, because one `clock_gettime` pair costs about as much as a
/// binary decode: `per call` times each call on its own (the timer's own cost is included and
/// reported beside it); `batch of 16` times 16 consecutive calls and divides by 16 (the timer
/// cost is spread over 16 calls, but one slow call is averaged with 15 others).
enum DecodeLatency {
    struct Row {
        var payload: String
        var timing: String
        var stats: Percentiles
    }

    static let batch = 16

    /// Measures `samples` decodes of each encoding (after one untimed warm-up pass).
    static func measure(events: [MarketEvent], samples requested: Int) throws -> (rows: [Row], timer: Percentiles) {
        let samples = min(requested, events.count) / batch * batch
        guard samples > 0 else { throw BenchmarkFailure("decode latency: need at least \(batch) events") }
        let decoder = FeedFrameDecoder(symbols: SymbolTable(SyntheticTicks.symbols))
        let topics = SyntheticTicks.symbols.map { Array(FeedTopic.topic(venue: "sim", symbol: $0).utf8) }
        let topicIndex = events.prefix(samples).map { Int($0.symbolID - 1) }

        var binary = [UInt8]()
        var binaryOffsets = [0]
        var json = [UInt8]()
        var jsonOffsets = [0]
        var one = [UInt8]()
        for event in events.prefix(samples) {
            FeedFrameEncoder.encodeBinary(event, into: &one)
            binary.append(contentsOf: one)
            binaryOffsets.append(binary.count)
            json.append(contentsOf: FeedFrameEncoder.encodeJSON(event).utf8)
            jsonOffsets.append(json.count)
        }

        // The timer alone: back-to-back readings.
        var timerCosts = [UInt64](repeating: 0, count: samples)
        for index in 0..<samples {
            let start = monotonicNanos()
            timerCosts[index] = monotonicNanos() &- start
        }

        var rows: [Row] = []
        for (name, bytes, offsets) in [("binary (64 B)", binary, binaryOffsets), ("JSON (~\(json.count / samples) B)", json, jsonOffsets)] {
            let (perCall, perBatch) = try time(decoder: decoder, topics: topics, topicIndex: topicIndex, bytes: bytes, offsets: offsets, expected: events)
            rows.append(Row(payload: name, timing: "per call", stats: Percentiles(perCall)))
            rows.append(Row(payload: name, timing: "batch of \(batch), ÷\(batch)", stats: Percentiles(perBatch, scale: Double(batch))))
        }
        return (rows, Percentiles(timerCosts))
    }

    private static func time(
        decoder: FeedFrameDecoder, topics: [[UInt8]], topicIndex: [Int], bytes: [UInt8], offsets: [Int],
        expected: [MarketEvent]
    ) throws -> (perCall: [UInt64], perBatch: [UInt64]) {
        let samples = topicIndex.count
        var perCall = [UInt64](repeating: 0, count: samples)
        var perBatch = [UInt64](repeating: 0, count: samples / batch)
        var checksum: UInt64 = 0
        var failures = 0
        try bytes.withUnsafeBytes { all in
            try topics[0].withUnsafeBytes { t0 in
                try topics[1].withUnsafeBytes { t1 in
                    try topics[2].withUnsafeBytes { t2 in
                        try topics[3].withUnsafeBytes { t3 in
                            let topicBuffers = [t0, t1, t2, t3]
                            @inline(__always) func decode(_ index: Int) -> DecodedFrame {
                                decoder.decode(
                                    topic: topicBuffers[topicIndex[index]],
                                    payload: UnsafeRawBufferPointer(rebasing: all[offsets[index]..<offsets[index + 1]]))
                            }
                            @inline(__always) func consume(_ frame: DecodedFrame) {
                                if case .event(let event) = frame {
                                    checksum &+= UInt64(bitPattern: event.timestampNs) ^ event.v0.bitPattern
                                } else {
                                    failures += 1
                                }
                            }
                            // Warm-up, and a correctness check: every frame decodes to the event it came from.
                            for index in 0..<samples {
                                let frame = decode(index)
                                guard frame == .event(expected[index]) else {
                                    throw BenchmarkFailure("decode latency: frame \(index) decoded to \(frame)")
                                }
                            }
                            for index in 0..<samples {
                                let start = monotonicNanos()
                                let frame = decode(index)
                                let end = monotonicNanos()
                                consume(frame)
                                perCall[index] = end &- start
                            }
                            for group in 0..<(samples / batch) {
                                let base = group * batch
                                let start = monotonicNanos()
                                for index in base..<(base + batch) { consume(decode(index)) }
                                perBatch[group] = monotonicNanos() &- start
                            }
                        }
                    }
                }
            }
        }
        guard failures == 0 else { throw BenchmarkFailure("decode latency: \(failures) frames did not decode") }
        // Keeps the decoded values observable, so the optimiser cannot drop the calls.
        if checksum == 0x0123_4567_89AB_CDEF { note("checksum \(checksum)") }
        return (perCall, perBatch)
    }
}
