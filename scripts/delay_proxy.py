#!/usr/bin/env python3
"""Tiny asyncio HTTP/1.1 reverse proxy that adds a fixed delay to every request.

  delay_proxy.py --listen 127.0.0.1:PORT --upstream 127.0.0.1:MOTOPORT --delay-ms 40

Simulates a real region's round trip in front of moto. Client side: keep-alive,
any number of concurrent connections, Content-Length or chunked request bodies,
Expect: 100-continue. Upstream side: one fresh connection per request
("Connection: close"; moto's werkzeug server closes after each response anyway).
The response is read fully (Content-Length, chunked, or until close) and relayed
with a Content-Length so the client connection can stay alive.

Counting: every proxied request is counted (total and per AWS service, taken from
the SigV4 credential scope). GET /__proxy_stats returns JSON; POST
/__proxy_stats/reset zeroes the counters; the count is printed to stderr on
SIGTERM/SIGINT. Stats requests are neither delayed nor counted.
With --record FILE, every proxied request is appended to FILE as one JSON line
{"method", "target", "body", "service", "region", "amz_target", "content_type", "at"}
(body as text; service and region from the SigV4 credential scope, "" when
unsigned; amz_target is the X-Amz-Target header of JSON protocols, "" if none):
tests assert the exact requests sent, and name the IAM action of each.
The delay is applied once per request, before forwarding; concurrent requests
are delayed concurrently (like real network latency).

Lost answers (--lose-first-writes): the FIRST request of each kind of write is
forwarded, moto acts on it and its whole answer is read, then the client
connection is closed without a byte of answer: the client's SDK sees a transport
error and resends (the answer was lost after AWS acted). A kind is the SigV4
service and the operation: `Action=` of query protocols (EC2, ELBv2, STS), the
X-Amz-Target of JSON protocols, the method and path template of REST protocols
(Route 53, API Gateway: ids become {id}, e.g. "apigateway POST /restapis/{id}/deployments",
"route53 POST /2013-04-01/hostedzone/{id}/rrset"). Reads are never dropped
(GET/HEAD, operations named Describe*/List*/Get*), nor unsigned requests.
--lose-only REGEX narrows the lost kinds to those it matches (re.search).
Each kind is lost once; POST /__proxy_lose/reset forgets the kinds lost so far
(the next first write of each kind is lost again); GET /__proxy_lose lists them.
Every line of --record carries "kind" (the write kind, "" for a read) and
"dropped" (true for a request whose answer was dropped; such a line also has
"upstream_status", moto's status, and is written once moto answered);
/__proxy_stats counts them as "dropped".
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import re
import signal
import sys
import time
import urllib.parse

HOP = {b"connection", b"keep-alive", b"proxy-connection", b"te", b"trailer",
       b"transfer-encoding", b"upgrade", b"expect", b"content-length"}
SCOPE = re.compile(rb"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")
REGION_SERVICE = re.compile(rb"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request")
MAX_HEAD = 256 * 1024


class Stats:
    def __init__(self):
        self.reset()

    def reset(self):
        self.requests = 0
        self.errors = 0
        self.dropped = 0
        self.by_service = collections.Counter()
        self.in_flight = 0
        self.max_in_flight = 0
        self.started = time.time()

    def as_json(self) -> bytes:
        return json.dumps({
            "requests": self.requests, "errors": self.errors, "dropped": self.dropped,
            "by_service": dict(self.by_service), "in_flight": self.in_flight,
            "max_in_flight": self.max_in_flight,
            "seconds_since_reset": round(time.time() - self.started, 3),
        }).encode()


STATS = Stats()


class Lose:
    """The write kinds whose first answer was dropped (in order), since start or the last reset."""

    def __init__(self):
        self.lost: list[str] = []

    def as_json(self, enabled: bool) -> bytes:
        return json.dumps({"enabled": enabled, "lost": self.lost, "dropped": STATS.dropped}).encode()


LOSE = Lose()

READ_PREFIXES = ("Describe", "List", "Get")
# Literal segments of REST paths (Route 53, API Gateway); any other segment is an id, except an
# HTTP method (API Gateway's .../methods/GET).
REST_WORDS = {
    "2013-04-01", "restapis", "resources", "methods", "integration", "responses", "deployments",
    "stages", "domainnames", "basepathmappings", "tags", "hostedzone", "hostedzones", "rrset",
    "associatevpc", "disassociatevpc", "change", "hostedzonesbyname", "hostedzonesbyvpc",
    "authorizers", "models", "apikeys", "usageplans", "keys", "vpclinks", "requestvalidators",
    "gatewayresponses", "documentation", "parts", "versions", "clientcertificates", "account",
    "healthcheck", "delegationset", "queryloggingconfig", "keysigningkey", "dnssec",
    "domainnameaccessassociations", "reject", "policy",
}
HTTP_METHODS = {"GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS", "ANY"}


def path_template(target: str) -> str:
    path = target.split("?", 1)[0].rstrip("/") or "/"
    segs = []
    for seg in path.split("/")[1:]:
        segs.append(seg if seg in REST_WORDS or seg in HTTP_METHODS else "{id}")
    return "/" + "/".join(segs)


def write_kind(method: bytes, target: bytes, headers, body: bytes) -> str:
    """The kind of write of a request ("service operation"), or "" for a read or unsigned request."""
    rs = REGION_SERVICE.search(hget(headers, b"authorization") or b"")
    if not rs:
        return ""
    service = rs.group(2).decode("latin-1")
    amz_target = (hget(headers, b"x-amz-target") or b"").decode("latin-1")
    if amz_target:  # JSON protocols: "CertificateManager.DescribeCertificate"
        op = amz_target.rsplit(".", 1)[-1]
        return "" if op.startswith(READ_PREFIXES) else f"{service} {op}"
    if method in (b"GET", b"HEAD"):
        return ""
    t = target.decode("latin-1")
    ctype = (hget(headers, b"content-type") or b"").lower()
    query = t.split("?", 1)[1] if "?" in t else ""
    fields = urllib.parse.parse_qs(query)
    if b"x-www-form-urlencoded" in ctype:
        fields.update(urllib.parse.parse_qs(body.decode("utf-8", "replace")))
    action = (fields.get("Action") or [""])[0]
    if action:  # query protocols (EC2, ELBv2, STS)
        return "" if action.startswith(READ_PREFIXES) else f"{service} {action}"
    return f"{service} {method.decode('latin-1')} {path_template(t)}"


def record_line(args, method, target, headers, body, kind, dropped, upstream_status=None):
    if not args.record:
        return
    rs = REGION_SERVICE.search(hget(headers, b"authorization") or b"")
    line = {
        "method": method.decode("latin-1"),
        "target": target.decode("latin-1"),
        "body": body.decode("utf-8", "replace"),
        "service": rs.group(2).decode("latin-1") if rs else "",
        "region": rs.group(1).decode("latin-1") if rs else "",
        "amz_target": (hget(headers, b"x-amz-target") or b"").decode("latin-1"),
        "content_type": (hget(headers, b"content-type") or b"").decode("latin-1"),
        "kind": kind,
        "dropped": dropped,
        "at": round(time.time(), 4),
    }
    if upstream_status is not None:
        line["upstream_status"] = upstream_status
    with open(args.record, "a", encoding="utf-8") as rec:
        rec.write(json.dumps(line) + "\n")


class BadRequest(Exception):
    pass


async def read_head(reader: asyncio.StreamReader):
    """Returns (start_line, [(name, value)]) or None on clean EOF."""
    try:
        raw = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as e:
        if not e.partial.strip():
            return None
        raise BadRequest("truncated head")
    except asyncio.LimitOverrunError:
        raise BadRequest("head too large")
    lines = raw[:-4].split(b"\r\n")
    while lines and not lines[0]:  # tolerate stray CRLF between requests
        lines.pop(0)
    if not lines:
        return None
    headers = []
    for ln in lines[1:]:
        if b":" not in ln:
            raise BadRequest("bad header line")
        k, v = ln.split(b":", 1)
        headers.append((k.strip(), v.strip()))
    return lines[0], headers


def hget(headers, name: bytes):
    for k, v in headers:
        if k.lower() == name:
            return v
    return None


async def read_body(reader, headers, *, until_close: bool = False) -> bytes:
    te = (hget(headers, b"transfer-encoding") or b"").lower()
    if b"chunked" in te:
        out = bytearray()
        while True:
            line = await reader.readuntil(b"\r\n")
            size = int(line.split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                # trailers until empty line
                while (await reader.readuntil(b"\r\n")) != b"\r\n":
                    pass
                return bytes(out)
            out += await reader.readexactly(size)
            await reader.readexactly(2)
    cl = hget(headers, b"content-length")
    if cl is not None:
        return await reader.readexactly(int(cl))
    if until_close:
        return await reader.read()
    return b""


def build_head(start: bytes, headers, extra) -> bytes:
    out = [start]
    for k, v in headers:
        if k.lower() not in HOP:
            out.append(k + b": " + v)
    for k, v in extra:
        out.append(k + b": " + v)
    return b"\r\n".join(out) + b"\r\n\r\n"


async def forward(up_host, up_port, method, target, version, headers, body, timeout):
    r, w = await asyncio.wait_for(asyncio.open_connection(up_host, up_port), timeout)
    try:
        extra = [(b"Content-Length", str(len(body)).encode())] if (body or method not in (b"GET", b"HEAD")) else []
        extra.append((b"Connection", b"close"))
        w.write(build_head(method + b" " + target + b" HTTP/1.1", headers, extra) + body)
        await w.drain()
        while True:
            head = await asyncio.wait_for(read_head(r), timeout)
            if head is None:
                raise BadRequest("upstream closed without response")
            status_line, rh = head
            parts = status_line.split(b" ", 2)
            code = int(parts[1])
            if 100 <= code < 200 and code != 101:
                continue  # swallow interim responses
            break
        if method == b"HEAD" or code in (204, 304):
            rbody = b""
        else:
            rbody = await asyncio.wait_for(read_body(r, rh, until_close=True), timeout)
        return status_line, rh, rbody
    finally:
        w.close()
        try:
            await w.wait_closed()
        except Exception:
            pass


async def handle(reader, writer, args):
    up_host, up_port = args.upstream
    delay = args.delay_ms / 1000.0
    try:
        while True:
            try:
                head = await read_head(reader)
            except (BadRequest, ConnectionError):
                break
            if head is None:
                break
            start, headers = head
            try:
                method, target, version = start.split(b" ", 2)
            except ValueError:
                break
            conn_hdr = (hget(headers, b"connection") or b"").lower()
            keep_alive = (b"close" not in conn_hdr) if version == b"HTTP/1.1" else (b"keep-alive" in conn_hdr)

            if target.startswith(b"/__proxy_stats"):
                await read_body(reader, headers)
                if method == b"POST" and target.rstrip(b"/").endswith(b"/reset"):
                    STATS.reset()
                body = STATS.as_json()
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                             + str(len(body)).encode() + b"\r\n\r\n" + body)
                await writer.drain()
                if not keep_alive:
                    break
                continue

            if target.startswith(b"/__proxy_lose"):
                await read_body(reader, headers)
                if method == b"POST" and target.rstrip(b"/").endswith(b"/reset"):
                    LOSE.lost.clear()
                body = LOSE.as_json(args.lose_first_writes)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                             + str(len(body)).encode() + b"\r\n\r\n" + body)
                await writer.drain()
                if not keep_alive:
                    break
                continue

            if b"100-continue" in (hget(headers, b"expect") or b"").lower():
                writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                await writer.drain()
            body = await read_body(reader, headers)

            STATS.requests += 1
            kind = write_kind(method, target, headers, body)
            lose = (args.lose_first_writes and kind != "" and kind not in LOSE.lost
                    and (args.lose_only is None or re.search(args.lose_only, kind) is not None))
            if lose:
                LOSE.lost.append(kind)  # before any await: a concurrent twin is not lost too
            else:
                record_line(args, method, target, headers, body, kind, False)
            m = SCOPE.search(hget(headers, b"authorization") or b"")
            STATS.by_service[(m.group(1) if m else b"unsigned").decode()] += 1
            STATS.in_flight += 1
            STATS.max_in_flight = max(STATS.max_in_flight, STATS.in_flight)
            try:
                if delay:
                    await asyncio.sleep(delay)
                status_line, rh, rbody = await forward(
                    up_host, up_port, method, target, version, headers, body, args.timeout)
                if lose:
                    # moto acted and answered in full; the client never hears of it.
                    STATS.dropped += 1
                    record_line(args, method, target, headers, body, kind, True,
                                int(status_line.split(b" ", 2)[1]))
                    break
                resp = build_head(b"HTTP/1.1 " + status_line.split(b" ", 1)[1], rh, [
                    (b"Content-Length", (hget(rh, b"content-length") or b"0") if method == b"HEAD"
                     else str(len(rbody)).encode()),
                    (b"Connection", b"keep-alive" if keep_alive else b"close"),
                ]) + (rbody if method != b"HEAD" else b"")
            except Exception as e:  # upstream failure -> 502, keep the client alive
                STATS.errors += 1
                if lose:  # nothing was lost: the next request of the kind is
                    LOSE.lost.remove(kind)
                    record_line(args, method, target, headers, body, kind, False)
                msg = f"delay_proxy upstream error: {type(e).__name__}: {e}".encode()
                resp = (b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nContent-Length: "
                        + str(len(msg)).encode() + b"\r\n\r\n" + msg)
                keep_alive = False
            finally:
                STATS.in_flight -= 1
            writer.write(resp)
            await writer.drain()
            if not keep_alive:
                break
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        try:
            writer.close()
            await writer.wait_closed()
        except Exception:
            pass


def hostport(s: str):
    h, _, p = s.rpartition(":")
    return (h or "127.0.0.1"), int(p)


async def main_async(args):
    host, port = args.listen
    server = await asyncio.start_server(lambda r, w: handle(r, w, args), host, port,
                                        limit=MAX_HEAD, backlog=1024, reuse_address=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    addr = server.sockets[0].getsockname()
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write(str(addr[1]))
        import os
        os.replace(args.port_file + ".tmp", args.port_file)
    print(f"delay_proxy listening on {addr[0]}:{addr[1]} -> {args.upstream[0]}:{args.upstream[1]} "
          f"delay {args.delay_ms} ms", file=sys.stderr, flush=True)
    async with server:
        await stop.wait()
    print(f"delay_proxy: {STATS.requests} requests proxied ({STATS.errors} errors) "
          f"{json.dumps(dict(STATS.by_service))}", file=sys.stderr, flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--listen", type=hostport, required=True, help="HOST:PORT to listen on (port 0 = any)")
    ap.add_argument("--upstream", type=hostport, required=True, help="HOST:PORT of moto")
    ap.add_argument("--delay-ms", type=float, default=40.0)
    ap.add_argument("--timeout", type=float, default=300.0, help="upstream timeout, seconds")
    ap.add_argument("--record", help="append every request as a JSON line to this file")
    ap.add_argument("--lose-first-writes", action="store_true",
                    help="drop the answer of the first request of each kind of write (after moto acted)")
    ap.add_argument("--lose-only", metavar="REGEX",
                    help="with --lose-first-writes: only kinds matching REGEX, e.g. 'CreateLoadBalancer'")
    ap.add_argument("--port-file", help="write the port listened on to this file once ready")
    asyncio.run(main_async(ap.parse_args()))


if __name__ == "__main__":
    main()
