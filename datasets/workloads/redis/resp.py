#!/usr/bin/env python3
"""Sends redis commands over RESP to 127.0.0.1:6379 and reads the replies.

Usage: resp.py suite FILE           every `redis.command` of a bob suite file
       resp.py cmd ARG... [; ARG...]  commands given as arguments, `;` between

The recording script runs it in the container's network namespace, from
outside the container's cgroup, so it drives the server without being
traced. Replies are read and discarded; errors are replies, not failures.
"""
import socket
import sys


def encode(args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        b = str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(b), b))
    return b"".join(out)


def read_reply(f):
    line = f.readline()
    if not line:
        raise ConnectionError("server closed the connection")
    kind, rest = line[:1], line[1:-2]
    if kind in (b"+", b"-", b":"):
        return rest
    if kind == b"$":
        n = int(rest)
        return None if n < 0 else f.read(n + 2)[:-2]
    if kind == b"*":
        n = int(rest)
        return None if n < 0 else [read_reply(f) for _ in range(n)]
    return rest


def commands(argv):
    if argv[0] == "suite":
        import yaml
        suite = yaml.safe_load(open(argv[1]))
        return [t["redis"]["command"] for t in suite.get("tests", []) if t.get("redis", {}).get("command")]
    cmds, cur = [], []
    for a in argv[1:]:
        if a == ";":
            cmds.append(cur)
            cur = []
        else:
            cur.append(a)
    return cmds + ([cur] if cur else [])


def main():
    s = socket.create_connection(("127.0.0.1", 6379), timeout=10)
    f = s.makefile("rb")
    for cmd in commands(sys.argv[1:]):
        s.sendall(encode(cmd))
        read_reply(f)
    s.close()


if __name__ == "__main__":
    main()
