"""Issue 3: the official SDKs of each protocol against targets that speak only one protocol.

Every cell runs a real SDK against the real binary; the matrix is printed at the end of the session.
"""
import json

import anthropic
import openai
import pytest
from google import genai
from google.genai import types as gtypes

from conftest import KEY

UPSTREAMS = ["chat", "messages", "gemini"]
SDKS = ["openai", "anthropic", "google-genai"]
MODES = ["unary", "stream"]
CASES = ["text", "tool"]
RESULTS = {}

WEATHER = {
    "name": "get_weather",
    "description": "Weather for a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}


def run_openai(gw, alias, stream, case):
    c = openai.OpenAI(base_url=gw.base + "/v1", api_key=KEY, max_retries=0, timeout=30)
    kw = dict(model=alias, messages=[{"role": "user", "content": "What is the weather in Paris?"}])
    if case == "tool":
        kw["tools"] = [{"type": "function", "function": WEATHER}]
    if not stream:
        m = c.chat.completions.create(**kw).choices[0]
        calls = [(t.function.name, json.loads(t.function.arguments)) for t in (m.message.tool_calls or [])]
        return m.message.content or "", calls, m.finish_reason
    text, calls, finish = "", {}, None
    for chunk in c.chat.completions.create(stream=True, **kw):
        for ch in chunk.choices:
            text += ch.delta.content or ""
            for t in ch.delta.tool_calls or []:
                entry = calls.setdefault(t.index, ["", ""])
                entry[0] += t.function.name or "" if t.function else ""
                entry[1] += t.function.arguments or "" if t.function else ""
            finish = ch.finish_reason or finish
    return text, [(n, json.loads(a)) for n, a in calls.values()], finish


def run_anthropic(gw, alias, stream, case):
    c = anthropic.Anthropic(base_url=gw.base, api_key=KEY, max_retries=0, timeout=30)
    kw = dict(model=alias, max_tokens=256, messages=[{"role": "user", "content": "What is the weather in Paris?"}])
    if case == "tool":
        kw["tools"] = [{"name": WEATHER["name"], "description": WEATHER["description"],
                        "input_schema": WEATHER["parameters"]}]
    if stream:
        with c.messages.stream(**kw) as s:
            msg = s.get_final_message()
    else:
        msg = c.messages.create(**kw)
    text = "".join(b.text for b in msg.content if b.type == "text")
    calls = [(b.name, b.input) for b in msg.content if b.type == "tool_use"]
    return text, calls, msg.stop_reason


def run_genai(gw, alias, stream, case):
    c = genai.Client(api_key=KEY, http_options=gtypes.HttpOptions(base_url=gw.base, timeout=30000))
    config = None
    if case == "tool":
        config = gtypes.GenerateContentConfig(tools=[gtypes.Tool(function_declarations=[
            gtypes.FunctionDeclaration(name=WEATHER["name"], description=WEATHER["description"],
                                       parameters_json_schema=WEATHER["parameters"])])])
    contents = "What is the weather in Paris?"
    responses = (list(c.models.generate_content_stream(model=alias, contents=contents, config=config)) if stream
                 else [c.models.generate_content(model=alias, contents=contents, config=config)])
    text, calls, finish = "", [], None
    for r in responses:
        for cand in r.candidates or []:
            for p in (cand.content.parts if cand.content and cand.content.parts else []):
                if p.text and not p.thought:
                    text += p.text
                if p.function_call:
                    calls.append((p.function_call.name, dict(p.function_call.args or {})))
            finish = cand.finish_reason or finish
    return text, calls, str(finish)


RUNNERS = {"openai": run_openai, "anthropic": run_anthropic, "google-genai": run_genai}
TOOL_STOP = {"openai": "tool_calls", "anthropic": "tool_use", "google-genai": "FinishReason.STOP"}
TEXT_STOP = {"openai": "stop", "anthropic": "end_turn", "google-genai": "FinishReason.STOP"}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("upstream", UPSTREAMS)
@pytest.mark.parametrize("sdk", SDKS)
def test_matrix(gateway, sdk, upstream, case):
    alias = ("via-" if case == "text" else "tools-") + upstream
    cell = {}
    try:
        unary = RUNNERS[sdk](gateway, alias, False, case)
        streamed = RUNNERS[sdk](gateway, alias, True, case)
        for mode, (text, calls, finish) in (("unary", unary), ("stream", streamed)):
            if case == "text":
                assert text.strip(), f"{mode}: empty text"
                assert finish == TEXT_STOP[sdk], f"{mode}: stop {finish}"
            else:
                assert calls, f"{mode}: no tool call"
                assert calls[0][0] == "get_weather", f"{mode}: tool {calls[0][0]}"
                assert isinstance(calls[0][1], dict), f"{mode}: arguments {calls[0][1]!r}"
                assert finish == TOOL_STOP[sdk], f"{mode}: stop {finish}"
            cell[mode] = "pass"
        # The mock seeds its words from the request, not the stream flag: both modes must agree.
        assert unary[0] == streamed[0], "stream text differs from unary text"
        assert [c[0] for c in unary[1]] == [c[0] for c in streamed[1]]
    except Exception:
        for mode in MODES:
            cell.setdefault(mode, "FAIL")
        raise
    finally:
        for mode in MODES:
            RESULTS[(sdk, upstream, mode, case)] = cell.get(mode, "FAIL")


def pytest_sessionfinish_table():
    rows = []
    header = f"{'client SDK':<14}{'upstream':<10}{'mode':<8}" + "".join(f"{c:<8}" for c in CASES)
    rows.append(header)
    for sdk in SDKS:
        for up in UPSTREAMS:
            for mode in MODES:
                rows.append(f"{sdk:<14}{up:<10}{mode:<8}" + "".join(
                    f"{RESULTS.get((sdk, up, mode, c), '-'):<8}" for c in CASES))
    return "\n".join(rows)
