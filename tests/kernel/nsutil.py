"""Helpers for kernel scenario drivers (run with /usr/bin/python3, as root).

Theory of operation: one driver process plays every host.  It enters a network
namespace with setns(2) only long enough to create a socket there; a socket keeps
the namespace it was created in, so afterwards the driver can talk from the client
and the server in one thread, in a fixed order, and take conntrack snapshots of the
gateway between any two packets.  That ordering is what makes the scenarios
repeatable frame by frame.  Namespace names are the full "upt-<pid>-<short>" names
that tests/kernel/lib.sh created; the driver never creates or deletes namespaces.
"""

import contextlib
import ctypes
import os
import re
import subprocess
import time

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def _setns(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, "setns: " + os.strerror(err))


@contextlib.contextmanager
def netns(name):
    """Run the body inside namespace NAME, then return to the original one."""
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    target = os.open("/run/netns/" + name, os.O_RDONLY)
    try:
        _setns(target)
        yield
    finally:
        _setns(home)
        os.close(target)
        os.close(home)


def nsrun(name, *argv):
    """Output (stdout+stderr) of a command run inside namespace NAME."""
    r = subprocess.run(["ip", "netns", "exec", name, *argv],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return r.stdout


def ct_proc(name):
    return nsrun(name, "cat", "/proc/net/nf_conntrack")


def ct_list(name):
    """conntrack -L: stdout as it is, then its stderr summary line marked."""
    r = subprocess.run(["ip", "netns", "exec", name, "conntrack", "-L"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return r.stdout + "".join("# stderr: " + l + "\n"
                              for l in r.stderr.splitlines())


class Snapper:
    """Appends labelled conntrack views of one namespace to a file."""

    def __init__(self, ns, path):
        self.ns = ns
        self.path = path
        self.t0 = time.monotonic()

    def snap(self, label):
        t = time.monotonic() - self.t0
        proc = ct_proc(self.ns)
        lst = ct_list(self.ns)
        with open(self.path, "a") as f:
            f.write("=== t=%.2fs %s: /proc/net/nf_conntrack\n%s" % (t, label, proc))
            f.write("=== t=%.2fs %s: conntrack -L\n%s\n" % (t, label, lst))
        return proc

    def wait_state(self, state, timeout=2.0):
        """Poll until a tcp entry is in STATE; True if it got there in time."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for line in ct_proc(self.ns).splitlines():
                f = line.split()
                if len(f) > 5 and f[2] == "tcp" and f[5] == state:
                    return True
            time.sleep(0.01)
        return False


def counters(ns, table, chain):
    """{rule number: packet count} of one chain, from iptables -L -v -x."""
    out = nsrun(ns, "iptables", "-t", table, "-L", chain, "-n", "-v", "-x",
                "--line-numbers")
    res = {}
    for line in out.splitlines():
        m = re.match(r"\s*(\d+)\s+(\d+)\s+(\d+)\s", line)
        if m:
            res[int(m.group(1))] = int(m.group(2))
    return res
