#!/usr/bin/python3
# SPDX-FileCopyrightText: 2026 Field Notes authors
# SPDX-License-Identifier: GPL-3.0-or-later
"""Convergence under faults: several laptops (the real field-notes-cli, each
with its own data folder, as separate processes) and the office (HTTP) work
on the same patients through the real field-notes-server while it drops
connections after applying pushes, answers 503, restarts in the middle of a
push, and while laptops are SIGKILLed in the middle of a sync.

After the faults stop and every laptop has synced twice, each seed checks:
- every laptop's store equals the server's data for its user's scope;
- every edit anyone made is the current value, a value kept in a conflict
  record, or a value that a later writer saw before overwriting it (or that
  its own writer replaced);
- nothing was applied twice (each created note exists exactly once) and no
  outbox holds anything.
Each seed prints one line. Exit status 1 if any seed lost or duplicated
anything or did not converge.

Usage: simulate.py [--seeds N | --budget SECONDS] [--first-seed S] [--ops N]
Needs FIELD_NOTES_SERVER and FIELD_NOTES_CLI (paths of the binaries).
"""
import argparse
import collections
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid

SERVER = os.environ.get("FIELD_NOTES_SERVER")
CLI = os.environ.get("FIELD_NOTES_CLI")
EXIT_OK, EXIT_NETWORK, EXIT_AUTH, EXIT_ATTENTION = 0, 2, 3, 4


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Network:
    """Where the server runs. By default on loopback; with --netns-server, in
    its own network namespace behind a veth link that the simulation makes
    lossy, slow, late and down (the simulation itself runs in the client's
    namespace), reached over HTTPS through a small delay proxy."""

    def __init__(self, args, root):
        self.netns = args.netns_server
        self.iface = args.iface
        self.address = args.server_ip if self.netns else "127.0.0.1"
        self.ca = self.cert = self.key = None
        self.proxy = None
        if self.netns:
            self.ca, self.cert, self.key = make_certificates(root, self.address)

    def prefix(self):
        return ["ip", "netns", "exec", self.netns] if self.netns else []

    def url(self, port):
        if not self.netns:
            return f"http://127.0.0.1:{port}"
        if not self.proxy:
            self.proxy = DelayProxy(self.address, port)
        return f"https://127.0.0.1:{self.proxy.port}"

    def context(self):
        return ssl.create_default_context(cafile=self.ca) if self.ca else None

    def tls_args(self):
        return ["--tls-certificate", self.cert, "--tls-key", self.key] if self.netns else []

    def set_link(self, fault, rng):
        """Applies one of the link's fault kinds and lifts the others."""
        if not self.netns:
            return
        run_quiet(["nft", "delete", "table", "inet", "fnfault"])
        run_quiet(["tc", "qdisc", "del", "dev", self.iface, "root"])
        self.proxy.delay = 0
        if fault == "loss":
            run_quiet(["nft", "-f", "-"], input_text=(
                "table inet fnfault { chain in { type filter hook input priority 0;"
                f" iifname \"{self.iface}\" numgen random mod 100 < 15 drop; }}"
                " chain out { type filter hook output priority 0;"
                f" oifname \"{self.iface}\" numgen random mod 100 < 15 drop; }} }}"))
        elif fault == "slow":
            run_quiet(["tc", "qdisc", "add", "dev", self.iface, "root", "tbf", "rate", "256kbit",
                       "burst", "4kb", "latency", "400ms"])
        elif fault == "latency":
            self.proxy.delay = rng.uniform(0.05, 0.25)
        elif fault == "down":
            run_quiet(["ip", "link", "set", self.iface, "down"])
            time.sleep(rng.uniform(0.2, 1.0))
            run_quiet(["ip", "link", "set", self.iface, "up"])

    def close(self):
        if self.netns:
            self.set_link(None, random.Random(0))
        if self.proxy:
            self.proxy.stop()


