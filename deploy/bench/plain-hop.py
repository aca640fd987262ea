#!/usr/bin/env python3
"""The cheapest FTP-to-HTTP hop there is, as R1's floor: for GET /<path> it logs in to the FTP
server, asks SIZE, RETRs the file and moves the data connection's bytes to the HTTP client with
splice(2), so they never enter user space. No checks, no pooling, no security: it only shows what
one more hop between the FTP server and the client costs on this machine, whatever does the hop.

usage: plain-hop.py LISTEN_PORT FTP_HOST FTP_PORT USER PASSWORD_FILE
"""
import fcntl
import os
import socket
import sys
import threading

from ftp_control import Ftp

F_SETPIPE_SZ = 1031
STEP = 1 << 20


def serve(client, ftp_host, ftp_port, user, password):
    request = client.recv(65536).decode(errors="replace")
    path = request.split(" ")[1]
    control = Ftp(ftp_host, ftp_port, user, password)
    size = int(control.send("SIZE " + path).split()[1])
    data = control.passive()
    control.send("RETR " + path)  # 150; the 226 is never read: the connection is closed at the end
    client.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % size)
    pipe_out, pipe_in = os.pipe()
    fcntl.fcntl(pipe_in, F_SETPIPE_SZ, STEP)
    while True:
        moved = os.splice(data.fileno(), pipe_in, STEP)
        if moved == 0:
            break
        while moved:
            moved -= os.splice(pipe_out, client.fileno(), moved)
    for closable in (data, control.sock, client):
        closable.close()
    os.close(pipe_in)
    os.close(pipe_out)


def main():
    port, ftp_host, ftp_port, user, password_file = sys.argv[1:6]
    with open(password_file) as f:
        password = f.read().strip()
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", int(port)))
    listener.listen(16)
    while True:
        client, _ = listener.accept()
        args = (client, ftp_host, int(ftp_port), user, password)
        threading.Thread(target=serve, args=args, daemon=True).start()


if __name__ == "__main__":
    main()
