"""Issue 3: the official SDKs of each protocol against targets that speak only one protocol.

Every cell runs a real SDK (openai, anthropic, google-genai) against the real binary and the mock upstream,
once unary and once streamed (the stream accumulated by the SDK's own helper where it has one), and checks
the SDK's final message against what the mock produces. The matrix is printed at the end of the session.

Cases:
- text: a plain answer (text, end-of-turn stop reason).
- tool: one call; its name and arguments are what the mock derives from the declared schema
  (`get_weather`, city "Paris").
- parallel: `mock:tools=2`, two calls (`get_weather` Paris, `get_time` London); a second turn sends the
  assistant turn back with both results and must succeed with text; the mock opens that text with
  "Received 2 tool results." so the test sees that both results reached it.
- thinking: `mock:thinking,tools=1` with the SDK's reasoning control on. Turn 1 thinks and calls a tool;
  turn 2 resends the assistant turn exactly as the SDK gave it back (signatures and thought signatures
  included) with the tool result (answered with text); turn 3 resends the whole history with a new user
  message (answered with thinking and a call again).
  For the `messages` and `gemini` upstreams the mock verifies every signature it minted and rejects wrong
  ones, and, because the model thinks, a missing one too (Anthropic: the tool-use turn must start with
  its thinking block; Gemini: the first functionCall of the turn must carry its thoughtSignature). It
  also opens its answer with the number it verified ("Verified 1 signature." in turn 2, "Verified 2
  signatures." in turn 3; a Gemini skip value put in place of a lost signature would read "Skipped"),
  so a pass proves the exact bytes survived the round trip through the SDK's protocol.
  For the `chat` upstream (OpenAI Chat Completions has no signatures, TRANSLATION.md) the case asserts
  that the reasoning text arrives in the SDK's own field (`reasoning_content`, a `thinking` block, a
  `thought` part) and that turns 2 and 3 are accepted (turn 2 answering the tool result); the thinking
  text goes back to the upstream as plain context.
- image: a small PNG in the SDK's native form (data URL, base64 image block, inline bytes); the mock names
  every image it received by media type, byte count and CRC-32, and the reply must name ours.

Unary and streamed answers must agree (the mock's words derive from the request, not the stream flag).
"""
import base64
import json
import struct
import zlib
from dataclasses import dataclass, field

import anthropic
import openai
import pytest
from google import genai
from google.genai import types as gtypes

from conftest import KEY

UPSTREAMS = ["chat", "messages", "gemini", "responses"]
SDKS = ["openai", "anthropic", "google-genai", "openai-responses"]
MODES = ["unary", "stream"]
CASES = ["text", "tool", "parallel", "thinking", "image"]
ALIAS = {"text": "via", "tool": "tools", "parallel": "parallel", "thinking": "thinking", "image": "via"}
RESULTS = {}

