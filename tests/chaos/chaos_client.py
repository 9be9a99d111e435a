"""Talking to the gateway and the mock for the chaos suite: one request with a deadline and a verdict on what
came back, many raw streams at once, the mock's answer sizes, the gateway's memory."""
import asyncio
import json
import socket
import time
from dataclasses import dataclass

import httpx

CLIENT_TIMEOUT = 15.0      # per request, end to end
MODES = ("unary", "stream")


# --- the mock's own answer sizes (for reset_at inside / right after the head) ----------------------------

def raw_answer(port, stream):
    """The mock's polite answer, as bytes, to a chat request sent straight to it and read to EOF."""
    body = json.dumps({"model": "mock", "stream": stream,
                       "messages": [{"role": "user", "content": "measure"}]}).encode()
    head = (f"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(head + body)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
    return out


def answer_sizes(port):
    """{mode: (head bytes, whole answer bytes)}. The head's size does not depend on the model name (a unary
    answer's content-length has the same number of digits), so these hold for `mock:reset_at=B` too."""
    sizes = {}
    for mode in MODES:
        raw = raw_answer(port, mode == "stream")
        sizes[mode] = (raw.index(b"\r\n\r\n") + 4, len(raw))
    return sizes


# --- one request through the gateway, and what came of it ------------------------------------------------

@dataclass
class Outcome:
    kind: str          # ok, error, error_not_json, stream_error, incomplete, connection_error, timeout
    status: int = 0
    detail: str = ""
    seconds: float = 0.0
    started: float = 0.0   # time.monotonic() at the start (raw streams: to measure how many overlapped)

    def __str__(self):
        parts = [str(self.status)] if self.status else []
        parts += [self.kind] + ([self.detail] if self.detail else []) + [f"{self.seconds:.2f}s"]
        return " ".join(parts)


def complete_answer(text, finish, words):
    return len(text.split()) == words and finish == "stop"


def sse_verdict(text, words):
    """(kind, detail) of an OpenAI SSE body: ok (complete text, then [DONE]), stream_error or incomplete."""
    datas = [line[6:] for line in text.splitlines() if line.startswith("data: ")]
    parsed = []
    for d in datas:
        try:
            parsed.append("[DONE]" if d == "[DONE]" else json.loads(d))
        except ValueError:
            parsed.append(None)
    chunks = [p for p in parsed if isinstance(p, dict)]
    # The gateway ends a broken chat stream with the error event and then [DONE] (PlexusError.streamEvent);
    # SDKs stop at the error. What counts is that the error is the last word: no content after it.
    last = next((p for p in reversed(parsed) if p != "[DONE]"), None)
    if isinstance(last, dict) and "error" in last:
        return "stream_error", f"{len(datas)} events, last an error" + (" then [DONE]" if parsed[-1] == "[DONE]" else "")
    if any("error" in p for p in chunks):
        return "incomplete", f"{len(datas)} events, content after an error event"
    if not parsed or parsed[-1] != "[DONE]":
        return "incomplete", f"{len(datas)} events, neither [DONE] nor an error event"
    choices = [c for p in chunks for c in p.get("choices", [])]
    content = "".join((c.get("delta") or {}).get("content") or "" for c in choices)
    finish = next((c["finish_reason"] for c in choices if c.get("finish_reason")), None)
    if complete_answer(content, finish, words):
        return "ok", f"{len(datas)} events"
    return "incomplete", f"text of {len(content.split())} words, finish {finish}"


def verdict(status, raw, stream, words):
    text = raw.decode(errors="replace")
    if status != 200:
        try:
            error = json.loads(text)["error"]
        except (ValueError, KeyError, TypeError):
            return "error_not_json", repr(text[:40])
        message = error.get("message", "") if isinstance(error, dict) else str(error)
        return "error", repr(message[:48])
    if stream:
        return sse_verdict(text, words)
    try:
        choice = json.loads(text)["choices"][0]
    except (ValueError, KeyError, IndexError, TypeError):
        return "incomplete", "unparsable body " + repr(text[:30])
    if complete_answer(choice["message"].get("content") or "", choice.get("finish_reason"), words):
        return "ok", ""
    return "incomplete", "answer cut or wrong"


def call(gateway, key, alias, stream, content, words):
    """One chat request with a hard deadline (CLIENT_TIMEOUT); never raises for what the gateway did."""
    body = {"model": alias, "stream": stream, "messages": [{"role": "user", "content": content}]}
    start = time.monotonic()
    status = 0
    try:
        with httpx.Client(timeout=CLIENT_TIMEOUT) as client:
            with client.stream("POST", gateway.base + "/v1/chat/completions", json=body,
                               headers={"Authorization": f"Bearer {key}"}) as resp:
                status = resp.status_code
                raw = bytearray()  # amortised appends: a flood is 64 MiB
                for piece in resp.iter_bytes():
                    raw += piece
                    if time.monotonic() - start > CLIENT_TIMEOUT:
                        return Outcome("timeout", status, "client deadline", time.monotonic() - start)
    except httpx.TimeoutException as error:
        return Outcome("timeout", status, type(error).__name__, time.monotonic() - start)
    except httpx.TransportError as error:
        return Outcome("connection_error", status, f"{type(error).__name__}: {error}"[:60], time.monotonic() - start)
    kind, detail = verdict(status, raw, stream, words)
    return Outcome(kind, status, detail, time.monotonic() - start)


# --- many streams at once, on raw sockets (lighter than an HTTP client per stream) -----------------------

def dechunk(body):
    out, i = b"", 0
    while True:
        end = body.find(b"\r\n", i)
        if end < 0:
            return out, False
        size = int(body[i:end].split(b";")[0] or b"0", 16)
        if size == 0:
            return out, True
        out += body[end + 2:end + 2 + size]
        i = end + 2 + size + 2


async def raw_stream(port, key, alias, content, words, timeout):
    """One streamed chat request on its own connection (`Connection: close`); returns an Outcome."""
    start = time.monotonic()
    body = json.dumps({"model": alias, "stream": True, "messages": [{"role": "user", "content": content}]}).encode()
    head = (f"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {key}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    writer = None
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(head + body)
            await writer.drain()
            data = b""
            # Until the last chunk or the close, whichever comes first.
            while not data.endswith(b"\r\n0\r\n\r\n"):
                chunk = await reader.read(65536)
                if not chunk:
                    break
                data += chunk
    except TimeoutError:
        return Outcome("timeout", 0, "", time.monotonic() - start, start)
    except OSError as error:
        return Outcome("connection_error", 0, type(error).__name__, time.monotonic() - start, start)
    finally:
        if writer is not None:
            writer.close()
    head_end = data.find(b"\r\n\r\n")
    if head_end < 0:
        return Outcome("connection_error", 0, "no head", time.monotonic() - start, start)
    status = int(data.split(b" ", 2)[1])
    payload = data[head_end + 4:]
    if b"transfer-encoding: chunked" in data[:head_end].lower():
        payload, _ = dechunk(payload)
    kind, detail = (sse_verdict(payload.decode(errors="replace"), words) if status == 200
                    else ("error", payload[:40].decode(errors="replace")))
    return Outcome(kind, status, detail, time.monotonic() - start, start)


def peak_overlap(outcomes):
    """The most requests in flight at one moment."""
    edges = sorted([(o.started, 1) for o in outcomes] + [(o.started + o.seconds, -1) for o in outcomes])
    peak = current = 0
    for _, step in edges:
        current += step
        peak = max(peak, current)
    return peak


# --- memory of a process --------------------------------------------------------------------------------

def proc_status_kib(pid, field):
    """A `kB` field of /proc/PID/status (VmRSS, VmHWM), in KiB; 0 when the process is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
