#!/usr/bin/env python3
"""W1's floor: the least an HTTP-to-FTP upload can cost with a SHA-256 and a spool file. For each
PUT /<path> it reads the body into a spool file in 1 MiB pieces, hashes it (OpenSSL's SHA-256 through
hashlib), then logs in to the FTP server, STORs the file under a temporary name with sendfile(2),
renames it to <path> and answers 201. No fsync, no checks, no pool, no auth, one upload at a time:
it only shows what the kernel's copies and the hash cost on this machine, whatever does them.

usage: w1-floor.py LISTEN_PORT FTP_HOST FTP_PORT USER PASSWORD_FILE SPOOL_DIR
"""
import hashlib
import os
import socket
import sys

from ftp_control import Ftp

PIECE = 1 << 20


def head(client):
    data = b""
    while b"\r\n\r\n" not in data:
        more = client.recv(65536)
        if not more:
            return None, b""
        data += more
    text, rest = data.split(b"\r\n\r\n", 1)
    lines = text.decode(errors="replace").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:])}
    return (lines[0].split(" ")[1], headers), rest


def upload(client, ftp_at, spool_dir):
    request, rest = head(client)
    if request is None:
        return False
    path, headers = request
    length = int(headers["content-length"])
    if headers.get("expect", "").lower() == "100-continue":
        client.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
    spool = os.path.join(spool_dir, "floor.spool")
    sha256 = hashlib.sha256(rest)
    fd = os.open(spool, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.write(fd, rest)
    got, piece = len(rest), bytearray(PIECE)
    view = memoryview(piece)
    while got < length:
        n = client.recv_into(view, min(PIECE, length - got))
        if n == 0:
            raise IOError("the client left")
        sha256.update(view[:n])
        os.write(fd, view[:n])
        got += n
    os.close(fd)
    store(ftp_at, spool, path, length)
    os.unlink(spool)
    body = b'{"sha256":"%s"}' % sha256.hexdigest().encode()
    client.sendall(b"HTTP/1.1 201 Created\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
    return True


def store(ftp_at, spool, path, length):
    control = Ftp(*ftp_at)
    folder, name = path.rsplit("/", 1)
    walked = ""
    for part in folder.strip("/").split("/"):
        walked += "/" + part
        control.send("MKD " + walked)  # 550 when it exists
    data = control.passive()
    temporary = folder + "/.floor-" + name + ".part"
    control.send("STOR " + temporary)  # 150
    fd = os.open(spool, os.O_RDONLY)
    sent = 0
    while sent < length:
        sent += os.sendfile(data.fileno(), fd, sent, length - sent)
    os.close(fd)
    data.close()
    if not control.reply().startswith("226"):
        raise IOError("the FTP server did not confirm the STOR")
    control.send("RNFR " + temporary)
    if not control.send("RNTO " + path).startswith("250"):
        raise IOError("the FTP server did not rename the upload")
    control.close()


def main():
    port, ftp_host, ftp_port, user, password_file, spool_dir = sys.argv[1:7]
    with open(password_file) as f:
        ftp_at = (ftp_host, int(ftp_port), user, f.read().strip())
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", int(port)))
    listener.listen(16)
    while True:
        client, _ = listener.accept()
        with client:
            while upload(client, ftp_at, spool_dir):
                pass


if __name__ == "__main__":
    main()
