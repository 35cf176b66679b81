#!/usr/bin/env python3
"""Self-test of the bovine peer without Prassi: two bovine-herd peers on two
free loopback ports; A follows B by actor URL, B auto-accepts, A sees the
Accept in its inbox, B lists A as follower; then A undoes the follow and B
drops A. A third peer C (started with --accept-embed) answers A's Follow with
an Accept that embeds the Follow. Finally the peers are stopped (via stdin
EOF, SIGTERM and POST /shutdown) and must exit promptly with no extra stdout.

Run with the venv's python (selftest.sh does this):
    python selftest.py [--keep]
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
PEER = os.path.join(HERE, "peer.py")
POLL_TIMEOUT = 30.0
POLL_INTERVAL = 0.1


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PeerProcess:
    def __init__(self, name, workdir, extra_args=()):
        self.name = name
        self.port = free_port()
        self.workdir = workdir
        self.stderr_lines = []
        started = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, PEER, "--port", str(self.port), "--workdir", workdir, *extra_args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        threading.Thread(target=self._pump_stderr, daemon=True).start()
        self.info = self._read_ready(started)
        self.startup = time.monotonic() - started
        self.control = self.info["control_url"]

    def _pump_stderr(self):
        for line in self.proc.stderr:
            self.stderr_lines.append(line)
            sys.stderr.write(f"[{self.name}] {line}")

    def _read_ready(self, started, timeout=60.0):
        result = {}

        def read():
            line = self.proc.stdout.readline()
            result["line"] = line

        t = threading.Thread(target=read, daemon=True)
        t.start()
        t.join(timeout)
        line = result.get("line")
        if not line or not line.startswith("READY "):
            self.kill()
            raise AssertionError(f"peer {self.name}: no READY line within {timeout}s, got {line!r}")
        return json.loads(line[len("READY "):])

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.control + path, data=data, method=method, headers={"content-type": "application/json"}
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def poll(description, fn, timeout=POLL_TIMEOUT):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(POLL_INTERVAL)
    raise AssertionError(f"timed out after {timeout}s waiting for: {description} (last={last!r})")


def object_id(value):
    return value.get("id") if isinstance(value, dict) else value


def main():
    keep = "--keep" in sys.argv
    tmp = tempfile.mkdtemp(prefix="bovine-selftest-")
    peers = []
    ok = False
    try:
        t0 = time.monotonic()
        a = PeerProcess("A", os.path.join(tmp, "a"))
        peers.append(a)
        b = PeerProcess("B", os.path.join(tmp, "b"))
        peers.append(b)
        print(f"A ready in {a.startup:.2f}s: {a.info['actor']}")
        print(f"B ready in {b.startup:.2f}s: {b.info['actor']}")

        # unsigned GET of an actor must be refused (bovine is strict)
        try:
            urllib.request.urlopen(
                urllib.request.Request(b.info["actor"], headers={"accept": "application/activity+json"}),
                timeout=5,
            )
            raise AssertionError("unsigned GET of B's actor was not refused")
        except urllib.error.HTTPError as e:
            assert e.code == 401, e.code

        t1 = time.monotonic()
        res = a.call("POST", "/follow", {"target": b.info["actor"]})
        follow_id = res["id"]
        assert follow_id, res
        print(f"A sent Follow {follow_id}")

        def accept_in_a():
            for act in a.call("GET", "/inbox"):
                if act.get("type") == "Accept" and object_id(act.get("object")) == follow_id:
                    return act
            return None

        accept = poll("Accept of A's Follow in A's inbox", accept_in_a)
        print(f"A got Accept after {time.monotonic() - t1:.2f}s: {json.dumps(accept)}")

        follow_in_b = poll(
            "Follow in B's inbox",
            lambda: next((x for x in b.call("GET", "/inbox") if x.get("id") == follow_id), None),
        )
        assert follow_in_b.get("type") == "Follow", follow_in_b
        poll("A in B's followers", lambda: a.info["actor"] in b.call("GET", "/followers"))
        poll("B in A's following", lambda: b.info["actor"] in a.call("GET", "/following"))
        print("B lists A as follower; A lists B as following")

        received = b.call("GET", "/received")
        follow_raw = next(r for r in received if r["activity"].get("id") == follow_id)
        assert follow_raw["signer"] == a.info["actor"], follow_raw
        print(f"raw Follow as received by B: {json.dumps(follow_raw['activity'])}")

        res = a.call("POST", "/unfollow", {"target": b.info["actor"]})
        print(f"A sent Undo {res['id']}")
        poll("A removed from B's followers", lambda: a.info["actor"] not in b.call("GET", "/followers"))
        poll("B removed from A's following", lambda: b.info["actor"] not in a.call("GET", "/following"))
        print(f"Undo(Follow) processed; total flow {time.monotonic() - t0:.2f}s")

        # a peer whose Accept embeds the Follow instead of referencing it
        c = PeerProcess("C", os.path.join(tmp, "c"), ["--accept-embed"])
        peers.append(c)
        t2 = time.monotonic()
        follow_c = a.call("POST", "/follow", {"target": c.info["actor"]})["id"]
        sent = poll(
            "C's embedded Accept sent",
            lambda: next((x["activity"] for x in a.call("GET", "/received")
                          if x["activity"].get("type") == "Accept"
                          and isinstance(x["activity"].get("object"), dict)
                          and x["activity"]["object"].get("id") == follow_c), None),
        )
        poll("C in A's following", lambda: c.info["actor"] in a.call("GET", "/following"))
        poll("A in C's followers", lambda: a.info["actor"] in c.call("GET", "/followers"))
        print(f"embedded Accept handled after {time.monotonic() - t2:.2f}s: {json.dumps(sent)}")

        # shutdown: A via stdin EOF, B via SIGTERM, C via POST /shutdown
        a.proc.stdin.close()
        b.proc.send_signal(signal.SIGTERM)
        c.call("POST", "/shutdown")
        for p in peers:
            try:
                code = p.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                raise AssertionError(f"peer {p.name} did not exit within 15s")
            assert code == 0, f"peer {p.name} exited with {code}"
            rest = p.proc.stdout.read()
            assert rest == "", f"peer {p.name} wrote extra stdout: {rest!r}"
        for p in peers:
            with socket.socket() as s:
                assert s.connect_ex(("127.0.0.1", p.port)) != 0, f"port {p.port} still open"
        print("all peers stopped cleanly")
        ok = True
    finally:
        for p in peers:
            p.kill()
        if ok and not keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"workdirs kept in {tmp}", file=sys.stderr)
    print("SELFTEST PASSED")


if __name__ == "__main__":
    main()
