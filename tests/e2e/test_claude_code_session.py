"""A Claude-Code-shaped session through a pattern alias (issue 20): dated model ids, count_tokens, tools,
thinking with the blocks sent back, and a small background model, with the official `anthropic` SDK, against a
target of each protocol. Each target protocol gets its own gateway, since one dated id reaches one alias."""
import json
import pathlib
import sys

import anthropic
import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "support"))
import plexus_process  # noqa: E402

KEY = "sk-e2e-claude-code"
MAIN, SMALL = "claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001"
CONFIG = """
server: {{host: 127.0.0.1, port: {port}}}
storage: {{url: sqlite://data/plexus.sqlite}}
providers:
  upstream:
    api_base_url: {{ PROTO: "mock://" }}
    headers: {{ x-mock-behavior: "thinking=8,tools=1" }}
models:
  claude:
    patterns: ["claude-*"]
    targets: [{{provider: upstream, model: "*"}}]
keys:
  cc: {{secret: "%s"}}
""" % KEY
TOOLS = [{"name": "read_file", "description": "Read a file of the workspace",
          "input_schema": {"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]}}]
SYSTEM = "You are Claude Code, a coding agent. Use the tools to inspect the workspace."
RESULTS = []


@pytest.fixture(scope="module", params=["messages", "chat", "gemini"])
def gateway(request):
    proc, folder, port = plexus_process.start(CONFIG.replace("PROTO", request.param), {}, "plexus-cc-")
    yield request.param, f"http://127.0.0.1:{port}"
    plexus_process.stop(proc)


def test_claude_code_session(gateway):
    target, base = gateway
    c = anthropic.Anthropic(base_url=base, api_key=KEY, max_retries=0, timeout=30)
    history = [{"role": "user", "content": "What does src/main.swift do?"}]

    # 1. Claude Code counts before it sends, to decide when to compact.
    raw = c.messages.with_raw_response.count_tokens(model=MAIN, system=SYSTEM, messages=history, tools=TOOLS)
    counted = raw.parse().input_tokens
    estimated = raw.headers.get("x-plexus-token-estimate") == "true"
    assert counted > 0
    # OpenAI has no counting endpoint: only there is the count an estimate, and it says so.
    assert estimated == (target == "chat")

    # 2. The main turn: streamed, thinking on, tools declared.
    with c.messages.stream(model=MAIN, max_tokens=4096, system=SYSTEM, messages=history, tools=TOOLS,
                           thinking={"type": "enabled", "budget_tokens": 2048}) as s:
        first = s.get_final_message()
    assert first.model == MAIN
    calls = [b for b in first.content if b.type == "tool_use"]
    thinking = [b for b in first.content if b.type == "thinking"]
    assert calls and calls[0].name == "read_file" and first.stop_reason == "tool_use"
    if target != "chat":
        # Gemini signs the part after its thoughts: that signature comes as a thinking block of its own.
        assert thinking and any(b.signature for b in thinking)

    # 3. The tool result goes back with the assistant's blocks (thinking included) as the SDK returned them.
    history += [{"role": "assistant", "content": first.content},
                {"role": "user", "content": [{"type": "tool_result", "tool_use_id": calls[0].id,
                                              "content": json.dumps({"text": "print(\"hello\")"})}]}]
    second = c.messages.create(model=MAIN, max_tokens=4096, system=SYSTEM, messages=history, tools=TOOLS,
                               thinking={"type": "enabled", "budget_tokens": 2048})
    assert second.model == MAIN and second.content

    # 4. The small model Claude Code uses for titles and summaries, through the same pattern.
    small = c.messages.create(model=SMALL, max_tokens=64, messages=[{"role": "user", "content": "Title: hello"}])
    assert small.model == SMALL and small.content
    RESULTS.append((target, counted, "estimate" if estimated else "target", len(calls), len(thinking)))
    print(f"\nclaude-code session via {target}: count_tokens {counted} ({'estimate' if estimated else 'counted by the target'}), "
          f"tool calls {len(calls)}, thinking blocks {len(thinking)}, second turn {second.stop_reason}, "
          f"small model {small.stop_reason}")
