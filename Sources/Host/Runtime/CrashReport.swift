import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// What was running when a fatal signal struck: a plugin runs in the host's process, so a crash
/// in it (or in the host) stops the host. Before the process dies, the signal handler writes one
/// line to stderr naming the signal and, when the event loop was inside a plugin, the strategy
/// instance and the callback:
///
///     gatehouse: fatal signal SIGSEGV while strategy 'ema_majors' ran on_market_data; the host stops. Restarted on its journal, it recovers its state (docs/plugin-abi.md, Crashes)
///
/// then hands the signal to the handler that was there before (the Swift runtime's backtrace,
/// or the default action), so the exit status and any core dump are as without it.
///
/// The loop marks each plugin call (`enter`, `leave`): two relaxed atomic stores (plain stores on
/// x86-64), no lock, no allocation; atomic because a process may run several hosts at once (the
/// tests do; ThreadSanitizer reported the plain globals), and then the last call marked is named.
/// The handler only reads them and calls `write(2)`, which is async-signal-safe; every string it
/// writes is made at install time.
enum CrashReport {
    /// Callbacks, by the index `enter` takes.
    enum Callback: Int32, CaseIterable {
        case create, onMarketData, onDecision, onFill, onOrderUpdate, onTimer, destroy, onStart, onStop

        var name: String {
            switch self {
            case .create: "create"
            case .onMarketData: "on_market_data"
            case .onDecision: "on_decision"
            case .onFill: "on_fill"
            case .onOrderUpdate: "on_order_update"
            case .onTimer: "on_timer"
            case .destroy: "destroy"
            case .onStart: "on_start"
            case .onStop: "on_stop"
            }
        }
    }

    /// Marks the start of a call into strategy `index`'s plugin.
    @inline(__always)
    static func enter(_ index: Int, _ callback: Callback) {
        crashCallback.store(callback.rawValue, ordering: .relaxed)
        crashStrategy.store(Int32(index), ordering: .relaxed)
    }

    /// Marks the end of the call (the loop is in the host again).
    @inline(__always)
    static func leave() {
        crashStrategy.store(-1, ordering: .relaxed)
    }

    /// Installs the handler for SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT and SIGTRAP, with an
    /// alternate stack for the calling thread if it has none (a stack overflow is one of the
    /// crashes it reports): call it on the event-loop thread. `strategies` names the instances by index (a
    /// later call replaces them); the handler is installed once per process.
    static func install(strategies: [String]) {
        let lines = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: max(1, strategies.count))
        for (index, name) in strategies.enumerated() { lines[index] = strdup(name) }
        setUpAlternateStack()
        // One install at a time: a process may start hosts on several threads (the tests do).
        crashInstallLock.withLock { _ in
            let previous = crashNames, previousCount = Int(crashNameCount)
            crashNameCount = 0
            crashNames = lines
            crashNameCount = Int32(strategies.count)
            // The names of the host before, in a process that runs several: freed, not kept for
            // ever (the handler reads them only while it handles a fatal signal).
            if let previous {
                for index in 0..<previousCount { free(previous[index]) }
                previous.deallocate()
            }
            guard !crashInstalled else { return }
            crashInstalled = true
            for signal in crashSignals {
                var action = sigaction()
                action.__sigaction_handler.sa_handler = crashHandler
                action.sa_flags = Int32(SA_ONSTACK)
                sigemptyset(&action.sa_mask)
                var previous = sigaction()
                sigaction(signal, &action, &previous)
                crashPrevious[Int(signal)] = previous
            }
        }
    }
}

extension CrashReport {
    /// Bytes of the alternate stack `setUpAlternateStack` makes: room for this handler (a few
    /// `write(2)` calls) and for the handler it hands the signal on to, which runs on it too.
    static let alternateStackSize = 1 << 16

    /// Gives the calling thread an alternate signal stack (so the handler still runs after a stack
    /// overflow), unless the thread has one already: whoever set that one up keeps it. (AddressSanitizer
    /// gives every thread its own and unmaps it when the thread ends; a stack put in its place made
    /// that unmap fail and the sanitizer abort the process.) Returns whether it set one up.
    @discardableResult
    static func setUpAlternateStack() -> Bool {
        var current = stack_t()
        if sigaltstack(nil, &current) == 0 && current.ss_flags & Int32(SS_DISABLE) == 0 { return false }
        var stack = stack_t()
        let memory = UnsafeMutableRawPointer.allocate(byteCount: alternateStackSize, alignment: 16)
        stack.ss_sp = memory
        stack.ss_size = alternateStackSize
        stack.ss_flags = 0
        guard sigaltstack(&stack, nil) == 0 else {
            memory.deallocate()
            return false
        }
        crashOwnStacks.withLock { _ = $0.insert(UInt(bitPattern: memory)) }
        return true
    }

