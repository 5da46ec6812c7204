"""Replays the rows of tests/unit/test_ct_tcp.c on the real kernel.

usage: ct_tcp_rows.py PREFIX TEST_C   (driven by ct_tcp_rows.sh)

The row table and the script language are the C test's (see its header
comment); this is a Python port of its endpoint model.  Rows that advance
the clock (T) are replayed without the wait and their timeout is not
compared.  The kernel prints the timeout a little after the packet, so
"want - 1" also matches.
"""

import logging
import re
import sys
import time

from nsutil import counters, ct_proc, netns, nsrun

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import IP, TCP, Ether, Raw, conf, raw  # noqa: E402

conf.verb = 0
MAC_CL, MAC_GW0 = "02:00:00:00:00:02", "02:00:00:00:00:01"
MAC_SRV, MAC_GW1 = "02:00:00:00:01:02", "02:00:00:00:01:01"
CL, SRV = "198.51.100.2", "192.168.1.2"
CPORT, SPORT = 40000, 80
STATES = ["NEW", "ESTABLISHED", "RELATED", "INVALID", "UNTRACKED"]
CTSTATE = {"UPT_CTINFO_NEW": "NEW", "UPT_CTINFO_ESTABLISHED": "ESTABLISHED",
           "UPT_CTINFO_ESTABLISHED_REPLY": "ESTABLISHED", "UPT_CTINFO_INVALID": "INVALID"}
SETTLE = 0.05


def parse_rows(path):
    text = open(path).read()
    body = text[text.index("} rows[] = {"):]
    body = body[:body.index("\n};")]
    rows = []
    for m in re.finditer(r'\{\s*"([^"]*)",\s*((?:"[^"]*"\s*)+),\s*(\w+),\s*(\w+),\s*(\d),\s*(-?\w+)\}',
                         body, re.S):
        script = "".join(re.findall(r'"([^"]*)"', m.group(2)))
        rows.append((m.group(1), script, m.group(3), m.group(4), int(m.group(5)), m.group(6)))
    return rows


def parse_sysctl_rows(path):
    """The srows[] of tcp_sysctls_change_the_verdicts: (sysctl, value, row)."""
    text = open(path).read()
    body = text[text.index("} srows[] = {"):]
    body = body[:body.index("\n\t};")]
    out = []
    for m in re.finditer(r'\{\s*"([^"]*)",\s*"([^"]*)",\s*"([^"]*)",\s*(\w+),\s*(\w+),\s*(-?\w+)\}',
                         body, re.S):
        name = m.group(1)
        if not name.startswith("net.netfilter."):
            name = "net.netfilter." + name
        out.append((name, m.group(2), ("%s=%s" % (m.group(1), m.group(2)), m.group(3),
                                       m.group(5), m.group(4), -1, m.group(6))))
    return out


class Conv:
    def __init__(self, lab):
        self.lab = lab
        self.isn = [1000000, 3000000000]
        self.nxt = list(self.isn)
        self.syn_sent = [False, False]
        self.timed = False

    def step(self, tok):
        d = 1 if tok[0] == "r" else 0
        s = tok[2:]
        flags, pay, sd, ad, win, ws, sack = "", 0, 0, 0, 64240, None, None
        seq_zero = badsum = moved = sack_perm = False
        i = 0

        def num():
            nonlocal i
            m = re.match(r"[+-]?\d+", s[i:])
            i += len(m.group(0))
            return int(m.group(0))
        while i < len(s):
            ch = s[i]
            i += 1
            if ch in "SAFRPU":
                flags += ch
            elif ch == "+":
                i -= 1
                pay = num()
            elif ch == "@":
                sd = num(); moved = True
            elif ch == "^":
                ad = num(); moved = True
            elif ch == "w":
                ws = num()
            elif ch == "W":
                win = num()
            elif ch == "p":
                sack_perm = True
            elif ch == "s":
                sack = num()
            elif ch == "K":
                seq_zero = moved = True
            elif ch == "X":
                badsum = True
            elif ch == "T":
                num(); self.timed = True
            elif ch == "N":
                self.isn[d] = (self.isn[d] + 7000000) & 0xffffffff
                self.nxt[d] = self.isn[d]
                self.syn_sent[d] = False
            else:
                raise ValueError(tok)
        syn, fin = "S" in flags, "F" in flags
        seq = self.isn[d] if syn and self.syn_sent[d] else self.nxt[d]
        ack = self.nxt[1 - d] if "A" in flags else 0
        if not moved:
            end = (seq + pay + syn + fin) & 0xffffffff
            if ((end - self.nxt[d]) & 0xffffffff) and ((end - self.nxt[d]) & 0xffffffff) < 0x80000000:
                self.nxt[d] = end
            if syn:
                self.syn_sent[d] = True
        seq = 0 if seq_zero else (seq + sd) & 0xffffffff
        ack = (ack + ad) & 0xffffffff
        opts = []
        if sack_perm:
            opts += [("NOP", None), ("NOP", None), ("SAckOK", b"")]
        if ws is not None:
            opts += [("NOP", None), ("WScale", ws)]
        if sack is not None:
            opts += [("NOP", None), ("NOP", None),
                     ("SAck", ((ack + 1) & 0xffffffff, (ack + sack) & 0xffffffff))]
        ip = IP(src=CL, dst=SRV) if d == 0 else IP(src=SRV, dst=CL)
        tcp = TCP(sport=CPORT if d == 0 else SPORT, dport=SPORT if d == 0 else CPORT,
                  flags=flags, seq=seq, ack=ack, window=win, options=opts)
        pkt = ip / tcp / Raw(b"x" * pay) if pay else ip / tcp
        if badsum:
            good = IP(raw(pkt))[TCP].chksum
            pkt[TCP].chksum = good ^ 0x5555
        return self.lab.send(d, pkt)


