"""Opens N connections to an HTTP server, holds them all open at once, then fetches PATH on each.

usage: concurrent_get.py HOST PORT PATH N SHA256
Prints one line; exits 0 only if every body has the given sha256.
"""

import asyncio
import collections
import hashlib
import sys


async def fetch(reader, writer, host, path):
    try:
        writer.write(f"GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n".encode())
        await writer.drain()
        data = await reader.read()
    finally:
        writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    return head.split(b"\r\n", 1)[0].decode(errors="replace"), hashlib.sha256(body).hexdigest()


async def main(host, port, path, n, sha):
    opened = await asyncio.wait_for(
        asyncio.gather(*(asyncio.open_connection(host, port) for _ in range(n)), return_exceptions=True), 20)
    conns = [c for c in opened if not isinstance(c, BaseException)]
    outcome = collections.Counter(type(c).__name__ for c in opened if isinstance(c, BaseException))
    results = await asyncio.wait_for(
        asyncio.gather(*(fetch(r, w, host, path) for r, w in conns), return_exceptions=True), 60)
    good = 0
    for r in results:
        if isinstance(r, BaseException):
            outcome[type(r).__name__] += 1
        elif r[1] == sha:
            good += 1
        else:
            outcome[f"wrong body after {r[0]!r}"] += 1
    summary = f"{len(conns)} connections open at once; {good}/{n} bodies with sha256 {sha[:12]}..."
    if outcome:
        summary += "; " + ", ".join(f"{k} x{v}" for k, v in outcome.most_common())
    print(summary)
    return 0 if good == n else 1


if __name__ == "__main__":
    h, p, path, count, digest = sys.argv[1:6]
    sys.exit(asyncio.run(main(h, int(p), path, int(count), digest)))