    /// Takes back the alternate stack `setUpAlternateStack` gave the calling thread, if it did (a
    /// stack someone else set up stays): the loop thread calls it as it ends, so a process that runs
    /// many hosts one after another (the demo, the tests) does not keep a stack for each.
    static func removeAlternateStack() {
        var current = stack_t()
        guard sigaltstack(nil, &current) == 0, current.ss_flags & Int32(SS_DISABLE) == 0, let memory = current.ss_sp,
              crashOwnStacks.withLock({ $0.remove(UInt(bitPattern: memory)) != nil })
        else { return }
        var disabled = stack_t()
        disabled.ss_flags = Int32(SS_DISABLE)
        sigaltstack(&disabled, nil)
        memory.deallocate()
    }
}

/// Held while `install` changes the names and the handlers.
private let crashInstallLock = Mutex<Void>(())
/// The addresses of the alternate stacks `setUpAlternateStack` made and has not taken back.
private let crashOwnStacks = Mutex<Set<UInt>>([])
private let crashSignals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP]
/// The strategy (index) whose plugin is running, -1 in the host; lock-free, so the handler may read it.
private let crashStrategy = Atomic<Int32>(-1)
/// The callback it is in (`CrashReport.Callback`).
private let crashCallback = Atomic<Int32>(0)
nonisolated(unsafe) private var crashNames: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
nonisolated(unsafe) private var crashNameCount: Int32 = 0
nonisolated(unsafe) private var crashInstalled = false
nonisolated(unsafe) private var crashPrevious: [sigaction] = Array(repeating: sigaction(), count: 65)
/// C strings the handler writes, made once (a signal handler must not allocate).
nonisolated(unsafe) private let crashCallbackNames: [UnsafeMutablePointer<CChar>?] = CrashReport.Callback.allCases.map { strdup($0.name) }
/// By signal number (an array: a dictionary lookup hashes, which a handler should not).
nonisolated(unsafe) private let crashSignalNames: [UnsafeMutablePointer<CChar>?] = (0..<65).map { number in
    switch Int32(number) {
    case SIGSEGV: strdup("SIGSEGV")
    case SIGBUS: strdup("SIGBUS")
    case SIGILL: strdup("SIGILL")
    case SIGFPE: strdup("SIGFPE")
    case SIGABRT: strdup("SIGABRT")
    case SIGTRAP: strdup("SIGTRAP")
    default: nil
    }
}
nonisolated(unsafe) private let crashPieces: [UnsafeMutablePointer<CChar>?] = [
    strdup("gatehouse: fatal signal "), strdup(" while strategy '"), strdup("' ran "),
    strdup(" in the host, outside any strategy's callback"),
    strdup("; the host stops. Restarted on its journal, it recovers its state (docs/plugin-abi.md, Crashes)\n"),
]

private func crashWrite(_ text: UnsafeMutablePointer<CChar>?) {
    guard let text else { return }
    _ = write(2, text, strlen(text))
}

private let crashHandler: @convention(c) (Int32) -> Void = { signal in
    crashWrite(crashPieces[0])
    if signal >= 0 && Int(signal) < crashSignalNames.count { crashWrite(crashSignalNames[Int(signal)]) }
    let strategy = crashStrategy.load(ordering: .relaxed)
    if strategy >= 0 && strategy < crashNameCount, let names = crashNames {
        crashWrite(crashPieces[1])
        crashWrite(names[Int(strategy)])
        crashWrite(crashPieces[2])
        let callback = Int(crashCallback.load(ordering: .relaxed))
        if callback >= 0 && callback < crashCallbackNames.count { crashWrite(crashCallbackNames[callback]) }
    } else {
        crashWrite(crashPieces[3])
    }
    crashWrite(crashPieces[4])
    // The handler that was there before takes it from here (a backtrace, a core, the exit).
    var previous = crashPrevious[Int(signal)]
    sigaction(signal, &previous, nil)
    raise(signal)
}
