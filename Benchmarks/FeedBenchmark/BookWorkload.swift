import Foundation
import CSQLite
import Journal

#if canImport(Glibc)
import Glibc
#endif

/// `--workload book`: what a real multi-strategy book does to the host, run as a user runs it.
///
/// Eight EMA-crossover strategies (the bundled `libEMACrossover.so`), one per symbol, on a
/// deterministic ticks file of eight symbols, with every limit of the chain on. Bars of 4 s, EMA
/// 3/8 and an ATR stop on every entry make about 25–30 intents per 1,000 ticks: the order rate
/// of an ordinary book. Each configuration runs the real `gatehouse replay` command (the release
/// binary beside this one) as a child process: journal off, then journal on; the report gives
/// wall time of the whole command, event-loop ticks/s, intents per 1,000 ticks, refusals for the
/// journal's sake, the decision digest of both (equal when the journal changes nothing), the
/// journal's bytes per decision with every table's rows, and peak RSS. Beside it, the same run
/// measures raw SQLite inserting as many rows as the journal wrote (`RawSQLiteRows`).
enum BookWorkload {
    static let symbols = ["BTCUSD", "ETHUSD", "SOLUSD", "XAUUSD", "ADAUSD", "XRPUSD", "DOTUSD", "LTCUSD"]
    static let startPrices: [Double] = [60_000, 3_000, 150, 2_300, 0.45, 0.6, 7, 80]

    /// Writes `count` trades of the eight symbols, about 8 a second in all, as a ticks file.
    /// Prices are log random walks whose drift changes every few minutes (trends and ranges), so
    /// crossovers come at a steady rate. The same `count` and `seed` give the same bytes.
    static func writeTicks(count: Int, to path: String, seed: UInt64 = 7) throws {
        var rng = SplitMix64(seed: seed)
        var logPrices = startPrices.map { Foundation.log($0) }
        var drifts = Array(repeating: 0.0, count: symbols.count)
        var clock: Int64 = 1_772_460_000_000_000_000   // 2026-03-02T14:00:00Z
        guard let out = fopen(path, "w") else { throw BenchmarkFailure("cannot write \(path)") }
        defer { fclose(out) }
        fputs("# ts_ns,symbol,price,size: book workload, \(count) trades, seed \(seed)\n", out)
        for index in 0..<count {
            clock += Int64(60_000_000 + rng.next() % 130_000_000)   // 60–190 ms apart
            let symbol = Int(rng.next() % UInt64(symbols.count))
            if index % 2_000 == 0 {
                for s in drifts.indices { drifts[s] = (rng.unit() - 0.5) * 0.00015 }
            }
            logPrices[symbol] += drifts[symbol] + (rng.unit() - 0.5) * 0.0016
            let price = Foundation.exp(logPrices[symbol])
            let size = 0.001 + rng.unit() * 2
            fputs("\(clock),\(symbols[symbol]),\(String(format: "%.6g", price)),\(String(format: "%.4f", size))\n", out)
        }
    }

