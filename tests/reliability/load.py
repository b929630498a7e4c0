#!/usr/bin/python3
# SPDX-FileCopyrightText: 2026 Field Notes authors
# SPDX-License-Identifier: GPL-3.0-or-later
"""A bounded load test of the reference server on loopback: N concurrent
simulated clients (each its own device and session) push new notes and pull
the changes for a fixed time. Prints requests, errors, throughput and
latency percentiles, then checks that every acknowledged note is on the
server exactly once and that each client's feed delivered its own notes.
Exit status 1 on any unexpected error or data problem.

Usage: load.py [--clients 200] [--duration 60]
Needs FIELD_NOTES_SERVER (the server binary).
"""
import argparse
import collections
import concurrent.futures
import http.client
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid

SERVER = os.environ.get("FIELD_NOTES_SERVER")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    def __init__(self, port, user, index):
        self.port = port
        self.user = user
        self.index = index
        self.conn = None
        self.token = None
        self.device = None
        self.cursor = None
        self.counter = 0
        self.sent = []         # titles the server acknowledged
        self.seen = set()      # note titles pulled
        self.latencies = []
        self.errors = collections.Counter()
        self.patients = []

    def request(self, method, path, body=None, timed=True):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        start = time.monotonic()
        try:
            self.conn.request(method, path, json.dumps(body) if body is not None else None,
                              headers)
            resp = self.conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException) as e:
            self.conn.close()
            self.conn = None
            self.errors[type(e).__name__] += 1
            return None, None
        if timed:
            self.latencies.append(time.monotonic() - start)
        if resp.status >= 400:
            self.errors[f"HTTP {resp.status}"] += 1
        return resp.status, json.loads(data) if data else None

    def sign_in(self):
        status, answer = self.request("POST", "/api/v1/session",
                                      {"username": self.user, "password": f"{self.user}-demo",
                                       "device_name": f"load client {self.index}"}, timed=False)
        assert status == 201, (status, answer)
        self.token, self.device = answer["token"], answer["device_id"]
        self.pull()
        self.errors.clear()
        self.latencies.clear()

    def hlc(self):
        self.counter += 1
        return "%013d-%04x-load%d" % (int(time.time() * 1000), self.counter % 0x10000, self.index)

    def pull(self):
        while True:
            path = "/api/v1/changes?limit=1000" + (f"&since={self.cursor}" if self.cursor else "")
            status, page = self.request("GET", path)
            if status != 200:
                return
            for r in page["changes"]:
                if r.get("entity") == "patient" and not r.get("removed") and not r["deleted"]:
                    if r["id"] not in self.patients:
                        self.patients.append(r["id"])
                if r.get("entity") == "note":
                    self.seen.add(r["fields"].get("title"))
            self.cursor = page["cursor"]
            if not page["has_more"]:
                return

    def push(self, rng):
        ops, titles = [], []
        for _ in range(rng.randint(1, 5)):
            title = f"load {self.index}-{self.counter}-{uuid.uuid4().hex[:6]}"
            fields = {"patient_id": rng.choice(self.patients), "kind": "visit",
                      "visit_at": "2026-11-27T09:00:00Z", "title": title,
                      "body": "Load test note. " * rng.randint(1, 30), "status": "final"}
            ops.append({"op_id": str(uuid.uuid4()), "entity": "note", "id": str(uuid.uuid4()),
                        "base_version": 0, "deleted": False, "fields": fields,
                        "clock": {k: self.hlc() for k in fields}})
            titles.append(title)
        status, answer = self.request("POST", "/api/v1/changes",
                                      {"device_id": self.device, "ops": ops})
        if status == 200:
            for title, result in zip(titles, answer["results"]):
                if result["status"] in ("applied", "duplicate"):
                    self.sent.append(title)
                else:
                    self.errors["rejected"] += 1

    def run(self, deadline, seed):
        rng = random.Random(seed)
        while time.monotonic() < deadline:
            if rng.random() < 0.5:
                self.push(rng)
            else:
                self.pull()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--duration", type=float, default=60)
    args = parser.parse_args()
    if not SERVER:
        print("load: FIELD_NOTES_SERVER is not set")
        return 1

    root = tempfile.mkdtemp(prefix="fn-load-")
    port = free_port()
    out = open(os.path.join(root, "server.out"), "w")
    err = open(os.path.join(root, "server.log"), "w")
    server = subprocess.Popen([SERVER, "--db", os.path.join(root, "server.db"), "--address",
                               "127.0.0.1", "--port", str(port), "--seed-demo=40,80"],
                              stdout=out, stderr=err)
    ok = True
    try:
        for _ in range(300):
            with open(out.name) as f:
                if f.readline().startswith("listening on"):
                    break
            time.sleep(0.05)
        users = ["alice", "bob", "office"]
        clients = [Client(port, users[i % 3], i) for i in range(args.clients)]
        start = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(Client.sign_in, clients))
        print(f"load: {args.clients} clients signed in in {time.monotonic() - start:.1f} s",
              flush=True)

        deadline = time.monotonic() + args.duration
        threads = [threading.Thread(target=c.run, args=(deadline, i)) for i, c in enumerate(clients)]
        start = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - start

        latencies = sorted(l for c in clients for l in c.latencies)
        errors = collections.Counter()
        for c in clients:
            errors.update(c.errors)
        n = len(latencies)
        p = lambda q: latencies[min(n - 1, int(n * q))] * 1000
        print(f"load: {n} requests in {elapsed:.0f} s ({n / elapsed:.0f}/s), errors "
              f"{sum(errors.values())} {dict(errors) if errors else ''}, latency p50 {p(0.5):.1f} ms,"
              f" p99 {p(0.99):.1f} ms, max {latencies[-1] * 1000:.0f} ms", flush=True)
        if errors:
            ok = False

        # Every acknowledged note is on the server once, and reached its client.
        checker = Client(port, "office", 999999)
        checker.sign_in()
        titles = collections.Counter()
        cursor = None
        while True:
            status, page = checker.request("GET", "/api/v1/changes?limit=1000"
                                           + (f"&since={cursor}" if cursor else ""))
            for r in page["changes"]:
                if r["entity"] == "note":
                    titles[r["fields"]["title"]] += 1
            cursor = page["cursor"]
            if not page["has_more"]:
                break
        sent = [t for c in clients for t in c.sent]
        missing = [t for t in sent if titles[t] == 0]
        duplicates = [t for t in sent if titles[t] > 1]
        for c in clients:
            c.pull()
        undelivered = sum(1 for c in clients for t in c.sent if t not in c.seen)
        print(f"load: {len(sent)} notes acknowledged, missing {len(missing)}, duplicates "
              f"{len(duplicates)}, not in their client's feed {undelivered}", flush=True)
        ok &= not missing and not duplicates and not undelivered
    finally:
        server.terminate()
        server.wait(30)
        shutil.rmtree(root, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
