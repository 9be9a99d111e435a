"""A small HTTP CONNECT proxy on loopback, for the proxy tests: it tunnels bytes and records what it was asked."""
import select
import socket
import threading


class ConnectProxy:
    """Accepts CONNECT host:port, opens the tunnel and pipes both ways; anything else gets 501.

    `requests` lists every request line it received (with its Proxy-Authorization value, if any)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(256)
        self.port = self.sock.getsockname()[1]
        self.requests = []
        self.lock = threading.Lock()
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self):
        self.running = False
        self.sock.close()

    def _accept(self):
        while self.running:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client):
        head = b""
        try:
            while b"\r\n\r\n" not in head:
                chunk = client.recv(4096)
                if not chunk:
                    return
                head += chunk
            text = head.split(b"\r\n\r\n")[0].decode("latin-1")
            lines = text.split("\r\n")
            auth = next((l.split(":", 1)[1].strip() for l in lines[1:] if l.lower().startswith("proxy-authorization:")), None)
            with self.lock:
                self.requests.append((lines[0], auth))
            method, target = lines[0].split(" ")[:2]
            if method != "CONNECT":
                client.sendall(b"HTTP/1.1 501 Not Implemented\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                return
            host, port = target.rsplit(":", 1)
            upstream = socket.create_connection((host, int(port)), timeout=10)
            client.sendall(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            rest = head.split(b"\r\n\r\n", 1)[1]
            if rest:
                upstream.sendall(rest)
            self._pipe(client, upstream)
        except OSError:
            pass
        finally:
            client.close()

    @staticmethod
    def _pipe(a, b):
        a.settimeout(None)
        b.settimeout(None)
        try:
            while True:
                readable, _, _ = select.select([a, b], [], [], 60)
                if not readable:
                    return
                for s in readable:
                    data = s.recv(65536)
                    if not data:
                        return
                    (b if s is a else a).sendall(data)
        except OSError:
            pass
        finally:
            b.close()