    /// The book's config: eight live EMA strategies, 10,000 USD each, default limits but for the
    /// trade count (an active book trades more than 20 times a day) and the decay detector's
    /// Sharpe floor: it still keeps every window and checks every closed trade, but at −100, so
    /// strategies on a random walk are not all paused within the hour and the book keeps trading.
    /// `journal`: its section.
    static func writeConfig(to path: String, pluginDir: String, journal: String?, snapshotEveryEvents: Int? = nil,
                            stream: String? = nil) throws {
        var text = """
            host:
              id: bench-book
              log_level: warning
              plugin_dirs: ["\(pluginDir)"]
            feeds:
              - name: sim
                endpoint: tcp://127.0.0.1:5556
                topics: ["md.sim."]
                receive_hwm: 100000
            strategies:

            """
        for symbol in symbols {
            text += """
                  - name: ema_\(symbol.lowercased())
                    plugin: libEMACrossover.so
                    symbols: [\(symbol)]
                    mode: live
                    allocated_capital_usd: 10000
                    params: {fast_period: 3, slow_period: 8, bar_seconds: 4, atr_period: 14, atr_multiple: 2.0, risk_usd: 20, max_notional_usd: 1500}

                """
        }
        text += """
            risk:
              account:
                starting_equity_usd: 80000
              strategy:
                max_trades_per_day: 5000
              decay:
                min_sharpe: -100
              clusters:
                - name: crypto
                  symbols: [BTCUSD, ETHUSD, SOLUSD, ADAUSD, XRPUSD, DOTUSD, LTCUSD]
                  max_pct_of_equity: 40
            execution:
              live_adapter: paper

            """
        if let journal {
            text += "journal:\n  path: \(journal)\n"
            if let snapshotEveryEvents { text += "  snapshot_every_events: \(snapshotEveryEvents)\n  snapshot_interval_seconds: 0\n" }
        }
        // The risk event stream, bound with no subscriber: its thread projects and sends every
        // message (XPUB drops nothing it has no subscriber for only after building it).
        if let stream { text += "events:\n  endpoint: \(stream)\n" }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// One `gatehouse replay` of the book.
    struct Run {
        var label: String
        var wallSeconds: Double
        var ticks: Double
        var ticksPerSecond: Double
        /// The event loop's own CPU time, seconds.
        var loopCPUSeconds: Double
        var intents: Double
        var decisions: Double
        var journalRefusals: Double
        var digest: String
        var peakRSSMB: Double
        var journal: JournalFigures?
        /// Decisions by verdict and by reason, all strategies.
        var verdicts: [String: Double]
        var reasons: [String: Double]
    }

    /// What the journal of a run holds.
    struct JournalFigures {
        var bytes: Int
        var rows: [(table: String, rows: Int)]
        var stageRows: Int
        /// Bytes of each table and index on disk (SQLite's `dbstat`), largest first.
        var pages: [(name: String, bytes: Int)]
        var totalRows: Int { rows.reduce(0) { $0 + $1.rows } + stageRows }
    }

    /// Runs `gatehouse replay` of `ticks` with `config`, returning what its summary and the
    /// journal (if any) say.
    static func replay(label: String, gatehouse: String, config: String, ticks: String, journal: String?) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: gatehouse)
        process.arguments = ["replay", "--config", config, "--ticks", ticks]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let start = monotonicNanos()
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let wall = seconds(from: start, to: monotonicNanos())
        guard process.terminationStatus == 0 else { throw BenchmarkFailure("\(label): gatehouse replay exited \(process.terminationStatus)") }
        guard let summary = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw BenchmarkFailure("\(label): the replay printed no JSON summary")
        }
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)   // the largest child so far: runs go from small to large
        let strategies = summary["strategies"] as? [[String: Any]] ?? []
        func total(_ key: String) -> Double { strategies.reduce(0) { $0 + ((($1[key] as? NSNumber)?.doubleValue) ?? 0) } }
        let decisions = strategies.reduce(0.0) { sum, s in
            sum + ((s["decisions"] as? [String: NSNumber])?.values.reduce(0) { $0 + $1.doubleValue } ?? 0)
        }
        let refusals = strategies.reduce(0.0) { sum, s in
            sum + (((s["reasons"] as? [String: NSNumber])?["JOURNAL_UNAVAILABLE"])?.doubleValue ?? 0)
        }
        var verdicts: [String: Double] = [:], reasons: [String: Double] = [:]
        for strategy in strategies {
            for (key, value) in strategy["decisions"] as? [String: NSNumber] ?? [:] { verdicts[key, default: 0] += value.doubleValue }
            for (key, value) in strategy["reasons"] as? [String: NSNumber] ?? [:] { reasons[key, default: 0] += value.doubleValue }
        }
        var figures: JournalFigures?
        if let journal {
            let reader = try JournalReader(path: journal)
            defer { reader.close() }
            var rows: [(String, Int)] = []
            for kind in JournalRecord.Kind.allCases { rows.append((kind.table, try reader.count(kind))) }
            let size = ((try? FileManager.default.attributesOfItem(atPath: journal)[.size] as? NSNumber)?.intValue) ?? 0
            figures = JournalFigures(bytes: size, rows: rows, stageRows: try reader.stageRowCount(), pages: diskUse(journal))
        }
        return Run(label: label, wallSeconds: wall, ticks: (summary["ticks"] as? NSNumber)?.doubleValue ?? 0,
                   ticksPerSecond: (summary["ticksPerSecond"] as? NSNumber)?.doubleValue ?? 0,
                   loopCPUSeconds: (summary["loopCPUSeconds"] as? NSNumber)?.doubleValue ?? 0,
                   intents: total("intents"), decisions: decisions, journalRefusals: refusals,
                   digest: summary["decisionDigest"] as? String ?? "?", peakRSSMB: Double(usage.ru_maxrss) / 1024,
                   journal: figures, verdicts: verdicts, reasons: reasons)
    }

    /// The folder a workload writes into (`keep`, or a new temporary one the caller removes) and
    /// the folder of this binary, where the release `gatehouse` and the plugins are.
    static func workspace(_ name: String, keep: String?) throws -> (folder: URL, binaries: String) {
        let folder = keep.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-bench-\(name)-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let binaries = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().path
        return (folder, binaries)
    }

    /// The first column of the first row of `sql` on `db`, -1 when there is none.
    static func scalar(_ db: OpaquePointer, _ sql: String) -> Int64 {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else { return -1 }
        defer { sqlite3_finalize(statement) }
        return sqlite3_step(statement) == SQLITE_ROW ? sqlite3_column_int64(statement, 0) : -1
    }

    /// Bytes per table and index of the SQLite file at `path` (`dbstat`), largest first.
    static func diskUse(_ path: String) -> [(name: String, bytes: Int)] {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK, let db else { return [] }
        defer { sqlite3_close(db) }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC", -1, &statement, nil) == SQLITE_OK,
              let statement else { return [] }
        defer { sqlite3_finalize(statement) }
        var result: [(String, Int)] = []
        while sqlite3_step(statement) == SQLITE_ROW {
            result.append((String(cString: sqlite3_column_text(statement, 0)), Int(sqlite3_column_int64(statement, 1))))
        }
        return result
    }

    /// The whole workload: ticks, the two configs, journal off then on, the raw SQLite baseline.
    /// `keep`: write the ticks, configs and journals there and leave them (for profiling);
    /// otherwise a temporary folder, removed at the end.
    static func run(events: Int, runs: Int, keep: String? = nil) throws -> String {
        let (folder, binaries) = try workspace("book", keep: keep)
        defer { if keep == nil { try? FileManager.default.removeItem(at: folder) } }
        let gatehouse = binaries + "/gatehouse"
        guard FileManager.default.isExecutableFile(atPath: gatehouse) else {
            throw BenchmarkFailure("\(gatehouse) not found: build every product first (swift build -c release)")
        }
        let ticks = folder.appendingPathComponent("book.csv").path
        note("book workload: writing \(events) ticks of \(symbols.count) symbols")
        try writeTicks(count: events, to: ticks)
        let plain = folder.appendingPathComponent("book.yaml").path
        try writeConfig(to: plain, pluginDir: binaries, journal: nil)
        var results: [Run] = []
        for run in 1...runs {
            note("book workload: journal off, run \(run)/\(runs)")
            results.append(try replay(label: "journal off", gatehouse: gatehouse, config: plain, ticks: ticks, journal: nil))
        }
        for run in 1...runs {
            let journal = folder.appendingPathComponent("journal-\(run).sqlite").path
            let journaled = folder.appendingPathComponent("book-journal-\(run).yaml").path
            try writeConfig(to: journaled, pluginDir: binaries, journal: journal)
            note("book workload: journal on, run \(run)/\(runs)")
            results.append(try replay(label: "journal on", gatehouse: gatehouse, config: journaled, ticks: ticks, journal: journal))
        }
        for run in 1...runs {
            let journal = folder.appendingPathComponent("journal-stream-\(run).sqlite").path
            let streamed = folder.appendingPathComponent("book-journal-stream-\(run).yaml").path
            try writeConfig(to: streamed, pluginDir: binaries, journal: journal, stream: "ipc://\(folder.path)/events-\(run).sock")
            note("book workload: journal and event stream on, run \(run)/\(runs)")
            results.append(try replay(label: "journal + stream", gatehouse: gatehouse, config: streamed, ticks: ticks, journal: journal))
        }
        let rows = results.last?.journal?.totalRows ?? 0
        note("book workload: raw SQLite, \(rows) rows")
        let raw = try RawSQLiteRows.measure(rows: max(rows, 10_000), in: folder.path)
        return render(results, raw: raw, events: events)
    }

    static func render(_ results: [Run], raw: RawSQLiteRows.Result, events: Int) -> String {
        func median(_ values: [Double]) -> Double {
            let sorted = values.sorted()
            return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
        }
        var lines = ["", "## Book workload: 8 EMA strategies × 8 symbols, \(events) ticks, `gatehouse replay` (release)", ""]
        lines.append("| | runs | wall s (median) | loop ticks/s (median) | loop CPU ns/tick (median) | intents / 1k ticks | JOURNAL_UNAVAILABLE | digest | peak RSS MB |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|---|---:|")
        for label in ["journal off", "journal on", "journal + stream"] {
            let group = results.filter { $0.label == label }
            guard let first = group.first else { continue }
            let digests = Set(group.map(\.digest)).sorted().joined(separator: ", ")
            lines.append(String(format: "| %@ | %d | %.2f | %.0f | %.0f | %.1f | %.0f | %@ | %.0f |", label, group.count,
                                median(group.map(\.wallSeconds)), median(group.map(\.ticksPerSecond)),
                                median(group.map { $0.loopCPUSeconds / max(1, $0.ticks) * 1e9 }),
                                first.intents / max(1, first.ticks) * 1000, group.map(\.journalRefusals).max() ?? 0,
                                digests, group.map(\.peakRSSMB).max() ?? 0))
        }
        let off = results.filter { $0.label == "journal off" }, on = results.filter { $0.label == "journal on" }
        let streamed = results.filter { $0.label == "journal + stream" }
        if !off.isEmpty && !on.isEmpty {
            let ratio = median(on.map(\.ticksPerSecond)) / max(1, median(off.map(\.ticksPerSecond)))
            let cpuRatio = median(off.map(\.loopCPUSeconds)) / max(1e-9, median(on.map(\.loopCPUSeconds)))
            let same = Set((off + on).map(\.digest)).count == 1
            lines.append("")
            lines.append(String(format: "journal on / off: loop ticks/s (wall) %.0f %%, loop's own CPU per tick %.0f %% of the rate; whole command: %.0f k ticks/s with the journal; decisions %@ with and without it",
                                ratio * 100, cpuRatio * 100, Double(events) / max(1e-9, median(on.map(\.wallSeconds))) / 1000,
                                same ? "identical (one digest)" : "DIFFERENT"))
            if !streamed.isEmpty {
                lines.append(String(format: "journal + stream / off: loop ticks/s (wall) %.0f %%; whole command %.0f k ticks/s; decisions %@",
                                    median(streamed.map(\.ticksPerSecond)) / max(1, median(off.map(\.ticksPerSecond))) * 100,
                                    Double(events) / max(1e-9, median(streamed.map(\.wallSeconds))) / 1000,
                                    Set((off + streamed).map(\.digest)).count == 1 ? "identical (one digest)" : "DIFFERENT"))
            }
        }
        if let run = off.first {
            lines.append("")
            lines.append("decisions: " + run.verdicts.sorted { $0.key < $1.key }.map { "\($0.key) \(Int($0.value))" }.joined(separator: ", ")
                         + "; reasons: " + run.reasons.sorted { $0.value > $1.value }.map { "\($0.key) \(Int($0.value))" }.joined(separator: ", "))
        }
        if let figures = on.last?.journal, let run = on.last {
            lines.append("")
            lines.append(String(format: "journal: %.1f MB for %.0f decisions = %.0f bytes per decision; %d rows (%.1f per decision)",
                                Double(figures.bytes) / 1e6, run.decisions, Double(figures.bytes) / max(1, run.decisions),
                                figures.totalRows, Double(figures.totalRows) / max(1, run.decisions)))
            let table = figures.rows.filter { $0.rows > 0 }.map { "\($0.table) \($0.rows)" } + ["decision_stages \(figures.stageRows)"]
            lines.append("rows: " + table.joined(separator: ", "))
            lines.append("bytes per decision by table and index (dbstat): " + figures.pages.prefix(12).map {
                String(format: "%@ %.0f", $0.name, Double($0.bytes) / max(1, run.decisions))
            }.joined(separator: ", "))
            let journalRowsPerSecond = Double(figures.totalRows) / max(1e-9, median(on.map(\.wallSeconds)))
            lines.append(String(format: "raw SQLite baseline (same run): %.0f rows/s (%d rows, 1,000 per transaction, WAL, synchronous=NORMAL); the journal wrote %.0f rows/s of wall time, %.0f %% of it",
                                raw.rowsPerSecond, raw.rows, journalRowsPerSecond, journalRowsPerSecond / max(1, raw.rowsPerSecond) * 100))
        }
        return lines.joined(separator: "\n")
    }

    // MARK: Recovery time

    /// `--workload recovery`: how long a restart takes to re-apply a tail of `tails` records.
    /// One journaled replay of the book with no snapshot but its start and stop; for each tail
    /// length, a copy of the journal cut after that many records past the start snapshot (at the
    /// end of a group, with the stop snapshot gone), restarted with `gatehouse replay` of an empty
    /// ticks file: the whole command's wall time beside the same restart on the uncut journal,
    /// which resumes from its stop snapshot with nothing to re-apply.
    static func recovery(events: Int, tails: [Int], runs: Int, keep: String?) throws -> String {
        let (folder, binaries) = try workspace("recovery", keep: keep)
        defer { if keep == nil { try? FileManager.default.removeItem(at: folder) } }
        let gatehouse = binaries + "/gatehouse"
        let ticks = folder.appendingPathComponent("book.csv").path
        note("recovery: writing \(events) ticks")
        try writeTicks(count: events, to: ticks)
        let journal = folder.appendingPathComponent("full.sqlite").path
        let config = folder.appendingPathComponent("recovery.yaml").path
        try writeConfig(to: config, pluginDir: binaries, journal: journal, snapshotEveryEvents: 10_000_000)
        note("recovery: journaled replay")
        _ = try replay(label: "journaled", gatehouse: gatehouse, config: config, ticks: ticks, journal: nil)
        let empty = folder.appendingPathComponent("empty.csv").path
        try "# no ticks\n".write(toFile: empty, atomically: true, encoding: .utf8)

        var db: OpaquePointer?
        guard sqlite3_open_v2(journal, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK, let db else { throw BenchmarkFailure("cannot read \(journal)") }
        let start = scalar(db, "SELECT seq FROM snapshots WHERE reason = 'start' ORDER BY seq LIMIT 1")
        let available = scalar(db, "SELECT count(*) FROM records WHERE seq > \(start) AND kind != 'snapshot'")
        sqlite3_close(db)

        /// Wall times of restarts on copies of `path` (medians of `runs`), seconds: the first
        /// restart re-applies the tail; the second, on the same copy, resumes from the stop
        /// snapshot the first one wrote, with nothing to re-apply (the same file, so the same
        /// open and integrity check).
        func restart(_ path: String) throws -> (withTail: Double, without: Double) {
            var first: [Double] = [], second: [Double] = []
            for _ in 1...runs {
                let copy = path + ".run"
                try? FileManager.default.removeItem(atPath: copy)
                try FileManager.default.copyItem(atPath: path, toPath: copy)
                let copyConfig = folder.appendingPathComponent("restart.yaml").path
                try writeConfig(to: copyConfig, pluginDir: binaries, journal: copy, snapshotEveryEvents: 10_000_000)
                first.append(try replay(label: "restart", gatehouse: gatehouse, config: copyConfig, ticks: empty, journal: nil).wallSeconds)
                second.append(try replay(label: "restart", gatehouse: gatehouse, config: copyConfig, ticks: empty, journal: nil).wallSeconds)
                for suffix in ["", "-wal", "-shm", ".lock"] { try? FileManager.default.removeItem(atPath: copy + suffix) }
            }
            return (first.sorted()[first.count / 2], second.sorted()[second.count / 2])
        }
        var lines = ["", "## Recovery time: restart after a crash, by tail length (book workload, \(events) ticks journaled)", "",
                     "| tail records | of which tick blocks | decisions | restart s, tail re-applied | restart s, same file from its stop snapshot | the tail's share, s | records/s |",
                     "|---:|---:|---:|---:|---:|---:|---:|"]
        for tail in tails {
            guard Int64(tail) <= available else {
                lines.append("| \(tail) | the run journaled only \(available) records after its start snapshot | | | | | |")
                continue
            }
            let cut = folder.appendingPathComponent("tail-\(tail).sqlite").path
            try? FileManager.default.removeItem(atPath: cut)
            try FileManager.default.copyItem(atPath: journal, toPath: cut)
            var cutDB: OpaquePointer?
            guard sqlite3_open(cut, &cutDB) == SQLITE_OK, let cutDB else { throw BenchmarkFailure("cannot open \(cut)") }
            func execute(_ sql: String) throws {
                guard sqlite3_exec(cutDB, sql, nil, nil, nil) == SQLITE_OK else {
                    throw BenchmarkFailure("\(sql): \(String(cString: sqlite3_errmsg(cutDB)))")
                }
            }
            func count(_ sql: String) -> Int64 { scalar(cutDB, sql) }
            // The `tail`-th record after the start snapshot, moved on to the end of its group: the
            // record before the next tick block.
            let target = count("SELECT seq FROM records WHERE seq > \(start) AND kind != 'snapshot' ORDER BY seq LIMIT 1 OFFSET \(tail - 1)")
            let next = count("SELECT coalesce(min(seq), 0) FROM market_ticks WHERE seq > \(target)")
            let end = next > 0 ? next - 1 : target
            for table in JournalRecord.Kind.allCases.map(\.table) { try execute("DELETE FROM \(table) WHERE seq > \(end)") }
            try execute("DELETE FROM decision_stages WHERE decision_seq > \(end)")
            try execute("DELETE FROM snapshots WHERE reason != 'start'")
            let records = count("SELECT count(*) FROM records WHERE seq > \(start)")
            let blocks = count("SELECT count(*) FROM market_ticks WHERE seq > \(start)")
            let decisions = count("SELECT count(*) FROM decisions WHERE seq > \(start)")
            sqlite3_close(cutDB)
            note("recovery: restart with a tail of \(records) records")
            let (time, baseline) = try restart(cut)
            lines.append(String(format: "| %lld | %lld | %lld | %.3f | %.3f | %.3f | %.0f |", records, blocks, decisions, time, baseline,
                                time - baseline, Double(records) / max(1e-9, time - baseline)))
            for suffix in ["", "-wal", "-shm", ".lock"] { try? FileManager.default.removeItem(atPath: cut + suffix) }
        }
        return lines.joined(separator: "\n")
    }

    // MARK: Memory over a long run

    /// `--workload rss`: the host's resident memory along a long journaled replay of the book.
    /// Every 250 ms the child's `VmRSS` (/proc/<pid>/status) is read beside the ticks the journal
    /// holds by then (`sum(tick_count)` of `market_ticks`, read-only beside the writer); a row is
    /// printed as each million ticks is passed. Flat after warm-up means nothing grows per tick.
    static func rss(events: Int, keep: String?) throws -> String {
        let (folder, binaries) = try workspace("rss", keep: keep)
        defer { if keep == nil { try? FileManager.default.removeItem(at: folder) } }
        let ticks = folder.appendingPathComponent("book.csv").path
        note("rss: writing \(events) ticks")
        try writeTicks(count: events, to: ticks)
        let journal = folder.appendingPathComponent("rss.sqlite").path
        let config = folder.appendingPathComponent("rss.yaml").path
        try writeConfig(to: config, pluginDir: binaries, journal: journal)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binaries + "/gatehouse")
        process.arguments = ["replay", "--config", config, "--ticks", ticks]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        note("rss: gatehouse replay of \(events) ticks, journal on")
        let start = monotonicNanos()
        try process.run()
        func residentMB() -> Double? {
            guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
                  let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
                  let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
            return kb / 1024
        }
        func journaledTicks() -> Int64 {
            var db: OpaquePointer?
            guard sqlite3_open_v2(journal, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK, let db else { return 0 }
            defer { sqlite3_close(db) }
            return max(0, scalar(db, "SELECT coalesce(sum(tick_count), 0) FROM market_ticks"))
        }
        var lines = ["", "## Resident memory along a \(events)-tick journaled replay of the book (`gatehouse replay`, release)", "",
                     "| ticks journaled | seconds | RSS MB |", "|---:|---:|---:|"]
        var nextMillion: Int64 = 1_000_000
        var peak = 0.0
        while process.isRunning {
            usleep(250_000)
            guard let rss = residentMB() else { continue }
            peak = max(peak, rss)
            let done = journaledTicks()
            if done >= nextMillion {
                lines.append(String(format: "| %lld | %.1f | %.0f |", done, seconds(from: start, to: monotonicNanos()), rss))
                while nextMillion <= done { nextMillion += 1_000_000 }
            }
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchmarkFailure("rss: gatehouse replay exited \(process.terminationStatus)") }
        lines.append("")
        lines.append(String(format: "peak RSS sampled: %.0f MB; whole command %.1f s", peak, seconds(from: start, to: monotonicNanos())))
        return lines.joined(separator: "\n")
    }
}
