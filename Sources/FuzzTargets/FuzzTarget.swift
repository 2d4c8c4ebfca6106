/// The parsers that read bytes from outside the host, each as a fuzz target: a function that takes
/// any bytes, runs the parser and checks the invariants it promises (docs/fuzzing-and-sanitizers.md).
///
/// A target never traps on its own account: a trap comes from the parser. Every broken invariant
/// is thrown as a `FuzzFinding`; the libFuzzer entry turns it into a crash (so libFuzzer keeps the
/// input), the seeded driver in the tests into a failed expectation.
package enum FuzzTarget: String, CaseIterable, Sendable, CustomStringConvertible {
    /// `FeedFrameDecoder.decode`: market-data frames from a feed.
    case feedFrame = "feed-frame"
    /// `OperatorRequest.decode`: a request on the control channel.
    case controlRequest = "control-request"
    /// `GatewayMessage.decode`: a frame from the order gateway.
    case gatewayMessage = "gateway-message"
    /// `ConfigLoader.parse` and the validator: a config file.
    case config
    /// `WhatIf.decodeInput` and `WhatIf.run`: a `gatehouse decide` input.
    case whatIf = "what-if"

    /// The target's name on the command line and its corpus folder's name.
    package var description: String { rawValue }

    /// Runs the target on `bytes`: whether the parser took the input; throws what broke.
    @discardableResult
    package func run(_ bytes: [UInt8]) throws(FuzzFinding) -> FuzzOutcome {
        switch self {
        case .feedFrame: try FeedFrameTarget.run(bytes)
        case .controlRequest: try ControlRequestTarget.run(bytes)
        case .gatewayMessage: try GatewayMessageTarget.run(bytes)
        case .config: try ConfigTarget.run(bytes)
        case .whatIf: try WhatIfTarget.run(bytes)
        }
    }

    /// Does the one-time work of the target (the what-if target's config), so that the first
    /// input is not slower than the others and a broken fixture shows before any input runs.
    package func prepare() {
        if self == .whatIf { _ = WhatIfTarget.config }
    }
}

/// What a parser made of an input that broke nothing.
package enum FuzzOutcome: Sendable, Equatable {
    /// It took the input (an event or end of stream, a request, a message, a config, decisions).
    case accepted
    /// It refused the input, saying why (a drop reason, an error).
    case refused
}
