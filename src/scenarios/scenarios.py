"""The scenarios. Each builds its hosts, runs the README blocks on them and returns a one-line summary,
or raises lab.Failure with the reason. Addresses here must match the ones the README prints."""

import hashlib
import os
import shutil
import signal
import subprocess
import time

import readme
from lab import Failure, deadline_loop, one_line

HERE = os.path.dirname(os.path.abspath(__file__))
RESTRICTED_HOSTS = {"client": 10, "relay": 1, "agent": 2, "server": 20}
RESTRICTED_LINKS = [("client", "relay", 21), ("relay", "agent", 22), ("agent", "server", 23)]


def start_web_server(lab, host="server"):
    lab.run_block(host, "files", scenario="common")
    web = lab.start_block(host, "web", scenario="common")
    lab.wait_listening(host, "tcp", 8000, web)
    return web


def forward(lab):
    lab.build({"client": 10, "gateway": 1, "server": 20}, [("client", "gateway", 11), ("gateway", "server", 12)])
    start_web_server(lab)
    gateway = lab.start_block("gateway")
    lab.wait_listening("gateway", "tcp", 8888, gateway)
    lab.assert_blocked("client", "10.200.12.20", 8000)
    began = time.monotonic()
    lab.run_block("client", timeout=30)
    return f"curl ok, 101 MiB sha256 ok ({time.monotonic() - began:.1f}s); direct path blocked"


def prepare_ssh(lab):
    """Throwaway keys and sshd_config on the server, the matching key and known_hosts on the client."""
    server, client = lab.dir("server"), lab.dir("client")
    for key in (f"{server}/ssh_host_ed25519_key", f"{client}/id_ed25519"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "scenario", "-f", key], check=True)
    with open(f"{client}/id_ed25519.pub") as f, open(f"{server}/authorized_keys", "w") as out:
        out.write(f.read())
    with open(f"{server}/ssh_host_ed25519_key.pub") as f, open(f"{client}/known_hosts", "w") as out:
        out.write(f"[10.200.21.1]:2222 {' '.join(f.read().split()[:2])}\n")
    with open(f"{server}/sshd_config", "w") as out:
        out.write("Port 22\nListenAddress 0.0.0.0\nListenAddress ::\n"
                  f"HostKey {server}/ssh_host_ed25519_key\nAuthorizedKeysFile {server}/authorized_keys\n"
                  "PermitRootLogin prohibit-password\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
                  "UsePAM no\nStrictModes no\nPidFile none\n")


def start_restricted(lab):
    """Scenario 2's chain: server (web and sshd), public relay, agent inside. Returns (relay, agent) processes."""
    lab.build(RESTRICTED_HOSTS, RESTRICTED_LINKS)
    prepare_ssh(lab)
    start_web_server(lab)
    sshd = lab.start_block("server", scenario="restricted")
    lab.wait_listening("server", "tcp", 22, sshd)
    relay = start_relay(lab)
    agent = start_agent(lab)
    return relay, agent


def start_relay(lab):
    relay = lab.start_block("relay", scenario="restricted")
    for port in (2222, 9022, 8080, 9080):
        lab.wait_listening("relay", "tcp", port, relay)
    return relay


def start_agent(lab):
    agent = lab.start_block("agent", scenario="restricted")
    for port in (9022, 9080):
        lab.wait_established("agent", f"10.200.22.1:{port}", agent)
    return agent


def restricted(lab):
    start_restricted(lab)
    lab.assert_blocked("client", "10.200.23.20", 22)
    lab.assert_blocked("client", "10.200.23.20", 8000)
    lab.assert_blocked("relay", "10.200.23.20", 8000)
    lab.run_block("client", "ssh")
    lab.run_block("client", "web")
    return "ssh through relay and agent ok, 20 parallel curls ok; direct paths blocked"


