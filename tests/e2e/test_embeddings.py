"""Issue 20 item 1: embeddings through the real binary with the official SDKs, against both upstream kinds.

Clients: `openai` `client.embeddings.create` (the SDK's default, which asks base64 and decodes it itself;
`encoding_format="float"`; `encoding_format="base64"`, decoded here) and `google-genai`
`client.models.embed_content` (the Gemini API's `:batchEmbedContents`). Upstreams: an OpenAI-shaped one
(`api_base_url: {embeddings: mock://}`) and a Gemini one (`{gemini: mock://}`), both the built-in mock.

The mock's vector for a text is recomputed here from its definition (`MockEmbeddings.vector`: FNV-1a of the UTF-8
bytes seeds SplitMix64; value i is (k - 2^23) / 2^23 for the top 24 bits k of output i), so every cell checks
each value exactly, in input order, and that the inputs were neither reordered, merged nor dropped. The matrix is
printed at the end of the session.
"""
import base64
import sqlite3
import struct
import time

import openai
import pytest
from google import genai
from google.genai import types as gtypes

from conftest import KEY

MASK = (1 << 64) - 1
TEXTS = ["The quick brown fox", "jumps over", "the lazy dog, twice over and again"]
UPSTREAMS = ["embeddings", "gemini"]
CLIENTS = ["openai default", "openai float", "openai base64", "google-genai"]
ALIASES = {"embeddings": "embed-openai-shaped", "gemini": "embed-google"}
RESULTS = {}


def mock_vector(text, dims=16):
    h = 0xCBF29CE484222325
    for b in text.encode():
        h = ((h ^ b) * 0x100000001B3) & MASK
    state, out = h, []
    for _ in range(dims):
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        z ^= z >> 31
        out.append(((z >> 40) - (1 << 23)) / (1 << 23))
    return out


def floats_from_base64(text):
    raw = base64.b64decode(text)
    return list(struct.unpack(f"<{len(raw) // 4}f", raw))


def f32(values):
    """JSON numbers as the float32 values they stand for (OpenAI, Google and the gateway print float32's shortest
    decimal form, which Python reads as a nearby double)."""
    return list(struct.unpack(f"<{len(values)}f", struct.pack(f"<{len(values)}f", *values)))


def openai_client(gateway):
    return openai.OpenAI(base_url=gateway.base + "/v1", api_key=KEY, max_retries=0, timeout=30)


def genai_client(gateway):
    return genai.Client(api_key=KEY, http_options=gtypes.HttpOptions(base_url=gateway.base, timeout=30000))


def embed(gateway, client, alias, texts, dims=None):
    """The vectors a client SDK returns for `texts` (as float32 values), the HTTP headers and the answer's model."""
    if client == "google-genai":
        config = gtypes.EmbedContentConfig(task_type="RETRIEVAL_DOCUMENT", output_dimensionality=dims)
        sdk = genai_client(gateway)  # held: the SDK closes its HTTP client when the Client object goes
        result = sdk.models.embed_content(model=alias, contents=texts, config=config)
        return [f32(e.values) for e in result.embeddings], None, None
    extra = {} if dims is None else {"dimensions": dims}
    if client != "openai default":
        extra["encoding_format"] = client.split()[1]
    raw = openai_client(gateway).embeddings.with_raw_response.create(model=alias, input=texts, **extra)
    result = raw.parse()
    assert [d.index for d in result.data] == list(range(len(texts)))
    assert result.usage.prompt_tokens > 0 and result.usage.total_tokens == result.usage.prompt_tokens
    vectors = [floats_from_base64(d.embedding) if isinstance(d.embedding, str) else f32(d.embedding) for d in result.data]
    if client == "openai base64":
        assert all(isinstance(d.embedding, str) for d in result.data), "base64 asked, base64 given"
    return vectors, raw.headers, result.model


