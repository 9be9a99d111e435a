#!/usr/bin/env python3
"""Writes the seed inputs of Fuzz/Corpus from ../shared/fixtures and a list of hand-written HTTP requests.

Seeds are named seed-*; inputs fuzzing found worth keeping (and findings, fixed) sit beside them under their hash
and are never rewritten by this script. Run from the repository root: python3 Fuzz/make-seeds.py
"""
import hashlib
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
FIXTURES = ROOT.parent / "shared" / "fixtures"
CORPUS = ROOT / "Fuzz" / "Corpus"
PROTOCOLS = {"openai": 0, "anthropic": 1, "gemini": 2, "responses": 3}  # the first byte of a `requests` input: APIProtocol.generative's order

HTTP = [
    b"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
    b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:4000\r\nAuthorization: Bearer sk-x\r\n"
    b"Content-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"model\":\"m\"}",
    b"POST /v1/messages HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n",
    b"GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
    b"GET /old HTTP/1.0\r\n\r\n",
    b"GET http://example.com/p?q=1 HTTP/1.1\r\nHost: example.com\r\n\r\n",
    b"POST /v1/chat/completions HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}",
    b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
    b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    b"GET / HTTP/1.1\nHost: a\n\n",
    b"HEAD /x HTTP/1.1\r\nHost: a\r\nX-Empty:\r\nX-Spaces:   v   \r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
    b"OPTIONS * HTTP/1.1\r\nHost: h\r\nOrigin: https://app.example\r\n\r\n",
]

JSON_EXTRA = [b"0", b"-0.0e+10", b"\"\\u00e9\\ud83d\\ude00\"", b"[1, 2.5, true, false, null]", b"{\"a\":{\"b\":[]}}",
              b"{\"a\":1,\"a\":2}", b"1e400", b"[", b"{\"a\" 1}", b"\"\\x\""]


def write(target, name, data):
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)


def main():
    for i, request in enumerate(HTTP):
        write("http", f"seed-{i:02}", request)
    for path in sorted(FIXTURES.glob("*/*.sse")):
        data = path.read_bytes()
        if len(data) <= 20000:
            write("sse", f"seed-{path.parent.name}-{path.stem}", data)
    for path in sorted(FIXTURES.glob("*/*.json")):
        data = path.read_bytes()
        if len(data) <= 8000:
            write("json", f"seed-{path.parent.name}-{path.stem}", data)
        if path.name.endswith(".request.json") and path.parent.name in PROTOCOLS and len(data) <= 8000:
            compact = json.dumps(json.loads(data), separators=(",", ":")).encode()
            write("requests", f"seed-{path.parent.name}-{path.stem}", bytes([PROTOCOLS[path.parent.name]]) + compact)
    for data in JSON_EXTRA:
        write("json", "seed-extra-" + hashlib.sha1(data).hexdigest()[:12], data)


if __name__ == "__main__":
    main()
