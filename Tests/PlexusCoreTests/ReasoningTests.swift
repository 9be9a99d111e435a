import PlexusCore
import Testing

/// Effort <-> budget mapping (TRANSLATION.md: minimal 0, low 2,048, medium 8,192, high 24,576; budget to effort by nearest).
@Suite struct ReasoningTests {
    static let budgets: [(IR.Effort, Int)] = [(.minimal, 0), (.low, 2048), (.medium, 8192), (.high, 24576)]

    @Test(arguments: budgets)
    func effortToBudget(_ effort: IR.Effort, _ budget: Int) {
        #expect(IR.Reasoning.budget(for: effort) == budget)
        #expect(IR.Reasoning.effort(forBudget: budget) == effort)
    }

    static let nearest: [(Int, IR.Effort)] = [
        (0, .minimal), (-5, .minimal), (1, .low), (1024, .low), (4000, .low), (6000, .medium),
        (10000, .medium), (16000, .medium), (17000, .high), (32000, .high),
    ]

    @Test(arguments: nearest)
    func budgetToNearestEffort(_ budget: Int, _ effort: IR.Effort) {
        #expect(IR.Reasoning.effort(forBudget: budget) == effort)
    }

    static let openAIEfforts: [(String, JSONValue, JSONValue)] = [
        ("minimal", ["type": "disabled"], ["thinkingBudget": 0]),
        ("low", ["type": "enabled", "budget_tokens": 2048], ["thinkingBudget": 2048, "includeThoughts": true]),
        ("medium", ["type": "enabled", "budget_tokens": 8192], ["thinkingBudget": 8192, "includeThoughts": true]),
        ("high", ["type": "enabled", "budget_tokens": 24576], ["thinkingBudget": 24576, "includeThoughts": true]),
    ]

    @Test(arguments: openAIEfforts)
    func openAIEffortToOthers(_ effort: String, _ anthropic: JSONValue, _ gemini: JSONValue) throws {
        let body =
            #"{"model":"x","reasoning_effort":"\#(effort)","max_completion_tokens":1000,"messages":[{"role":"user","content":"hi"}]}"#
        let a = try T.translate(body, from: .chat, to: .messages)
        #expect(a["thinking"] == anthropic)
        if let budget = anthropic["budget_tokens"]?.intValue { #expect(a["max_tokens"]!.intValue! > budget) }
        #expect(try T.translate(body, from: .chat, to: .gemini)["generationConfig"]?["thinkingConfig"] == gemini)
        #expect(try T.translate(body, from: .chat, to: .chat)["reasoning_effort"]?.stringValue == effort)
    }

    static let budgetsToOpenAI: [(String, APIProtocol, String?)] = [
        (
            #"{"model":"x","max_tokens":9000,"thinking":{"type":"enabled","budget_tokens":1024},"messages":[{"role":"user","content":"hi"}]}"#,
            .messages, "low"
        ),
        (
            #"{"model":"x","max_tokens":20000,"thinking":{"type":"enabled","budget_tokens":10000},"messages":[{"role":"user","content":"hi"}]}"#,
            .messages, "medium"
        ),
        (
            #"{"model":"x","max_tokens":9000,"thinking":{"type":"disabled"},"messages":[{"role":"user","content":"hi"}]}"#,
            .messages, "minimal"
        ),
        (
            #"{"contents":[{"parts":[{"text":"hi"}]}],"generationConfig":{"thinkingConfig":{"thinkingBudget":0}}}"#,
            .gemini, "minimal"
        ),
        (
            #"{"contents":[{"parts":[{"text":"hi"}]}],"generationConfig":{"thinkingConfig":{"thinkingBudget":30000}}}"#,
            .gemini, "high"
        ),
        (
            #"{"contents":[{"parts":[{"text":"hi"}]}],"generationConfig":{"thinkingConfig":{"thinkingLevel":"LOW"}}}"#,
            .gemini, "low"
        ),
        (
            #"{"contents":[{"parts":[{"text":"hi"}]}],"generationConfig":{"thinkingConfig":{"thinkingBudget":-1}}}"#,
            .gemini, nil
        ),
    ]

    @Test(arguments: budgetsToOpenAI)
    func budgetsToOpenAIEffort(_ body: String, _ from: APIProtocol, _ effort: String?) throws {
        #expect(try T.translate(body, from: from, to: .chat)["reasoning_effort"]?.stringValue == effort)
    }

    @Test func geminiBudgetToAnthropicAndBack() throws {
        let body =
            #"{"contents":[{"parts":[{"text":"hi"}]}],"generationConfig":{"maxOutputTokens":100,"thinkingConfig":{"thinkingBudget":5000,"includeThoughts":true}}}"#
        let a = try T.translate(body, from: .gemini, to: .messages)
        #expect(a["thinking"] == ["type": "enabled", "budget_tokens": 5000])
        #expect(a["max_tokens"]!.intValue! > 5000)  // Anthropic needs max_tokens above the budget
        let dynamic =
            #"{"contents":[{"parts":[{"text":"hi"}]}],"generationConfig":{"thinkingConfig":{"thinkingBudget":-1}}}"#
        #expect(try T.translate(dynamic, from: .gemini, to: .messages)["thinking"] == ["type": "adaptive"])
        let adaptive =
            #"{"model":"x","max_tokens":10,"thinking":{"type":"adaptive"},"messages":[{"role":"user","content":"hi"}]}"#
        #expect(
            try T.translate(adaptive, from: .messages, to: .gemini)["generationConfig"]?["thinkingConfig"] == [
                "thinkingBudget": -1, "includeThoughts": true,
            ])
    }

    @Test func anthropicEffortStaysAnthropic() throws {
        let body =
            #"{"model":"x","max_tokens":10,"output_config":{"effort":"max"},"messages":[{"role":"user","content":"hi"}]}"#
        let same = try T.translate(body, from: .messages, to: .messages)
        #expect(same["thinking"] == nil)
        #expect(same["output_config"] == ["effort": "max"])
        #expect(try T.translate(body, from: .messages, to: .chat)["reasoning_effort"]?.stringValue == "high")
    }
}