def cascade(lab):
    lab.build({"client": 10, "hop1": 1, "hop2": 2, "server": 20},
              [("client", "hop1", 31), ("hop1", "hop2", 32), ("hop2", "server", 33)])
    start_web_server(lab)
    hop2 = lab.start_block("hop2")
    lab.wait_listening("hop2", "tcp", 8080, hop2)
    hop1 = lab.start_block("hop1")
    lab.wait_listening("hop1", "tcp", 8080, hop1)
    lab.assert_blocked("client", "fd00:200:33::20", 8000)
    lab.assert_blocked("client", "10.200.32.2", 8080)
    began = time.monotonic()
    lab.run_block("client", timeout=30)
    return f"curl over IPv6 then IPv4 ok, 101 MiB sha256 ok ({time.monotonic() - began:.1f}s); direct paths blocked"


def start_dns(lab):
    dns = lab.start_block("dns", scenario="udp-forward")
    lab.wait_listening("dns", "udp", 53, dns)


def dig_until_answered(lab, procs, relay, name, what):
    """Asks the client's relay (port 5353) until the chain behind it answers with the dns host's address."""
    for _ in deadline_loop(15, what):
        lab.check_alive(procs)
        rc, out = lab.run("client", f"dig +short +tries=1 +time=1 @{relay} -p 5353 {name}", timeout=10)
        if out.strip() == "10.200.9.9":
            return


def dns_blocked(lab, host, addr):
    rc, out = lab.run(host, f"dig +short +tries=1 +time=1 @{addr} example.test", timeout=10)
    if rc == 0 and out.strip():
        raise Failure(f"direct path {host} -> {addr}:53/udp is open (dig answered {one_line(out)})")


def udp_forward(lab):
    lab.build({"client": 10, "gateway": 1, "dns": 53}, [("client", "gateway", 41), ("gateway", "dns", 42)])
    start_dns(lab)
    gateway = lab.start_block("gateway")
    lab.wait_listening("gateway", "udp", 5353, gateway)
    dns_blocked(lab, "client", "10.200.42.53")
    lab.run_block("client")
    return "dig through udp listen-conn ok; direct path blocked"


def udp_reverse(lab):
    lab.build({"client": 10, "relay": 1, "agent": 2, "dns": 53},
              [("client", "relay", 43), ("relay", "agent", 44), ("agent", "dns", 45)])
    start_dns(lab)
    relay = lab.start_block("relay")
    for port in (5353, 9053):
        lab.wait_listening("relay", "udp", port, relay)
    agent = lab.start_block("agent")
    dns_blocked(lab, "client", "10.200.45.53")
    # The relay learns the agent's address from its knock; until then a query has nowhere to go.
    dig_until_answered(lab, relay + agent, "10.200.43.1", "example.test", "the reverse UDP chain to answer a query")
    lab.run_block("client")
    return "dig through udp relay and agent ok; direct path blocked"


def resilience(lab):
    relay, agent = start_restricted(lab)
    download = lab.block("client", "download").commands[0]
    curl = lab.start("client", download.line)
    partial = os.path.join(lab.dir("client"), "big.txt")
    for _ in deadline_loop(15, "the client's download to pass 1 MiB"):
        lab.check_alive([curl])
        if os.path.exists(partial) and os.path.getsize(partial) > 1 << 20:
            break
    lab.stop(agent, signal.SIGKILL)
    killed = time.monotonic()
    try:
        rc = curl.popen.wait(10)
    except subprocess.TimeoutExpired:
        raise Failure("client: download still hanging 10s after the agent was killed")
    closed_after = time.monotonic() - killed
    shown = "\n".join(curl.tail(50)[1:])
    if rc == 0 or not readme.matches(download.expected, shown):
        raise Failure(f"client: after killing the agent, `{download.line}` exited {rc} printing {one_line(shown)!r}, "
                      f"README shows {one_line(chr(10).join(download.expected))!r}")

    agent = start_agent(lab)
    lab.run_block("client", "check")

    began = time.monotonic()
    codes = lab.stop(relay, signal.SIGTERM)
    stopped_in = time.monotonic() - began
    if any(codes) or stopped_in > 2:
        raise Failure(f"relay: SIGTERM gave exit codes {codes} after {stopped_in:.1f}s (want 0 within 2s)")
    for _ in deadline_loop(10, "the agent to notice the relay is gone"):
        lab.check_alive(agent)
        if lab.established("agent", "10.200.22.1:9080") == 0:
            break
    relay = start_relay(lab)
    began = time.monotonic()
    for port in (9022, 9080):
        lab.wait_established("agent", f"10.200.22.1:{port}", agent, timeout=25)
    back_after = time.monotonic() - began
    lab.run_block("client", "check")
    return (f"agent killed: client closed in {closed_after:.1f}s (curl exit {rc}); agent restart ok; "
            f"relay restart: agent back in {back_after:.1f}s")


