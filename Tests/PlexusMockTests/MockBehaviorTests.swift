import Testing

@testable import PlexusMock

@Suite("Behaviour grammar")
struct MockBehaviorTests {
    @Test(
        "presets",
        arguments: [
            ("demo-fast", 30, 0, 0, 0, 0.0),
            ("demo-slow", 30, 800, 0, 0, 20.0),
            ("demo-tools", 0, 0, 1, 0, 0.0),
            ("demo-thinking", 30, 0, 0, 20, 0.0),
            ("gpt-4o", 30, 0, 0, 0, 0.0),
            ("llama3:8b", 30, 0, 0, 0, 0.0),
        ])
    func presets(name: String, tokens: Int, ttft: Int, tools: Int, thinking: Int, tps: Double) throws {
        let b = try MockBehavior.parse(model: name)
        #expect(b.effectiveTextTokens == tokens)
        #expect(b.ttftMilliseconds == ttft)
        #expect(b.toolCalls == tools)
        #expect(b.thinkingTokens == thinking)
        #expect(b.tokensPerSecond == tps)
    }

    @Test func fullGrammar() throws {
        let b = try MockBehavior.parse(
            model: "mock:tokens=50,ttft=200,tps=100,tools=2,thinking,fail=429,retry_after=2,fail_rate=0.25")
        #expect(b.effectiveTextTokens == 50)
        #expect(b.ttftMilliseconds == 200)
        #expect(b.tokensPerSecond == 100)
        #expect(b.toolCalls == 2)
        #expect(b.thinkingTokens == 20)
        #expect(b.fault == .status(429))
        #expect(b.retryAfterSeconds == 2)
        #expect(b.failRate == 0.25)
    }

    @Test(
        "faults",
        arguments: [
            ("mock:reset", MockBehavior.Fault.resetBeforeFirstByte),
            ("mock:reset_after=3", .resetAfter(events: 3)),
            ("mock:stall", .stall),
            ("mock:stall_after=2", .stallAfter(events: 2)),
            ("mock:error_event", .errorEvent(after: 0)),
            ("mock:error_event=4", .errorEvent(after: 4)),
            ("mock:flood", .flood(after: 0)),
            ("mock:flood=3", .flood(after: 3)),
            ("mock:endless", .endless),
            ("mock:fail=529", .status(529)),
            ("mock:fail_first=2", .status(500)),
        ])
    func faults(spec: String, fault: MockBehavior.Fault) throws {
        #expect(try MockBehavior.parse(model: spec).fault == fault)
    }

    @Test func headerOverridesModel() throws {
        let b = try MockBehavior.parse(model: "demo-slow", header: "tokens=5, fail=503")
        #expect(b.ttftMilliseconds == 800)
        #expect(b.effectiveTextTokens == 5)
        #expect(b.fault == .status(503))
        let replaced = try MockBehavior.parse(model: "demo-slow", header: "demo-tools:tools=3")
        #expect(replaced.ttftMilliseconds == 0)
        #expect(replaced.toolCalls == 3)
    }

    @Test(
        "bad specs are rejected with the option named",
        arguments: [
            ("mock:tokens=abc", "tokens"),
            ("mock:frobnicate=1", "frobnicate"),
            ("mock:fail=999", "fail"),
            ("mock:fail_rate=2", "fail_rate"),
            ("mock:error_kind=nope", "error_kind"),
            ("demo-fast:ping=maybe", "ping"),
            ("mock:recycle=0", "recycle"),
            ("mock:drip=0", "drip"),
            ("mock:reset_at=-1", "reset_at"),
            ("mock:close=maybe", "close"),
        ])
    func badSpecs(spec: String, option: String) {
        #expect {
            _ = try MockBehavior.parse(model: spec)
        } throws: { error in
            (error as? MockBehaviorError)?.message.contains(option) == true
        }
    }

    @Test func wireOptions() throws {
        let b = try MockBehavior.parse(
            model: "mock:close=1,close_silently,http10=1,eof_body=1,recycle=3,reset_at=0,malformed_head=1,drip=20")
        var expected = MockWireOptions()
        expected.connectionClose = true
        expected.closeSilently = true
        expected.http10 = true
        expected.eofBody = true
        expected.recycleAfter = 3
        expected.resetAtByte = 0
        expected.malformedHead = true
        expected.dripMilliseconds = 20
        #expect(b.wire == expected)
        #expect(try MockBehavior.parse(model: "mock").wire.isPolite)
        #expect(try MockBehavior.parse(model: "mock:close=0").wire.isPolite)
        // Wire options combine with a fault and come from the header too.
        let combined = try MockBehavior.parse(model: "mock:fail=500,close=1")
        #expect(combined.fault == .status(500))
        #expect(combined.wire.connectionClose)
        #expect(try MockBehavior.parse(model: "demo-fast", header: "reset_at=17").wire.resetAtByte == 17)
    }
}
