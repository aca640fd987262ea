"""Transfer events from an ftpgw gateway, with the Python standard library only.

Two ways in:
  * SseReader    -- GET /events (Server-Sent Events), resumable with Last-Event-ID;
  * TcpBridge    -- the Vert.x TCP event-bus bridge (bridges.tcp): 4-byte big-endian length + JSON frames.

Every event is one JSON object: {eventId, id, path, state, bytes, totalBytes, sha256, owner, node, attempts,
error, at}. See docs/events.md.
"""
import base64
import json
import socket
import ssl
import struct
import urllib.parse
import urllib.request

EVENTS_ADDRESS = "ftpgw.transfers.events"
GET_ADDRESS = "ftpgw.transfers.get"
CANCEL_ADDRESS = "ftpgw.transfers.cancel"


def basic_auth(user, password):
    """The Authorization header value for HTTP Basic (None when there is no user)."""
    if user is None:
        return None
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


class SseReader:
    """Reads GET /events; iterate it for (event_id, event_dict) pairs. Comments (heartbeats) are skipped."""

    def __init__(self, base_url, authorization=None, last_event_id=None, transfer=None, path=None, timeout=60):
        query = []
        if transfer:
            query.append("transfer=" + urllib.parse.quote(transfer))
        if path:
            query.append("path=" + urllib.parse.quote(path))
        url = base_url.rstrip("/") + "/events" + ("?" + "&".join(query) if query else "")
        request = urllib.request.Request(url, headers={"Accept": "text/event-stream"})
        if authorization:
            request.add_header("Authorization", authorization)
        if last_event_id:
            request.add_header("Last-Event-ID", last_event_id)
        self.response = urllib.request.urlopen(request, timeout=timeout)
        self.last_event_id = last_event_id

    def __iter__(self):
        event_id, data = None, []
        for raw in self.response:
            line = raw.decode("utf-8").rstrip("\r\n")
            if line == "":
                if data:
                    self.last_event_id = event_id or self.last_event_id
                    yield event_id, json.loads("\n".join(data))
                event_id, data = None, []
            elif line.startswith(":"):
                continue
            elif line.startswith("id:"):
                event_id = line[3:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].lstrip())

    def close(self):
        self.response.close()


class BridgeError(Exception):
    """An error frame from the bridge (e.g. access_denied), or a failed request."""


class TcpBridge:
    """A client of the Vert.x TCP event-bus bridge. Credentials travel in each frame's headers."""

    def __init__(self, host, port, authorization=None, use_tls=False, cafile=None, timeout=60):
        sock = socket.create_connection((host, port), timeout=timeout)
        if use_tls:
            context = ssl.create_default_context(cafile=cafile)
            sock = context.wrap_socket(sock, server_hostname=host)
        self.sock = sock
        self.headers = {"Authorization": authorization} if authorization else {}
        self._replies = 0

    def _send(self, frame):
        data = json.dumps(frame).encode("utf-8")
        self.sock.sendall(struct.pack(">I", len(data)) + data)

    def _read_exactly(self, n):
        chunks = b""
        while len(chunks) < n:
            chunk = self.sock.recv(n - len(chunks))
            if not chunk:
                raise ConnectionError("the bridge closed the connection")
            chunks += chunk
        return chunks

    def read_frame(self):
        """The next frame as a dict; raises BridgeError for an error frame."""
        (length,) = struct.unpack(">I", self._read_exactly(4))
        frame = json.loads(self._read_exactly(length).decode("utf-8"))
        if frame.get("type") == "err":
            raise BridgeError(frame.get("message") or frame.get("failureType") or str(frame))
        return frame

    def register(self, address=EVENTS_ADDRESS):
        """Listens to an address; in a mode with users, use events_address_of(user)."""
        self._send({"type": "register", "address": address, "headers": self.headers})

    def request(self, address, body):
        """Sends a request and returns the reply body (frames for other addresses are skipped)."""
        self._replies += 1
        reply_address = f"python-reply-{self._replies}"
        self._send({"type": "send", "address": address, "body": body, "headers": self.headers,
                    "replyAddress": reply_address})
        while True:
            frame = self.read_frame()
            if frame.get("address") == reply_address:
                if frame.get("failureCode") is not None:
                    raise BridgeError(frame.get("message"))
                return frame.get("body")

    def events(self):
        """Yields the body of each message that arrives (transfer events once registered)."""
        while True:
            frame = self.read_frame()
            if frame.get("type") == "message":
                yield frame.get("body")

    def close(self):
        self.sock.close()


def events_address_of(user):
    """The address one user's events are published on (what a bridge client with a login registers)."""
    return EVENTS_ADDRESS if user is None else EVENTS_ADDRESS + "." + user