@pytest.mark.parametrize("upstream", UPSTREAMS)
@pytest.mark.parametrize("client", CLIENTS)
def test_embeddings_matrix(gateway, client, upstream):
    RESULTS[(client, upstream)] = "FAIL"
    # No "gemini" in the alias: google-genai takes such a model for a multimodal one and embeds all `contents`
    # as one content (one vector), as Google's gemini-embedding-2 does.
    alias = ALIASES[upstream]
    vectors, headers, model = embed(gateway, client, alias, TEXTS)
    assert vectors == [mock_vector(t) for t in TEXTS]
    if headers is not None:
        assert headers["x-plexus-api"] == upstream
        # Passed through, the upstream's answer names its own model; translated, the name the client asked for.
        assert model == ("demo-embed" if upstream == "embeddings" else alias)
        # Gemini reports no tokens for embeddings: the gateway's estimate, marked as one.
        assert (headers.get("x-plexus-token-estimate") == "true") == (upstream == "gemini")
    # Order: the same texts reversed give the same vectors reversed.
    reversed_vectors, _, _ = embed(gateway, client, alias, TEXTS[::-1])
    assert reversed_vectors == vectors[::-1]
    # Dimensions: OpenAI's `dimensions` and Gemini's `outputDimensionality` reach either upstream.
    short, _, _ = embed(gateway, client, alias, TEXTS[:1], dims=5)
    assert short == [mock_vector(TEXTS[0], 5)]
    RESULTS[(client, upstream)] = "pass"


def test_single_string_input_and_usage(gateway):
    text = "just one more"
    result = openai_client(gateway).embeddings.create(model="embed-openai-shaped", input=text, encoding_format="float")
    assert len(result.data) == 1 and f32(result.data[0].embedding) == mock_vector(text)
    assert result.usage.prompt_tokens == 3, "the upstream's count (the mock counts words)"
    estimated = openai_client(gateway).embeddings.create(model="embed-google", input=text, encoding_format="float")
    assert estimated.usage.prompt_tokens == 4, "the gateway's estimate: 13 bytes at about 4 a token"


def test_token_ids_where_the_target_can_take_them(gateway):
    result = openai_client(gateway).embeddings.create(model="embed-openai-shaped", input=[[1, 2, 3]], encoding_format="float")
    assert f32(result.data[0].embedding) == mock_vector("tokens:1,2,3")
    with pytest.raises(openai.BadRequestError) as err:
        openai_client(gateway).embeddings.create(model="embed-google", input=[[1, 2, 3]])
    assert err.value.status_code == 400
    assert err.value.body["param"] == "input[0]"


def test_google_genai_single_content_and_bad_input(gateway):
    sdk = genai_client(gateway)
    result = sdk.models.embed_content(model="embed-openai-shaped", contents="alone")
    assert [f32(e.values) for e in result.embeddings] == [mock_vector("alone")]
    with pytest.raises(genai.errors.ClientError) as err:
        sdk.models.embed_content(model="demo", contents="a chat model")
    assert err.value.code == 400


def test_usage_rows_show_the_kind(gateway):
    raw = openai_client(gateway).embeddings.with_raw_response.create(model="embed-google", input=["row check"])
    request_id = raw.headers["x-request-id"]
    row, deadline = None, time.time() + 10
    while row is None and time.time() < deadline:  # the usage writer stores rows in batches
        with sqlite3.connect(gateway.db) as db:
            row = db.execute("SELECT kind, client_protocol, target_protocol, input_tokens, tokens_estimated FROM usage"
                             " WHERE request_id = ?", (request_id,)).fetchone()
        time.sleep(0.1)
    # 9 bytes of text: an estimate of 3 tokens, marked as one.
    assert row == ("embeddings", "embeddings", "gemini", 3, 1)


def matrix_table():
    width = max(len(u) for u in UPSTREAMS) + 4
    rows = [f"{'client SDK':<18}" + "".join(f"{u:<{width}}" for u in UPSTREAMS)]
    for client in CLIENTS:
        rows.append(f"{client:<18}" + "".join(f"{RESULTS.get((client, u), '-'):<{width}}" for u in UPSTREAMS))
    passed = sum(v == "pass" for v in RESULTS.values())
    rows.append(f"{passed} of {len(RESULTS)} cells pass")
    return "\n".join(rows)
