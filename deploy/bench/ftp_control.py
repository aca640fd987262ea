"""One FTP control connection for the benchmark's floors (w1-floor.py, plain-hop.py): just enough FTP to log in,
open a passive data connection and read replies in step."""
import socket


class Ftp:
    """A logged-in control connection; each command waits for its final reply (its code's "NNN " line)."""

    def __init__(self, host, port, user, password):
        self.sock = socket.create_connection((host, port))
        self.buffer = b""
        self.reply()  # 220
        self.send("USER " + user)
        self.send("PASS " + password)
        self.send("TYPE I")

    def reply(self):
        while True:
            if b"\r\n" in self.buffer:
                line, self.buffer = self.buffer.split(b"\r\n", 1)
                text = line.decode(errors="replace")
                if len(text) > 3 and text[:3].isdigit() and text[3] == " ":
                    return text
                continue
            more = self.sock.recv(4096)
            if not more:
                raise IOError("the FTP server closed the control connection")
            self.buffer += more

    def send(self, line):
        self.sock.sendall(line.encode() + b"\r\n")
        return self.reply()

    def passive(self):
        """A connected data socket (PASV)."""
        reply = self.send("PASV")
        numbers = reply[reply.index("(") + 1 : reply.index(")")].split(",")
        return socket.create_connection((".".join(numbers[:4]), int(numbers[4]) * 256 + int(numbers[5])))

    def close(self):
        self.send("QUIT")
        self.sock.close()