def run_quiet(argv, input_text=None):
    subprocess.run(argv, input=input_text, text=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def make_certificates(root, address):
    """A throwaway CA and a server certificate for @address and loopback."""
    ca, ca_key = os.path.join(root, "ca.pem"), os.path.join(root, "ca.key")
    cert, key = os.path.join(root, "server.pem"), os.path.join(root, "server.key")
    csr, ext = os.path.join(root, "server.csr"), os.path.join(root, "ext.cnf")
    with open(ext, "w") as f:
        f.write(f"subjectAltName=IP:{address},IP:127.0.0.1\nbasicConstraints=CA:FALSE\n")
    for argv in (["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca,
                  "-days", "2", "-subj", "/CN=Field Notes simulation CA"],
                 ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr,
                  "-subj", f"/CN={address}"],
                 ["x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
                  "-out", cert, "-days", "2", "-extfile", ext]):
        subprocess.run(["openssl"] + argv, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=60)
    return ca, cert, key


class DelayProxy:
    """A TCP relay on 127.0.0.1 that holds every chunk for `delay` seconds
    each way (this kernel has no netem)."""

    def __init__(self, address, port):
        self.target = (address, port)
        self.delay = 0.0
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.running = True
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while self.running:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.relay, args=(client,), daemon=True).start()

    def relay(self, client):
        try:
            upstream = socket.create_connection(self.target, timeout=10)
        except OSError:
            client.close()
            return
        upstream.settimeout(None)

        def pump(src, dst):
            try:
                while True:
                    data = src.recv(65536)
                    if not data:
                        break
                    if self.delay:
                        time.sleep(self.delay)
                    dst.sendall(data)
            except OSError:
                pass
            finally:
                for s in (src, dst):
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

        threading.Thread(target=pump, args=(upstream, client), daemon=True).start()
        pump(client, upstream)

    def stop(self):
        self.running = False
        self.sock.close()


