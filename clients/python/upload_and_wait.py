#!/usr/bin/env python3
"""Uploads a file to ftpgw and waits for its `delivered` event, through SSE or the TCP event-bus bridge.

  python3 upload_and_wait.py --gateway http://127.0.0.1:6969 --file report.pdf --to inbox/report.pdf \
      [--via sse|tcp] [--bridge 127.0.0.1:7000] [--user alice --password ...] [--timeout 120]

Prints the delivered event as JSON and exits 0; exits 1 when the transfer failed or was cancelled, 2 on timeout.
Standard library only.
"""
import argparse
import json
import os
import queue
import sys
import threading
import urllib.error
import urllib.request

import ftpgw_events

FINAL = {"delivered", "failed", "cancelled"}


def upload(gateway, path, remote, authorization):
    """PUT with Prefer: respond-async: answered 202 (or 201) with the transfer's id."""
    with open(path, "rb") as body:
        request = urllib.request.Request(gateway.rstrip("/") + "/files/" + remote, data=body, method="PUT",
                                         headers={"Prefer": "respond-async",
                                                  "Content-Length": str(os.path.getsize(path))})
        if authorization:
            request.add_header("Authorization", authorization)
        with urllib.request.urlopen(request) as response:
            return json.loads(response.read())["id"]


def status(gateway, transfer, authorization):
    request = urllib.request.Request(gateway.rstrip("/") + "/transfers/" + transfer)
    if authorization:
        request.add_header("Authorization", authorization)
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gateway", required=True)
    parser.add_argument("--file", required=True)
    parser.add_argument("--to", required=True, help="path under /files/")
    parser.add_argument("--via", choices=["sse", "tcp"], default="sse")
    parser.add_argument("--bridge", help="host:port of the TCP bridge (with --via tcp)")
    parser.add_argument("--user")
    parser.add_argument("--password", default=os.environ.get("FTPGW_PASSWORD"))
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    authorization = ftpgw_events.basic_auth(args.user, args.password)

    # listen first: a small file may be delivered before the upload's answer arrives
    events = queue.Queue()
    if args.via == "sse":
        source = ftpgw_events.SseReader(args.gateway, authorization, timeout=args.timeout)
        stream = (event for _, event in source)
    else:
        host, port = args.bridge.rsplit(":", 1)
        source = ftpgw_events.TcpBridge(host, int(port), authorization, timeout=args.timeout)
        source.register(ftpgw_events.events_address_of(args.user))
        stream = source.events()

    def pump():
        try:
            for event in stream:
                events.put(event)
        except Exception as error:  # the stream ended or broke: the main thread times out or reports it
            events.put({"streamError": str(error)})

    threading.Thread(target=pump, daemon=True).start()
    if args.via == "tcp":
        # the bridge answers a refused registration with an error frame: give it a moment to arrive
        try:
            first = events.get(timeout=0.3)
            events.put(first)
            if "streamError" in first:
                print(first["streamError"], file=sys.stderr)
                return 1
        except queue.Empty:
            pass
    try:
        transfer = upload(args.gateway, args.file, args.to, authorization)
    except urllib.error.HTTPError as refused:
        print(f"upload refused: {refused.code} {refused.read().decode(errors='replace')}", file=sys.stderr)
        return 1
    print(f"uploaded {args.file} as transfer {transfer}; waiting for its delivery", file=sys.stderr)
    # the stream may have started listening after a small file was delivered: ask once
    events.put(status(args.gateway, transfer, authorization))
    while True:
        try:
            event = events.get(timeout=args.timeout)
        except queue.Empty:
            print("no final event within the timeout", file=sys.stderr)
            return 2
        if "streamError" in event:
            print("event stream ended: " + event["streamError"], file=sys.stderr)
            return 2
        if event.get("id") == transfer and event.get("state") in FINAL:
            print(json.dumps(event))
            source.close()
            return 0 if event["state"] == "delivered" else 1


if __name__ == "__main__":
    sys.exit(main())