WEATHER = {
    "name": "get_weather",
    "description": "Weather for a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}
TIME = {
    "name": "get_time",
    "description": "Local time in a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}
TOOLS = [WEATHER, TIME]
RESULT_FOR = {"get_weather": {"temperature_c": 21, "sky": "clear"}, "get_time": {"time": "14:05"}}


def make_png():
    """A real 2x2 RGB PNG, built here so its bytes (and CRC-32) are known."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + bytes([200, 30, 30, 30, 200, 30]) for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


PNG = make_png()
PNG_B64 = base64.b64encode(PNG).decode()
PNG_NAME = f"image/png {len(PNG)} bytes crc32 {zlib.crc32(PNG):08x}"


@dataclass
class Reply:
    """One answer as the SDK parsed it, reduced to what the checks compare."""
    text: str = ""
    reasoning: str = ""
    signatures: list = field(default_factory=list)
    calls: list = field(default_factory=list)  # (id, name, arguments dict)
    finish: str = ""

    @property
    def named_calls(self):
        return [(n, a) for _, n, a in self.calls]


class OpenAIClient:
    TOOL_STOP, TEXT_STOP = "tool_calls", "stop"

    def __init__(self, gw, alias):
        self.c = openai.OpenAI(base_url=gw.base + "/v1", api_key=KEY, max_retries=0, timeout=30)
        self.alias = alias

    def user(self, text, image=False):
        if not image:
            return {"role": "user", "content": text}
        return {"role": "user", "content": [{"type": "text", "text": text}, {
            "type": "image_url", "image_url": {"url": "data:image/png;base64," + PNG_B64}}]}

    def send(self, history, stream, tools, thinking):
        kw = dict(model=self.alias, messages=history)
        if tools:
            kw["tools"] = [{"type": "function", "function": t} for t in TOOLS]
        if thinking:
            kw["reasoning_effort"] = "low"
        if stream:  # the SDK's own accumulator, extra fields (reasoning_content, thinking_blocks) included
            with self.c.chat.completions.stream(**kw) as s:
                for _ in s:
                    pass
                completion = s.get_final_completion()
        else:
            completion = self.c.chat.completions.create(**kw)
        choice = completion.choices[0]
        turn = choice.message.to_dict()
        for key in ("parsed", "annotations", "audio", "function_call", "refusal"):
            turn.pop(key, None)
        for call in turn.get("tool_calls") or []:
            call["function"].pop("parsed_arguments", None)
        r = Reply(text=turn.get("content") or "", reasoning=turn.get("reasoning_content") or "",
                  finish=choice.finish_reason)
        r.signatures = [b.get("signature") or b.get("data") for b in turn.get("thinking_blocks") or []]
        for call in turn.get("tool_calls") or []:
            sig = ((call.get("extra_content") or {}).get("google") or {}).get("thought_signature")
            if sig:
                r.signatures.append(sig)
            r.calls.append((call["id"], call["function"]["name"], json.loads(call["function"]["arguments"])))
        r.signatures = [s for s in r.signatures if s]
        return r, turn

    def results(self, reply):
        return [{"role": "tool", "tool_call_id": i, "content": json.dumps(RESULT_FOR[n])} for i, n, _ in reply.calls]


class AnthropicClient:
    TOOL_STOP, TEXT_STOP = "tool_use", "end_turn"

    def __init__(self, gw, alias):
        self.c = anthropic.Anthropic(base_url=gw.base, api_key=KEY, max_retries=0, timeout=30)
        self.alias = alias

    def user(self, text, image=False):
        if not image:
            return {"role": "user", "content": text}
        return {"role": "user", "content": [
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG_B64}},
            {"type": "text", "text": text}]}

    def send(self, history, stream, tools, thinking):
        kw = dict(model=self.alias, max_tokens=4096, messages=history)
        if tools:
            kw["tools"] = [{"name": t["name"], "description": t["description"], "input_schema": t["parameters"]}
                           for t in TOOLS]
        if thinking:
            kw["thinking"] = {"type": "enabled", "budget_tokens": 2048}
        if stream:
            with self.c.messages.stream(**kw) as s:
                msg = s.get_final_message()
        else:
            msg = self.c.messages.create(**kw)
        r = Reply(finish=msg.stop_reason)
        for b in msg.content:
            if b.type == "text":
                r.text += b.text
            elif b.type == "thinking":
                r.reasoning += b.thinking
                r.signatures.append(b.signature)
            elif b.type == "redacted_thinking":
                r.signatures.append(b.data)
            elif b.type == "tool_use":
                r.calls.append((b.id, b.name, b.input))
        r.signatures = [s for s in r.signatures if s]
        # As Anthropic's docs do it: the content blocks go back as the SDK returned them.
        return r, {"role": "assistant", "content": msg.content}

    def results(self, reply):
        return [{"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": i, "content": json.dumps(RESULT_FOR[n])} for i, n, _ in reply.calls]}]


class GenAIClient:
    TOOL_STOP = TEXT_STOP = "STOP"

    def __init__(self, gw, alias):
        self.c = genai.Client(api_key=KEY, http_options=gtypes.HttpOptions(base_url=gw.base, timeout=30000))
        self.alias = alias

    def user(self, text, image=False):
        parts = [gtypes.Part.from_text(text=text)]
        if image:
            parts.append(gtypes.Part.from_bytes(data=PNG, mime_type="image/png"))
        return gtypes.Content(role="user", parts=parts)

    def send(self, history, stream, tools, thinking):
        config = gtypes.GenerateContentConfig()
        if tools:
            config.tools = [gtypes.Tool(function_declarations=[
                gtypes.FunctionDeclaration(name=t["name"], description=t["description"],
                                           parameters_json_schema=t["parameters"]) for t in TOOLS])]
        if thinking:
            config.thinking_config = gtypes.ThinkingConfig(include_thoughts=True, thinking_budget=2048)
        if stream:
            responses = list(self.c.models.generate_content_stream(model=self.alias, contents=history, config=config))
        else:
            responses = [self.c.models.generate_content(model=self.alias, contents=history, config=config)]
        r, parts = Reply(), []
        for resp in responses:
            for cand in resp.candidates or []:
                parts += cand.content.parts if cand.content and cand.content.parts else []
                r.finish = cand.finish_reason.value if cand.finish_reason else r.finish
        for p in parts:
            if p.thought:
                r.reasoning += p.text or ""
            elif p.text:
                r.text += p.text
            if p.function_call:
                r.calls.append((p.function_call.id, p.function_call.name, dict(p.function_call.args or {})))
            if p.thought_signature:
                r.signatures.append(base64.b64encode(p.thought_signature).decode())
        # The model turn goes back as the SDK parsed it: every part of every chunk, signatures as bytes.
        return r, gtypes.Content(role="model", parts=parts)

    def results(self, reply):
        return [gtypes.Content(role="user", parts=[gtypes.Part(function_response=gtypes.FunctionResponse(
            id=i, name=n, response=RESULT_FOR[n])) for i, n, _ in reply.calls])]


class ResponsesClient:
    """The openai SDK's Responses API, as Codex CLI uses it: `store: false`, encrypted reasoning included, and every
    output item resent as input on the next turn."""
    TOOL_STOP, TEXT_STOP = "function_call", "completed"

    def __init__(self, gw, alias):
        self.c = openai.OpenAI(base_url=gw.base + "/v1", api_key=KEY, max_retries=0, timeout=30)
        self.alias = alias

    def user(self, text, image=False):
        if not image:
            return {"role": "user", "content": text}
        return {"role": "user", "content": [{"type": "input_text", "text": text}, {
            "type": "input_image", "image_url": "data:image/png;base64," + PNG_B64}]}

    def send(self, history, stream, tools, thinking, **extra):
        kw = dict(model=self.alias, input=history, store=False)
        kw.update(extra)
        if tools:
            kw["tools"] = [{"type": "function", **t} for t in TOOLS]
        if thinking:
            kw["reasoning"] = {"effort": "low", "summary": "auto"}
            kw["include"] = ["reasoning.encrypted_content"]
        if stream:  # the SDK's own accumulator
            with self.c.responses.stream(**kw) as s:
                for _ in s:
                    pass
                response = s.get_final_response()
        else:
            response = self.c.responses.create(**kw)
        self.last_id = response.id
        return self.reply(response), [i.to_dict(exclude_none=True) for i in response.output]

    @classmethod
    def reply(cls, response):
        r = Reply(text=response.output_text or "")
        for item in response.output:
            if item.type == "reasoning":
                r.reasoning += "".join(s.text for s in item.summary or [])
                if item.encrypted_content:
                    r.signatures.append(item.encrypted_content)
            elif item.type == "function_call":
                r.calls.append((item.call_id, item.name, json.loads(item.arguments)))
        r.finish = cls.TOOL_STOP if r.calls else response.status
        return r

    def results(self, reply):
        return [{"type": "function_call_output", "call_id": i, "output": json.dumps(RESULT_FOR[n])}
                for i, n, _ in reply.calls]


CLIENTS = {"openai": OpenAIClient, "anthropic": AnthropicClient, "google-genai": GenAIClient,
           "openai-responses": ResponsesClient}


def run_case(client, case, stream):
    """Runs one case in one mode; returns the replies of every turn."""
    history = [client.user("What is in this image?" if case == "image" else "What is the weather in Paris?",
                           image=case == "image")]
    tools, thinking = case in ("tool", "parallel", "thinking"), case == "thinking"
    first, turn = client.send(history, stream, tools, thinking)
    replies = [first]
    if case in ("parallel", "thinking"):
        history += (turn if isinstance(turn, list) else [turn]) + client.results(first)
        second, turn = client.send(history, stream, tools, thinking)
        replies.append(second)
    if case == "thinking":
        history += (turn if isinstance(turn, list) else [turn]) + [client.user("Thanks. And tomorrow?")]
        replies.append(client.send(history, stream, tools, thinking)[0])
    return replies


def check_case(client, case, upstream, replies):
    """What the mock produced, as the SDK must show it."""
    first = replies[0]
    if case in ("text", "image"):
        assert first.text.strip() and not first.calls, f"text {first.text!r}, calls {first.calls}"
        assert first.finish == client.TEXT_STOP, f"stop {first.finish}"
    if case == "image":
        assert PNG_NAME in first.text, f"the mock did not name our image: {first.text!r}"
    if case in ("tool", "thinking"):
        assert first.named_calls == [("get_weather", {"city": "Paris"})], f"calls {first.calls}"
        assert first.finish == client.TOOL_STOP, f"stop {first.finish}"
    if case == "parallel":
        assert first.named_calls == [("get_weather", {"city": "Paris"}), ("get_time", {"city": "London"})], \
            f"calls {first.calls}"
        ids = [i for i, _, _ in first.calls if i]  # Gemini's own calls carry no id
        assert len(set(ids)) == len(ids), f"call ids not distinct: {first.calls}"
        assert replies[1].text.startswith("Received 2 tool results."), f"turn 2: {replies[1].text!r}"
        assert not replies[1].calls and replies[1].finish == client.TEXT_STOP, f"turn 2 stop {replies[1].finish}"
    if case == "thinking":
        words = first.reasoning.split()
        assert words[:1] == ["Considering"] and len(words) == 20, f"reasoning {first.reasoning!r}"
        assert replies[1].reasoning and replies[2].reasoning, "later turns lost their reasoning"
        # Turn 3 asks anew, so the mock thinks and calls the tool again.
        assert replies[2].named_calls == [("get_weather", {"city": "Paris"})], f"turn 3: {replies[2]}"
        if upstream == "chat":
            assert replies[1].text.startswith("Received 1 tool result."), f"turn 2: {replies[1].text!r}"
            return
        # The mock counts the signatures it verified: a dropped one (or a skip value in its place) shows here.
        assert first.signatures, "the SDK got no signature to send back"
        assert replies[1].text.startswith("Received 1 tool result. Verified 1 signature. "), f"turn 2: {replies[1].text!r}"
        assert replies[2].text.startswith("Verified 2 signatures. "), f"turn 3: {replies[2].text!r}"


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("upstream", UPSTREAMS)
@pytest.mark.parametrize("sdk", SDKS)
def test_matrix(gateway, sdk, upstream, case):
    client = CLIENTS[sdk](gateway, f"{ALIAS[case]}-{upstream}")
    runs, errors = {}, []
    for mode in MODES:
        try:
            runs[mode] = run_case(client, case, stream=mode == "stream")
            check_case(client, case, upstream, runs[mode])
            RESULTS[(sdk, upstream, mode, case)] = "pass"
        except Exception as e:  # the other mode still runs, so the table shows both
            RESULTS[(sdk, upstream, mode, case)] = "FAIL"
            errors.append(f"{mode}: {type(e).__name__}: {e}")
    if not errors:
        unary, streamed = runs["unary"][0], runs["stream"][0]
        try:
            assert (unary.text, unary.reasoning, unary.named_calls, unary.finish) == \
                (streamed.text, streamed.reasoning, streamed.named_calls, streamed.finish), "stream differs from unary"
            assert sorted(unary.signatures) == sorted(streamed.signatures), "stream signatures differ from unary"
        except AssertionError as e:
            RESULTS[(sdk, upstream, "stream", case)] = "FAIL"
            errors.append(f"stream: {e}")
    assert not errors, "\n".join(errors)


def test_n_above_one_toward_anthropic_is_a_clear_400(gateway):
    """A field the target protocol cannot express fails loudly, naming the field, never silently dropped."""
    c = openai.OpenAI(base_url=gateway.base + "/v1", api_key=KEY, max_retries=0, timeout=30)
    with pytest.raises(openai.BadRequestError) as err:
        c.chat.completions.create(model="via-messages", n=2, messages=[{"role": "user", "content": "Two answers"}])
    assert err.value.status_code == 400
    body = err.value.body if isinstance(err.value.body, dict) else {}
    assert body.get("param") == "n" or "'n'" in err.value.message, err.value.message
    assert "'n'" in err.value.message and "Anthropic" in err.value.message, err.value.message


def pytest_sessionfinish_table():
    width = max(len(c) for c in CASES) + 2
    rows = [f"{'client SDK':<18}{'upstream':<11}{'mode':<8}" + "".join(f"{c:<{width}}" for c in CASES)]
    for sdk in SDKS:
        for up in UPSTREAMS:
            for mode in MODES:
                rows.append(f"{sdk:<18}{up:<11}{mode:<8}" + "".join(
                    f"{RESULTS.get((sdk, up, mode, c), '-'):<{width}}" for c in CASES))
    passed = sum(v == "pass" for v in RESULTS.values())
    rows.append(f"{passed} of {len(RESULTS)} cells pass")
    return "\n".join(rows)