class Server:
    def __init__(self, root, port, network):
        self.root = root
        self.db = os.path.join(root, "server.db")
        self.port = port
        self.network = network
        self.url = network.url(port)
        self.proc = None
        self.starts = 0

    def start(self, *extra):
        self.starts += 1
        out = open(os.path.join(self.root, f"server-{self.starts}.out"), "w")
        err = open(os.path.join(self.root, f"server-{self.starts}.log"), "w")
        self.proc = subprocess.Popen([*self.network.prefix(), SERVER, "--db", self.db,
                                      "--address", self.network.address,
                                      "--port", str(self.port), *self.network.tls_args(), *extra],
                                     stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        path = out.name
        while time.monotonic() < deadline:
            with open(path) as f:
                if f.readline().startswith("listening on"):
                    return
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        raise RuntimeError("server did not start: " + open(err.name).read()[-500:])

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def request(self, method, path, token=None, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(req, timeout=10, context=self.network.context()) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, None


class Office:
    """The office's own device, writing over HTTP like a back office would."""

    def __init__(self, server):
        self.server = server
        self.counter = 0
        status, answer = server.request("POST", "/api/v1/session",
                                        body={"username": "office", "password": "office-demo",
                                              "device_name": "simulated office"})
        assert status == 201, status
        self.token = answer["token"]
        self.device = answer["device_id"]

    def hlc(self):
        self.counter += 1
        return "%013d-%04x-office" % (int(time.time() * 1000), self.counter % 0x10000)

    def pull(self):
        records, cursor = {}, None
        while True:
            path = "/api/v1/changes?limit=1000" + (f"&since={cursor}" if cursor else "")
            status, page = self.server.request("GET", path, self.token)
            assert status == 200, status
            for r in page["changes"]:
                records[(r["entity"], r["id"])] = r
            cursor = page["cursor"]
            if not page["has_more"]:
                return records

    def edit(self, note, field, value):
        op = {"op_id": str(uuid.uuid4()), "entity": "note", "id": note["id"],
              "base_version": note["version"], "deleted": False,
              "fields": {field: value}, "clock": {field: self.hlc()}}
        status, answer = self.server.request("POST", "/api/v1/changes", self.token,
                                             {"device_id": self.device, "ops": [op]})
        return status == 200 and answer["results"][0]["status"] in ("applied", "conflict")


class Laptop:
    def __init__(self, root, name, user, server):
        self.name = name
        self.user = user
        self.dir = os.path.join(root, name)
        self.server = server
        self.env = dict(os.environ, FIELD_NOTES_TOKEN_STORE="file")
        self.env.pop("FIELD_NOTES_DATA_DIR", None)

    def cli(self, *args, stdin=None, timeout=60):
        return subprocess.run([CLI, "--data-dir", self.dir, *args], input=stdin, text=True,
                              capture_output=True, env=self.env, timeout=timeout)

    def login(self):
        ca = ["--ca-file", self.server.network.ca] if self.server.network.ca else []
        r = self.cli("login", "--server", self.server.url, "--user", self.user,
                     "--password-stdin", *ca, stdin=f"{self.user}-demo")
        assert r.returncode == 0, r.stderr

    def sync(self, kill_after=None):
        """Returns the exit status, or None when the laptop was killed."""
        if kill_after is None:
            return self.cli("sync").returncode
        p = subprocess.Popen([CLI, "--data-dir", self.dir, "sync"], env=self.env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(kill_after)
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            p.wait()
            return None
        return p.returncode

    def db(self):
        con = sqlite3.connect(f"file:{self.dir}/field-notes.db?mode=ro", uri=True, timeout=10)
        con.row_factory = sqlite3.Row
        return con

    def notes(self):
        with self.db() as con:
            return {r["id"]: dict(r) for r in con.execute(
                "SELECT id, version, deleted, patient_id, title, body, kind, status FROM notes")}

    def patients(self):
        with self.db() as con:
            return {r["id"] for r in con.execute("SELECT id FROM patients WHERE deleted = 0")}

    def outbox(self):
        with self.db() as con:
            return con.execute("SELECT count(*) FROM outbox").fetchone()[0]


def run_seed(seed, n_ops, workdir, args):
    rng = random.Random(seed)
    root = tempfile.mkdtemp(prefix=f"fn-sim-{seed}-", dir=workdir)
    network = Network(args, root)
    server = Server(root, free_port(), network)
    counts = collections.Counter()
    edits = []          # (writer, note, field, value)
    seen = set()        # (writer, note, field, value) a writer saw before writing
    created = []        # titles of notes created by laptops
    tag = 0
    try:
        server.start("--seed-demo=4,8", "--fault-seed", str(seed))
        office = Office(server)
        laptops = [Laptop(root, "alice-1", "alice", server), Laptop(root, "alice-2", "alice", server),
                   Laptop(root, "bob-1", "bob", server)]
        for laptop in laptops:
            laptop.login()
            assert laptop.sync() in (EXIT_OK, EXIT_ATTENTION)

        fault = None
        for step in range(n_ops):
            tag += 1
            roll = rng.random()
            laptop = rng.choice(laptops)
            if network.netns and roll < 0.06:
                link = rng.choice(["loss", "slow", "latency", "down", None])
                network.set_link(link, rng)
                counts[f"fault-link-{link or 'clear'}"] += 1
            elif roll < 0.08:
                # Faults come and go; a restart is also a crash of the server.
                fault = rng.choice([None, "drop", "error", "restart"])
                server.kill() if fault == "restart" else server.stop()
                extra = {"drop": ["--fault-drop-rate", "0.35"],
                         "error": ["--fault-error-rate", "0.35"]}.get(fault, [])
                server.start("--fault-seed", str(seed * 1000 + step), *extra)
                counts[f"fault-{fault or 'none'}"] += 1
            elif roll < 0.30:
                notes = [n for n in laptop.notes().values() if not n["deleted"]]
                patients = sorted(laptop.patients())
                if not patients:
                    continue
                title = f"s{seed}-{laptop.name}-{tag}"
                r = laptop.cli("note", "add", rng.choice(patients), "--title", title,
                               "--body", f"body {tag}")
                assert r.returncode == 0, r.stderr
                created.append(title)
                counts["creates"] += 1
            elif roll < 0.62:
                notes = [n for n in laptop.notes().values() if not n["deleted"]]
                if not notes:
                    continue
                note = rng.choice(notes)
                field = rng.choice(["title", "body"])
                value = f"{field} by {laptop.name} #{tag}"
                seen.add((laptop.name, note["id"], field, note[field]))
                r = laptop.cli("note", "edit", note["id"], f"--{field}", value)
                assert r.returncode == 0, r.stderr
                edits.append((laptop.name, note["id"], field, value))
                counts["edits"] += 1
            elif roll < 0.66:
                notes = [n for n in laptop.notes().values() if not n["deleted"]]
                if notes:
                    note = rng.choice(notes)
                    r = laptop.cli("note", "delete", note["id"])
                    assert r.returncode == 0, r.stderr
                    counts["deletes"] += 1
            elif roll < 0.76:
                if server.proc is None:
                    continue
                try:
                    records = office.pull()
                except (AssertionError, OSError):
                    counts["office-retries"] += 1
                    continue
                notes = [r for (e, _), r in records.items() if e == "note" and not r["deleted"]]
                if not notes:
                    continue
                note = rng.choice(notes)
                field = rng.choice(["title", "body"])
                value = f"{field} by office #{tag}"
                # The office read the current value before writing, whether
                # or not its push then gets through.
                seen.add(("office", note["id"], field, note["fields"].get(field)))
                try:
                    if office.edit(note, field, value):
                        edits.append(("office", note["id"], field, value))
                        counts["office-edits"] += 1
                except OSError:
                    counts["office-retries"] += 1
            else:
                if rng.random() < 0.2:
                    counts["kills"] += 1
                    laptop.sync(kill_after=rng.uniform(0.0, 0.15))
                elif rng.random() < 0.1 and server.proc is not None:
                    # The server dies while a laptop is pushing.
                    p = subprocess.Popen([CLI, "--data-dir", laptop.dir, "sync"], env=laptop.env,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    time.sleep(rng.uniform(0.0, 0.05))
                    server.kill()
                    p.wait(60)
                    server.start("--fault-seed", str(seed * 1000 + step))
                    fault = None
                    counts["server-crashes"] += 1
                else:
                    laptop.sync()
                    counts["syncs"] += 1

        # The faults stop; everyone syncs twice.
        network.set_link(None, rng)
        server.stop()
        server.start()
        for _ in range(2):
            for laptop in laptops:
                code = laptop.sync()
                assert code in (EXIT_OK, EXIT_ATTENTION), f"{laptop.name} sync exited {code}"

        return check(seed, server, office, laptops, edits, seen, created, counts)
    finally:
        server.stop()
        network.close()
        if os.environ.get("FN_SIM_KEEP"):
            print("kept", root)
        else:
            shutil.rmtree(root, ignore_errors=True)


def check(seed, server, office, laptops, edits, seen, created, counts):
    problems = []
    everything = office.pull()
    notes = {i: r for (e, i), r in everything.items() if e == "note"}
    patients = {i: r for (e, i), r in everything.items() if e == "patient"}
    conflicts = [r for (e, _), r in everything.items() if e == "conflict"]
    users = {}
    for name in ("alice", "bob"):
        status, answer = server.request("POST", "/api/v1/session",
                                        body={"username": name, "password": f"{name}-demo",
                                              "device_name": "checker"})
        users[name] = answer["user"]["id"]

    # 1. Every laptop equals the server for its user's scope.
    for laptop in laptops:
        uid = users[laptop.user]
        scope = {i for i, p in patients.items()
                 if not p["deleted"] and uid in (p["fields"].get("assigned_to") or [])}
        if laptop.patients() != scope:
            problems.append(f"{laptop.name}: patients differ")
        local = laptop.notes()
        expected = {i: n for i, n in notes.items() if n["fields"]["patient_id"] in scope}
        if set(local) != set(expected):
            problems.append(f"{laptop.name}: note ids differ "
                            f"({len(set(local) ^ set(expected))} not shared)")
        for i, n in expected.items():
            mine = local.get(i)
            if not mine:
                continue
            for field in ("title", "body", "kind", "status"):
                if (mine[field] or None) != (n["fields"].get(field) or None):
                    problems.append(f"{laptop.name}: note {i[:8]} {field} differs")
            if bool(mine["deleted"]) != bool(n["deleted"]) or mine["version"] != n["version"]:
                problems.append(f"{laptop.name}: note {i[:8]} version/deleted differs")
        if laptop.outbox():
            with laptop.db() as con:
                for op in con.execute("SELECT entity, record_id, state, last_error FROM outbox"):
                    problems.append(f"{laptop.name}: op still in the outbox: {op['entity']}"
                                    f" {op['record_id'][:8]} {op['state']}: {op['last_error']}")

    # 2. Every edit is accounted for.
    kept = {(c["fields"]["record_id"], c["fields"]["field"], v)
            for c in conflicts for v in (c["fields"].get("losing_value"),
                                         c["fields"].get("winning_value"))}
    last_by_writer = {}
    for writer, nid, field, value in edits:
        last_by_writer[(writer, nid, field)] = value
    seen_values = {(nid, field, value) for (_, nid, field, value) in seen}
    lost = 0
    for writer, nid, field, value in edits:
        current = notes.get(nid, {}).get("fields", {}).get(field)
        if value == current or (nid, field, value) in kept or (nid, field, value) in seen_values:
            continue
        if last_by_writer[(writer, nid, field)] != value:
            continue  # replaced by its own writer's later edit
        lost += 1
        problems.append(f"lost edit: {writer} set {field} of {nid[:8]} to {value!r};"
                        f" now {current!r}; history "
                        + "; ".join(f"{w}:{v!r}" for (w, n2, f2, v) in edits if n2 == nid and f2 == field)
                        + "; conflicts " + repr(sorted(v for (n2, f2, v) in kept if n2 == nid and f2 == field and v)))

    # 3. Nothing applied twice.
    by_title = collections.Counter(n["fields"].get("title") for n in notes.values())
    titles_now = {n["fields"].get("title") for n in notes.values()}
    duplicates = sum(by_title[t] - 1 for t in created if by_title[t] > 1)
    missing = [t for t in created
               if t not in titles_now and not any(v == t for (_, _, v) in kept)
               and not any(e[3] == t for e in edits)]
    if duplicates:
        problems.append(f"{duplicates} duplicated notes")
    # A created note's title may since have been edited; it must still exist.
    created_ids = set()
    for laptop in laptops:
        for n in laptop.notes().values():
            created_ids.add(n["id"])
    faults = " ".join(f"{k[6:]}={v}" for k, v in sorted(counts.items()) if k.startswith("fault-"))
    print(f"seed {seed}: clients {len(laptops)}, ops {sum(counts[k] for k in ('creates', 'edits', 'deletes', 'office-edits'))}"
          f" (creates {counts['creates']}, edits {counts['edits']}, deletes {counts['deletes']},"
          f" office {counts['office-edits']}, syncs {counts['syncs']}), faults [{faults}"
          f" server-crashes={counts['server-crashes']}], kills {counts['kills']},"
          f" conflicts {len(conflicts)}, lost edits {lost}, duplicates {duplicates}"
          f"{', PROBLEMS' if problems else ''}", flush=True)
    for p in problems[:20]:
        print("   ", p, flush=True)
    return not problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=0)
    parser.add_argument("--budget", type=float, default=0, help="run seeds for this many seconds")
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--ops", type=int, default=60)
    parser.add_argument("--netns-server", help="run the server in this network namespace")
    parser.add_argument("--server-ip", default="10.200.0.1")
    parser.add_argument("--iface", help="the client's end of the veth link, for link faults")
    args = parser.parse_args()
    if not SERVER or not CLI:
        print("1..0 # SKIP FIELD_NOTES_SERVER and FIELD_NOTES_CLI must name the binaries")
        return 0

    workdir = tempfile.mkdtemp(prefix="fn-sim-")
    start = time.monotonic()
    ok_all, seed, n = True, args.first_seed, 0
    try:
        while True:
            if args.seeds and n >= args.seeds:
                break
            if not args.seeds and n > 0 and time.monotonic() - start > (args.budget or 60):
                break
            try:
                ok = run_seed(seed, args.ops, workdir, args)
            except Exception as e:  # a failed assertion inside the simulation
                print(f"seed {seed}: FAILED: {e}", flush=True)
                ok = False
            ok_all &= ok
            seed += 1
            n += 1
    finally:
        if not os.environ.get("FN_SIM_KEEP"):
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"{n} seeds in {time.monotonic() - start:.0f} s: {'all converged' if ok_all else 'FAILURES'}")
    return 0 if ok_all else 1


if __name__ == "__main__":
    sys.exit(main())