class Lab:
    def __init__(self, prefix):
        self.gw = prefix + "gw"
        with netns(prefix + "cl"):
            self.cl = conf.L2socket(iface="eth0")
        with netns(prefix + "srv"):
            self.srv = conf.L2socket(iface="eth0")

    def send(self, d, pkt):
        before = counters(self.gw, "mangle", "PREROUTING")
        if d == 0:
            self.cl.send(Ether(src=MAC_CL, dst=MAC_GW0) / pkt)
        else:
            self.srv.send(Ether(src=MAC_SRV, dst=MAC_GW1) / pkt)
        time.sleep(SETTLE)
        after = counters(self.gw, "mangle", "PREROUTING")
        st = [STATES[i - 1] for i in after if after[i] != before.get(i, 0)]
        return ",".join(st) or "(not seen)"

    def entry(self):
        for line in ct_proc(self.gw).splitlines():
            if " tcp " in line and "sport=%d dport=%d" % (CPORT, SPORT) in line:
                return line
        return None


def main():
    lab = Lab(sys.argv[1])
    rows = [(None, None, r) for r in parse_rows(sys.argv[2])]
    rows += parse_sysctl_rows(sys.argv[2])
    npass = nfail = 0
    for knob, value, (name, script, state, ctinfo, assured, timeout) in rows:
        nsrun(lab.gw, "conntrack", "-F")
        saved = None
        if knob:
            saved = nsrun(lab.gw, "sysctl", "-n", knob).strip()
            nsrun(lab.gw, "sysctl", "-qw", "%s=%s" % (knob, value))
        time.sleep(SETTLE)
        conv = Conv(lab)
        got_st = None
        for tok in script.split():
            got_st = conv.step(tok)
        line = lab.entry()
        if knob:
            nsrun(lab.gw, "sysctl", "-qw", "%s=%s" % (knob, saved))
        problems = []
        if got_st != CTSTATE[ctinfo]:
            problems.append("ctstate %s, want %s" % (got_st, CTSTATE[ctinfo]))
        if state == "GONE":
            if line:
                problems.append("entry left: " + line)
        elif not line:
            problems.append("no entry")
        else:
            f = line.split()
            want_state = state.replace("UPT_TCP_", "")
            if f[5] != want_state:
                problems.append("state %s, want %s" % (f[5], want_state))
            if assured >= 0 and ("[ASSURED]" in f) != bool(assured):
                problems.append("assured %s" % ("[ASSURED]" in f))
            if timeout != "ANY" and not conv.timed and int(f[4]) not in (int(timeout), int(timeout) - 1):
                problems.append("timeout %s, want %s" % (f[4], timeout))
        if problems:
            nfail += 1
            print("FAIL %-50s %s\n     %s" % (name, script, "; ".join(problems)))
            if line:
                print("     " + line)
        else:
            npass += 1
            print("ok   %-50s %s" % (name, script))
    print("ct_tcp_rows: %d passed, %d failed" % (npass, nfail))
    return 1 if nfail else 0


if __name__ == "__main__":
    sys.exit(main())
