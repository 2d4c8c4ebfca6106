import Engine
import Testing
@testable import Host

/// `OperatorRequest.decode` without a running host (the end-to-end cases are in
/// ControlBadInputTests): what counts as a blank operator or reason, and the client's JSON.
@Suite("Operator request decoding")
struct OperatorRequestDecodeTests {
    static func decode(_ json: String) throws(OperatorRequest.Invalid) -> OperatorRequest {
        try OperatorRequest.decode(Array(json.utf8))
    }

    /// Blank counts as none, whatever the white space (found by the control-request fuzz target:
    /// a reason of one line break was taken).
    @Test(arguments: [#"\n"#, #"\r\n"#, #" \t\n "#, #"\u00a0"#, #"\u2028"#, ""])
    func aBlankReasonOrOperatorIsNone(blank: String) {
        #expect(throws: OperatorRequest.Invalid.self) {
            try Self.decode(#"{"verb":"kill","operator":"bob","reason":"\#(blank)"}"#)
        }
        #expect(throws: OperatorRequest.Invalid.self) {
            try Self.decode(#"{"verb":"kill","operator":"\#(blank)","reason":"venue outage"}"#)
        }
    }

    @Test func theClientsJSONReadsBackAsTheSameRequest() throws {
        let body = ControlClient.requestBody(verb: "reset", strategy: nil, operatorName: "bob \"b\"", reason: "cause cleared\nby hand", force: true)
        let request = try Self.decode(body)
        #expect(request == OperatorRequest(verb: .reset, strategy: nil, operatorName: "bob \"b\"", reason: "cause cleared\nby hand", force: true))
    }

    @Test func aLimitsRequestCarriesTheFilesTextAndNeedsIt() throws {
        let yaml = "risk:\n  strategy:\n    max_position_pct: 20 # \"tighter\"\n"
        let body = ControlClient.requestBody(verb: "limits", strategy: nil, operatorName: "carol", reason: "open", force: false,
                                             limitsYAML: yaml)
        #expect(try Self.decode(body) == OperatorRequest(verb: .limits, strategy: nil, operatorName: "carol", reason: "open",
                                                          force: false, limitsYAML: yaml))
        for json in [#"{"verb":"limits","operator":"carol","reason":"open"}"#, #"{"verb":"limits","operator":"carol","reason":"open","limits":""}"#] {
            #expect(throws: OperatorRequest.Invalid(description: "limits needs the new risk section in 'limits' (gatehouse ctl limits --file <yaml>)")) {
                try Self.decode(json)
            }
        }
        #expect(throws: OperatorRequest.Invalid(description: "'limits' goes with the limits verb only")) {
            try Self.decode(#"{"verb":"kill","operator":"carol","reason":"open","limits":"risk: {}"}"#)
        }
    }
}