def pivot(lab):
    start_restricted(lab)
    began = time.monotonic()
    lab.run_block("client", timeout=60)
    with open(os.path.join(lab.dir("server"), "numbers.txt"), "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    rc, out = lab.run("client", f"python3 {HERE}/concurrent_get.py 10.200.21.1 8080 /numbers.txt 200 {digest}",
                      timeout=100)
    if rc != 0:
        raise Failure(f"client: {one_line(out)}")
    return f"200 parallel curls ok; {one_line(out)} ({time.monotonic() - began:.1f}s)"


def secure(lab):
    lab.build(RESTRICTED_HOSTS, RESTRICTED_LINKS)
    prepare_ssh(lab)
    start_web_server(lab)
    sshd = lab.start_block("server", scenario="restricted")
    lab.wait_listening("server", "tcp", 22, sshd)
    smtp = lab.start_block("server")
    lab.wait_listening("server", "tcp", 2525, smtp)
    lab.run_block("relay", "key")
    shutil.copy(os.path.join(lab.dir("relay"), "hop.key"), os.path.join(lab.dir("agent"), "hop.key"))
    relay = lab.start_block("relay")
    for port in (2525, 2222, 8080, 9025, 9022, 9080):
        lab.wait_listening("relay", "tcp", port, relay)
    agent = lab.start_block("agent")
    for port in (9025, 9022, 9080):
        lab.wait_established("agent", f"10.200.22.1:{port}", agent)
    lab.assert_blocked("client", "10.200.23.20", 8000)
    capture = os.path.join(lab.dir("relay"), "hop.pcap")
    tcpdump = lab.start("relay", f"tcpdump -i to-agent -U -s 0 -w {capture} tcp port 9080")
    for _ in deadline_loop(10, "tcpdump to start capturing"):
        lab.check_alive([tcpdump])
        if os.path.exists(capture) and os.path.getsize(capture) > 0:
            break
    lab.run_block("client")
    lab.stop([tcpdump], signal.SIGINT)
    with open(capture, "rb") as f:
        seen = f.read()
    if len(seen) < 1000:  # the pcap header alone is 24 bytes; the fetch makes a dozen packets
        raise Failure(f"relay: tcpdump captured only {len(seen)} bytes of the hop; it saw nothing to check")
    for marker in (b"hello from the server", b"GET /hello.txt", b"curl/"):
        if marker in seen:
            raise Failure(f"relay: {marker.decode()!r} crossed the secure hop in plaintext")
    return f"mail (server first), ssh and web through the secure hop ok; a stranger got 0 bytes; " \
           f"{len(seen)} bytes captured on the hop, no plaintext in them"


def udp_secure(lab):
    lab.build({"client": 10, "relay": 1, "agent": 2, "dns": 53},
              [("client", "relay", 46), ("relay", "agent", 47), ("agent", "dns", 48)])
    dns = lab.start_block("dns")
    lab.wait_listening("dns", "udp", 53, dns)
    lab.run_block("relay", "key")
    shutil.copy(os.path.join(lab.dir("relay"), "hop.key"), os.path.join(lab.dir("agent"), "hop.key"))
    relay = lab.start_block("relay")
    for port in (5353, 9053):
        lab.wait_listening("relay", "udp", port, relay)
    capture = os.path.join(lab.dir("relay"), "hop.pcap")
    tcpdump = lab.start("relay", f"tcpdump -i to-agent -U -s 0 -w {capture} udp port 9053")
    for _ in deadline_loop(10, "tcpdump to start capturing"):
        lab.check_alive([tcpdump])
        if os.path.exists(capture) and os.path.getsize(capture) > 0:
            break
    agent = lab.start_block("agent")
    dns_blocked(lab, "client", "10.200.48.53")
    # The relay learns of the agent's sockets once their handshakes are done.
    dig_until_answered(lab, relay + agent, "10.200.46.1", "warmup.example.test",
                       "the secure reverse UDP chain to answer a query")
    lab.run_block("client")
    lab.stop([tcpdump], signal.SIGINT)
    with open(capture, "rb") as f:
        seen = f.read()
    if len(seen) < 500:
        raise Failure(f"relay: tcpdump captured only {len(seen)} bytes of the hop; it saw nothing to check")
    for marker in (b"secret-name", b"example"):
        if marker in seen:
            raise Failure(f"relay: {marker.decode()!r} crossed the secure hop in plaintext")
    return f"dig through a secure udp relay and agent ok; a stranger got no answer; " \
           f"{len(seen)} bytes captured on the hop, no query name in them"


