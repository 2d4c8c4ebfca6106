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
}
