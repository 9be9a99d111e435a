"""Issue 19: the OpenAI Responses API through the gateway with the official `openai` SDK.

The matrix (test_translation_matrix.py) runs `client.responses` against every upstream protocol the way Codex CLI
does (`store: false`, every item resent). Here: the stateful side (turns continued by `previous_response_id`, stored
responses read and deleted through the SDK) and the errors a Responses client must get in its own shape.
"""
import json

import openai
import pytest

from conftest import KEY
from test_translation_matrix import RESULT_FOR, ResponsesClient, check_case

UPSTREAMS = ["chat", "messages", "gemini", "responses"]


def sdk(gw):
    return openai.OpenAI(base_url=gw.base + "/v1", api_key=KEY, max_retries=0, timeout=30)


@pytest.mark.parametrize("upstream", UPSTREAMS)
@pytest.mark.parametrize("stream", [False, True])
def test_thinking_turns_continued_by_previous_response_id(gateway, upstream, stream):
    """The matrix's thinking case, but each turn sends only what is new and names the previous response: the
    gateway expands the stored history, signatures included, toward any upstream (the mock verifies them)."""
    client = ResponsesClient(gateway, f"thinking-{upstream}")
    first, _ = client.send([client.user("What is the weather in Paris?")], stream, True, True, store=True)
    first_id = client.last_id
    second, _ = client.send(client.results(first), stream, True, True, store=True, previous_response_id=first_id)
    third, _ = client.send([client.user("Thanks. And tomorrow?")], stream, True, True, store=True,
                           previous_response_id=client.last_id)
    check_case(client, "thinking", upstream, [first, second, third])


def test_stored_response_is_retrieved_and_deleted(gateway):
    c = sdk(gateway)
    created = c.responses.create(model="via-chat", input="Say something")
    got = c.responses.retrieve(created.id)
    assert got.id == created.id and got.output_text == created.output_text
    items = c.responses.input_items.list(created.id)
    assert [i.type for i in items.data] == ["message"]
    deleted = c.responses.delete(created.id)
    assert deleted is None or getattr(deleted, "deleted", True)
    with pytest.raises(openai.NotFoundError):
        c.responses.retrieve(created.id)


def test_unknown_previous_response_is_a_404_in_openai_shape(gateway):
    with pytest.raises(openai.NotFoundError) as err:
        sdk(gateway).responses.create(model="via-messages", input="hi", previous_response_id="resp_does_not_exist")
    assert err.value.status_code == 404
    assert isinstance(err.value.body, dict) and err.value.body.get("param") == "previous_response_id", err.value.body


@pytest.mark.parametrize("upstream", ["chat", "messages", "gemini"])
def test_builtin_tool_toward_another_protocol_is_a_400_naming_it(gateway, upstream):
    with pytest.raises(openai.BadRequestError) as err:
        sdk(gateway).responses.create(model=f"via-{upstream}", input="Search the news",
                                      tools=[{"type": "web_search"}])
    assert "web_search" in err.value.message, err.value.message


def test_function_call_output_reaches_a_responses_upstream_as_sent(gateway):
    """A raw Codex-shaped second turn: items resent verbatim, the output paired with its call by call_id."""
    client = ResponsesClient(gateway, "parallel-responses")
    first, items = client.send([client.user("What is the weather in Paris?")], True, True, False)
    assert [n for _, n, _ in first.calls] == ["get_weather", "get_time"]
    outputs = [{"type": "function_call_output", "call_id": i, "output": json.dumps(RESULT_FOR[n])}
               for i, n, _ in first.calls]
    second, _ = client.send([client.user("What is the weather in Paris?")] + items + outputs, True, True, False)
    assert second.text.startswith("Received 2 tool results."), second.text
