"""Serve a fake web: each site on its own loopback address, one shared port; prints the addresses.

Run as `python -m fakeweb.server --web fakeweb.demo:build [--log FILE]`. The first line on stdout
is JSON: {"sites": {key: base_url}, "port": port}. Every request is logged as a JSON line to --log.
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import json
import socket
import sys
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from fakeweb.routes import Route, Web

_log_lock = threading.Lock()
_throttled: set[tuple[str, str]] = set()  # (site, path) already answered 429 by "throttle-once"


def _free_port(hosts: list[str]) -> int:
    """A port that is free on every one of the given loopback addresses."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind((hosts[0], 0))
            port = probe.getsockname()[1]
        ok = True
        for host in hosts[1:]:
            with socket.socket() as other:
                try:
                    other.bind((host, port))
                except OSError:
                    ok = False
                    break
        if ok:
            return port
    raise RuntimeError("no common free port on the fake web's addresses")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeWeb/1.0"
    routes: dict[str, Route] = {}
    site_key = ""
    log_file = None

    def log_message(self, format, *args):  # noqa: A002 - silence stderr logging
        pass

    def _log(self, status: int) -> None:
        if self.log_file is None:
            return
        line = json.dumps(
            {
                "site": self.site_key,
                "host": self.headers.get("Host"),
                "path": self.path,
                "method": self.command,
                "status": status,
                "ua": self.headers.get("User-Agent"),
                "t": time.time(),
            }
        )
        with _log_lock, open(self.log_file, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")

    def do_HEAD(self):
        self.do_GET(head=True)

    def do_GET(self, head: bool = False):
        route = self.routes.get(self.path)
        if route is None:
            route = Route(body="<html><body><h1>Niet gevonden</h1></body></html>", status=404)
        if route.behaviour == "reset":
            self._log(0)
            self.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
            self.connection.close()
            self.close_connection = True
            return
        if route.behaviour == "hang":  # logged on arrival, as it never answers
            self._log(0)
            time.sleep(route.delay)
            self.close_connection = True
            return
        if route.behaviour == "slow":
            time.sleep(route.delay)
        if route.behaviour == "throttle-once":
            with _log_lock:
                first = (self.site_key, self.path) not in _throttled
                _throttled.add((self.site_key, self.path))
            if first:
                self._log(429)
                self.send_response(429)
                self.send_header("Retry-After", str(int(route.delay)))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        if route.behaviour == "redirect-loop":
            self._log(302)
            self.send_response(302)
            target = "/loop-b" if self.path.endswith("a") else "/loop-a"
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        not_modified = (route.etag and self.headers.get("If-None-Match") == route.etag) or (
            route.last_modified and self.headers.get("If-Modified-Since") == route.last_modified
        )
        if not_modified:
            self._log(304)
            self.send_response(304)
            self._validators(route)
            self.end_headers()
            return
        if route.behaviour == "huge":
            self._send_huge(route, head)
            return
        body = route.body_bytes()
        headers = dict(route.headers)
        if route.behaviour == "truncate":  # promise twice the body, send it, hang up
            self._log(route.status)
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(2 * len(body)))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
            self.close_connection = True
            return
        if route.behaviour == "bomb":
            body = gzip.compress(b"<html><body>" + b" " * route.size + b"</body></html>", 9)
            headers["Content-Encoding"] = "gzip"
        self._log(route.status)
        self.send_response(route.status)
        self.send_header("Content-Type", route.content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self._validators(route)
        self.end_headers()
        if not head:
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    def _validators(self, route: Route) -> None:
        if route.etag:
            self.send_header("ETag", route.etag)
        if route.last_modified:
            self.send_header("Last-Modified", route.last_modified)

    def _send_huge(self, route: Route, head: bool) -> None:
        self._log(200)
        self.send_response(200)
        self.send_header("Content-Type", route.content_type)
        self.send_header("Content-Length", str(route.size))
        self.end_headers()
        if head:
            return
        chunk = b"<p>" + b"x" * 65530 + b"</p>"
        sent = 0
        try:
            while sent < route.size:
                part = chunk[: route.size - sent]
                self.wfile.write(part)
                sent += len(part)
        except (BrokenPipeError, ConnectionResetError):
            pass


def load_builder(spec: str):
    module_name, _, func = spec.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, func or "build"), module.SITES


def serve(spec: str, log_file: str | None = None, first_octet_offset: int = 2) -> None:
    build, site_keys = load_builder(spec)
    hosts = [f"127.0.0.{first_octet_offset + i}" for i in range(len(site_keys))]
    port = _free_port(hosts)
    bases = {key: f"http://{host}:{port}" for key, host in zip(site_keys, hosts, strict=True)}
    web: Web = build(bases)
    servers: list[ThreadingHTTPServer] = []
    for key, host in zip(site_keys, hosts, strict=True):
        handler = type(
            f"Handler_{len(servers)}",
            (_Handler,),
            {"routes": web.get(key, {}), "site_key": key, "log_file": log_file},
        )
        server = ThreadingHTTPServer((host, port), handler)
        server.daemon_threads = True
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({"sites": bases, "port": port}), flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass


def http_date(ts: float) -> str:
    return formatdate(ts, usegmt=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--web", required=True, help="module:function building the web")
    parser.add_argument("--log", help="file receiving one JSON line per request")
    parser.add_argument("--first", type=int, default=2, help="last octet of the first address")
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # a TextIOWrapper
    serve(args.web, args.log, args.first)


if __name__ == "__main__":
    main()
