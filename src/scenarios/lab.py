"""Hosts as network namespaces joined by veth pairs, and the processes the scenarios run on them.

A Lab owns everything it creates and removes it in close(), whatever happened before.
"""

import os
import re
import shutil
import signal
import subprocess
import time

import readme

POLL = 0.05  # seconds between two looks at a condition that has its own deadline


class Failure(Exception):
    """A scenario check failed; the message is the one-line reason printed after FAIL."""


def deadline_loop(timeout, what):
    """Yields until the caller breaks out; raises Failure('timed out after Ns waiting for WHAT')."""
    end = time.monotonic() + timeout
    while True:
        yield
        if time.monotonic() > end:
            raise Failure(f"timed out after {timeout:g}s waiting for {what}")
        time.sleep(POLL)


def one_line(text, limit=160):
    text = " | ".join(l.strip() for l in text.strip().splitlines() if l.strip())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class Proc:
    def __init__(self, host, line, popen, log):
        self.host, self.line, self.popen, self.log = host, line, popen, log

    def alive(self):
        return self.popen.poll() is None

    def tail(self, n=12):
        try:
            with open(self.log, errors="replace") as f:
                return f.read().splitlines()[-n:]
        except OSError:
            return []


class Lab:
    def __init__(self, name, index, workdir, repo, blocks):
        self.name, self.workdir, self.repo, self.blocks = name, workdir, repo, blocks
        self.prefix = f"pf{os.getpid()}-s{index}-"
        self.hosts = {}      # host -> last octet of its addresses
        self.namespaces = []
        self.procs = []
        self.used = set()    # README blocks this scenario ran
        self.env = dict(os.environ, PATH=f"{repo}:{os.environ.get('PATH', '/usr/bin:/bin')}", LC_ALL="C")

    # --- topology ---------------------------------------------------------------------------

    def build(self, hosts, links):
        """hosts: {name: octet}; links: [(host_a, host_b, n)] puts 10.200.n.0/24 and fd00:200:n::/64 on a veth pair.
        No host forwards packets and none has a default route, so each reaches only its neighbours."""
        self.hosts = dict(hosts)
        for host in hosts:
            ns = self.ns(host)
            self.namespaces.append(ns)  # before it exists, so an interrupt in between still removes it
            _ip("netns", "add", ns)
            os.makedirs(self.dir(host), exist_ok=True)
            _ip("-n", ns, "link", "set", "lo", "up")
            self.sysctl(host, "net.ipv4.ip_forward=0", "net.ipv6.conf.all.forwarding=0",
                        "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0")
        for a, b, n in links:
            ifa, ifb = f"to-{b}"[:15], f"to-{a}"[:15]
            _ip("link", "add", ifa, "netns", self.ns(a), "type", "veth", "peer", "name", ifb, "netns", self.ns(b))
            for host, ifname in ((a, ifa), (b, ifb)):
                ns, octet = self.ns(host), hosts[host]
                _ip("-n", ns, "addr", "add", f"10.200.{n}.{octet}/24", "dev", ifname)
                _ip("-n", ns, "-6", "addr", "add", f"fd00:200:{n}::{octet}/64", "dev", ifname, "nodad")
                _ip("-n", ns, "link", "set", ifname, "up")

    def hosts_file(self, host, text):
        """Gives host an /etc/hosts of its own: `ip netns exec` mounts /etc/netns/NS/hosts over /etc/hosts
        for every command it runs there. Removed with the namespace."""
        os.makedirs(f"/etc/netns/{self.ns(host)}", exist_ok=True)
        with open(f"/etc/netns/{self.ns(host)}/hosts", "w") as out:
            out.write("127.0.0.1 localhost\n::1 localhost\n" + text)

    def sysctl(self, host, *settings):
        subprocess.run(["ip", "netns", "exec", self.ns(host), "sysctl", "-q", "-w", *settings],
                       check=True, stdout=subprocess.DEVNULL)

    def ns(self, host):
        return self.prefix + host

    def dir(self, host):
        return os.path.join(self.workdir, host)

    # --- README blocks ------------------------------------------------------------------------

    def block(self, host, step="", scenario=None):
        key = (scenario or self.name, host, step)
        if key not in self.blocks:
            raise Failure(f"README.md has no block <!-- scenario:{key[0]} host:{host}"
                          f"{' step:' + step if step else ''} -->")
        self.used.add(key)
        return self.blocks[key]

    def start_block(self, host, step="", scenario=None):
        """Starts every command of a ```sh block as a long-running process on host."""
        return [self.start(host, c.line) for c in self.block(host, step, scenario).commands]

    def run_block(self, host, step="", scenario=None, timeout=60):
        """Runs each command of a block in order; each must exit 0 and, in a console block, print what is shown.
        Returns the outputs."""
        block = self.block(host, step, scenario)
        outputs = []
        for c in block.commands:
            rc, out = self.run(host, c.line, timeout)
            if rc != 0:
                raise Failure(f"{host}: `{c.line}` exited {rc}: {one_line(out)}")
            if block.kind == "console" and not readme.matches(c.expected, out):
                raise Failure(f"{host}: `{c.line}` printed {one_line(out)!r}, README shows {one_line(chr(10).join(c.expected))!r}")
            outputs.append(out)
        return outputs

    # --- processes ----------------------------------------------------------------------------

    def start(self, host, line):
        log = os.path.join(self.workdir, f"{len(self.procs):02d}-{host}-{line.split()[0].split('/')[-1]}.log")
        with open(log, "wb") as out:
            out.write(f"$ {line}\n".encode())
            out.flush()
            popen = subprocess.Popen(["ip", "netns", "exec", self.ns(host), "sh", "-c", "exec " + line],
                                     cwd=self.dir(host), env=self.env, stdin=subprocess.DEVNULL,
                                     stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        proc = Proc(host, line, popen, log)
        self.procs.append(proc)
        return proc

    def run(self, host, line, timeout=60):
        """Runs a shell command line on host; returns (exit code, stdout and stderr together)."""
        popen = subprocess.Popen(["ip", "netns", "exec", self.ns(host), "bash", "-c", line],
                                 cwd=self.dir(host), env=self.env, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            out, _ = popen.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _killpg(popen, signal.SIGKILL)
            popen.communicate()
            raise Failure(f"{host}: `{line}` did not finish within {timeout}s")
        return popen.returncode, out.decode(errors="replace")

    def stop(self, procs, sig=signal.SIGTERM, timeout=5):
        """Signals each process group and waits for it to end; returns the exit codes."""
        for p in procs:
            if p.alive():
                _killpg(p.popen, sig)
        codes = []
        for p in procs:
            try:
                codes.append(p.popen.wait(timeout))
            except subprocess.TimeoutExpired:
                _killpg(p.popen, signal.SIGKILL)
                p.popen.wait()
                raise Failure(f"{p.host}: `{p.line}` still running {timeout}s after signal {sig}")
        return codes

    # --- waiting --------------------------------------------------------------------------------

    def sockets(self, host, flags):
        rc, out = self.run(host, f"ss -Hn {flags}", timeout=10)
        return [l.split() for l in out.splitlines() if l.strip()]

    def wait_listening(self, host, proto, port, procs=(), timeout=20):
        flag = "-ltn" if proto == "tcp" else "-lun"
        for _ in deadline_loop(timeout, f"{proto} port {port} to listen on {host}"):
            self.check_alive(procs)
            if any(s[3].endswith(f":{port}") for s in self.sockets(host, flag) if len(s) >= 5):
                return

    def established(self, host, peer):
        return sum(1 for s in self.sockets(host, "-tn state established") if len(s) >= 4 and _unmap(s[3]) == peer)

    def wait_established(self, host, peer, procs=(), minimum=1, timeout=20):
        for _ in deadline_loop(timeout, f"{host} to hold a connection to {peer}"):
            self.check_alive(procs)
            if self.established(host, peer) >= minimum:
                return

    def check_alive(self, procs):
        for p in procs:
            if not p.alive():
                raise Failure(f"{p.host}: `{p.line}` exited {p.popen.returncode}: {one_line(chr(10).join(p.tail(3)))}")

    def assert_blocked(self, host, addr, port):
        """The direct path must fail for want of a route, not because nothing listens there."""
        probe = ("import socket,sys\n"
                 f"s=socket.socket(socket.AF_INET6 if ':' in {addr!r} else socket.AF_INET)\n"
                 "s.settimeout(2)\n"
                 f"try: s.connect(({addr!r},{port})); print('connected')\n"
                 "except OSError as e: print(type(e).__name__, e.errno)\n")
        rc, out = self.run(host, f"python3 -c {_quote(probe)}", timeout=10)
        if "connected" in out or "ConnectionRefused" in out or rc != 0:
            raise Failure(f"direct path {host} -> {addr}:{port} is open ({one_line(out)})")

    # --- cleanup ----------------------------------------------------------------------------------

    def logs(self):
        """Tails of the portforward logs, and of any other process that died on its own."""
        out = []
        for p in self.procs:
            if p.line.startswith("portforward") or (p.popen.returncode not in (None, 0, -15, -9)):
                out.append(f"  --- {p.host}: {p.line}")
                out.extend("    " + l for l in p.tail())
        return out

    def close(self):
        held = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            self._close()
        finally:
            for s, handler in held.items():
                signal.signal(s, handler)

    def _close(self):
        for p in self.procs:
            if p.alive():
                _killpg(p.popen, signal.SIGTERM)
        end = time.monotonic() + 3
        for p in self.procs:
            try:
                p.popen.wait(max(0.1, end - time.monotonic()))
            except subprocess.TimeoutExpired:
                _killpg(p.popen, signal.SIGKILL)
                p.popen.wait()
        for ns in self.namespaces:
            # Anything still inside (a grandchild that left its process group) goes with the namespace.
            pids = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True).stdout.split()
            for pid in pids:
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (ProcessLookupError, ValueError):
                    pass
            subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)
            shutil.rmtree(f"/etc/netns/{ns}", ignore_errors=True)
        try:
            os.rmdir("/etc/netns")  # only if empty: hosts_file made it, and no other namespace uses it
        except OSError:
            pass
        self.namespaces = []


def sweep_stale():
    """Removes namespaces left by a run that was killed outright (SIGKILL leaves no chance to clean up):
    those named pf<PID>-s<N>-... whose PID is gone. Returns their names."""
    listing = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    stale = []
    for ns in (l.split()[0] for l in listing.splitlines() if l.strip()):
        m = re.match(r"pf(\d+)-s\d+-", ns)
        if m and not os.path.exists(f"/proc/{m.group(1)}"):
            stale.append(ns)
    lab = Lab("stale", 0, "/", "/", {})
    lab.namespaces = stale
    lab.close()
    return stale


def _ip(*args):
    r = subprocess.run(["ip", *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise Failure(f"`ip {' '.join(args)}` failed: {one_line(r.stderr)}")


def _unmap(address):
    """[::ffff:10.0.0.1]:80, as ss shows an IPv4 peer of a dual-stack socket, is 10.0.0.1:80."""
    return re.sub(r"^\[::ffff:([0-9.]+)\]", r"\1", address)


def _killpg(popen, sig):
    try:
        os.killpg(popen.pid, sig)
    except ProcessLookupError:
        pass


def _quote(s):
    return "'" + s.replace("'", "'\"'\"'") + "'"
