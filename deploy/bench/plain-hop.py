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

F_SETPIPE_SZ = 1031
STEP = 1 << 20


def ftp(control, line):
    control.sendall(line.encode() + b"\r\n")
    reply = b""
    while True:  # a reply ends with a line "NNN text" (a multi-line one starts "NNN-")
        reply += control.recv(4096)
        lines = reply.decode(errors="replace").split("\r\n")
        done = [l for l in lines[:-1] if len(l) > 3 and l[:3].isdigit() and l[3] == " "]
        if done:
            return done[-1]


def serve(client, ftp_host, ftp_port, user, password):
    request = client.recv(65536).decode(errors="replace")
    path = request.split(" ")[1]
    control = socket.create_connection((ftp_host, ftp_port))
    control.recv(4096)  # 220
    ftp(control, "USER " + user)
    ftp(control, "PASS " + password)
    ftp(control, "TYPE I")
    size = int(ftp(control, "SIZE " + path).split()[1])
    pasv = ftp(control, "PASV")
    numbers = pasv[pasv.index("(") + 1 : pasv.index(")")].split(",")
    data = socket.create_connection((".".join(numbers[:4]), int(numbers[4]) * 256 + int(numbers[5])))
    control.sendall(("RETR " + path + "\r\n").encode())
    client.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % size)
    pipe_out, pipe_in = os.pipe()
    fcntl.fcntl(pipe_in, F_SETPIPE_SZ, STEP)
    while True:
        moved = os.splice(data.fileno(), pipe_in, STEP)
        if moved == 0:
            break
        while moved:
            moved -= os.splice(pipe_out, client.fileno(), moved)
    for closable in (data, control, client):
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