def socks(lab):
    lab.build(RESTRICTED_HOSTS, RESTRICTED_LINKS)
    # Only the agent, inside, knows the server by name.
    lab.hosts_file("agent", "10.200.23.20 intranet.corp.test\n")
    prepare_ssh(lab)
    with open(os.path.join(lab.dir("server"), "ssh_host_ed25519_key.pub")) as f, \
            open(os.path.join(lab.dir("client"), "known_hosts"), "a") as out:
        out.write(f"intranet.corp.test {' '.join(f.read().split()[:2])}\n")
    start_web_server(lab)
    sshd = lab.start_block("server", scenario="restricted")
    lab.wait_listening("server", "tcp", 22, sshd)
    lab.run_block("relay", "key")
    shutil.copy(os.path.join(lab.dir("relay"), "hop.key"), os.path.join(lab.dir("agent"), "hop.key"))
    relay = lab.start_block("relay")
    for port in (1080, 9999):
        lab.wait_listening("relay", "tcp", port, relay)
    agent = lab.start_block("agent")
    lab.wait_established("agent", "10.200.22.1:9999", agent)
    lab.assert_blocked("client", "10.200.23.20", 8000)
    lab.assert_blocked("client", "10.200.23.20", 22)
    lab.run_block("client")
    return "curl --socks5-hostname and ssh through nc -X 5 by a name only the agent resolves ok; " \
           "a destination outside --allow refused; direct paths blocked"


def service(lab):
    lab.build({"client": 10, "gateway": 1, "server": 20}, [("client", "gateway", 11), ("gateway", "server", 12)])
    start_web_server(lab)
    lab.run_block("gateway", "file")
    gateway = lab.start_block("gateway")
    for port in (8888, 8889, 9100):
        lab.wait_listening("gateway", "tcp", port, gateway)
    lab.assert_blocked("client", "10.200.12.20", 8000)
    lab.run_block("client", "before")
    lab.run_block("gateway", "edit")
    gateway[0].popen.send_signal(signal.SIGHUP)  # the launcher execs java: this is the relay itself
    lab.wait_listening("gateway", "tcp", 8890, gateway)
    lab.run_block("client", "after")
    return "two forwards from one file served and scraped; SIGHUP removed one, added one, left one untouched"


def access(lab):
    lab.build({"client": 10, "stranger": 30, "gateway": 1, "server": 20},
              [("client", "gateway", 11), ("stranger", "gateway", 13), ("gateway", "server", 12)])
    lab.run_block("server", "config")
    haproxy = lab.start_block("server")
    lab.wait_listening("server", "tcp", 8000, haproxy)
    gateway = lab.start_block("gateway")
    for port in (8888, 9100):
        lab.wait_listening("gateway", "tcp", port, gateway)
    lab.assert_blocked("client", "10.200.12.20", 8000)
    lab.assert_blocked("stranger", "10.200.12.20", 8000)
    lab.run_block("client")
    lab.run_block("stranger")
    lab.run_block("server", "metrics")
    return "the office's client reached haproxy, which read its address from conn+pp1's header; " \
           "the stranger outside --allow-from was closed at once and counted"


ALL = [("forward", forward), ("restricted", restricted), ("cascade", cascade), ("udp-forward", udp_forward),
       ("udp-reverse", udp_reverse), ("resilience", resilience), ("pivot", pivot), ("secure", secure),
       ("socks", socks), ("service", service), ("access", access), ("udp-secure", udp_secure)]
