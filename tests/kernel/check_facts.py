"""Checks the kernel's observed behaviour against docs/kernel-facts.md.

usage: check_facts.py OUTDIR    (OUTDIR as filled by tests/kernel/run)

Table-driven: each row names a scenario output, a step, and what the kernel must
have shown there; the expected values are the facts written down in
docs/kernel-facts.md.  A failure means the kernel (or this machine's setup)
no longer behaves as documented: the facts, and the engine tests built on them,
need a second look.  Timeouts are matched as a set of values because the
kernel rounds the remaining time down and a snapshot may fall on either side
of a second.
"""

import os
import re
import sys

PASS = 0
FAIL = 0


def check(name, ok, detail=""):
    global PASS, FAIL
    if ok:
        PASS += 1
    else:
        FAIL += 1
        print("FAIL %s %s" % (name, detail))


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def steps(report):
    """[(section, label, ctstate, [proc lines])] of a probe_ct/probe_nat report."""
    out, section, cur = [], "", None
    for line in report.splitlines():
        if line.startswith("##### "):
            section = line[6:]
        elif line.startswith("-- "):
            label = line[3:].split(":")[0]
            cur = [section, label, "", []]
            out.append(cur)
        elif cur and "ctstate at PREROUTING:" in line:
            cur[2] = line.split("PREROUTING: ")[1].split(";")[0]
        elif cur and line.startswith("   proc: "):
            cur[3].append(line[9:])
    return out


T = r"tcp      6 "
CL_SRV = (r"src=198.51.100.2 dst=192.168.1.2 sport={p} dport=8080 {u}"
          r"src=192.168.1.2 dst=198.51.100.2 sport=8080 dport={p} ")

# (section prefix, step label, state at PREROUTING, regex for the flow's
#  /proc line or None when the table must be empty after the step)
CT_ROWS = [
    ("tcp: every state", "cl SYN", "NEW",
     "^ipv4     2 " + T + "(119|120) SYN_SENT " + CL_SRV.format(p=41000, u=r"\[UNREPLIED\] ")
     + "mark=0 zone=0 use=2$"),
    ("tcp: every state", "srv SYN/ACK", "ESTABLISHED",
     T + "(59|60) SYN_RECV " + CL_SRV.format(p=41000, u="") + "mark=0 zone=0 use=2$"),
    ("tcp: every state", "cl ACK", "ESTABLISHED",
     T + "(431999|432000) ESTABLISHED " + CL_SRV.format(p=41000, u="") + r"\[ASSURED\] mark=0"),
    ("tcp: every state", "cl data 5 bytes", "ESTABLISHED", T + "(299|300) ESTABLISHED .*ASSURED"),
    ("tcp: every state", "srv ACK of data", "ESTABLISHED", T + "(431999|432000) ESTABLISHED"),
    ("tcp: every state", "cl FIN", "ESTABLISHED", T + "(119|120) FIN_WAIT"),
    ("tcp: every state", "srv ACK of FIN", "ESTABLISHED", T + "(59|60) CLOSE_WAIT"),
    ("tcp: every state", "srv FIN", "ESTABLISHED", T + "(29|30) LAST_ACK"),
    ("tcp: every state", "cl ACK of FIN", "ESTABLISHED", T + "(119|120) TIME_WAIT .*ASSURED"),
    ("tcp: SYN_SENT -> RST", "srv RST/ACK", "ESTABLISHED", None),
    ("tcp: established, then RST", "cl RST out of window (seq +100000000)", "INVALID",
     T + "(431999|432000) ESTABLISHED"),
    ("tcp: established, then RST", "cl RST in window (seq = next)", "ESTABLISHED",
     T + "(9|10) CLOSE .*ASSURED"),
    ("tcp: simultaneous close", "srv FIN", "ESTABLISHED", T + "(29|30) LAST_ACK"),
    ("tcp: simultaneous close", "cl ACK of srv FIN", "ESTABLISHED", T + "(119|120) TIME_WAIT"),
    ("tcp: simultaneous close", "srv ACK of cl FIN", "ESTABLISHED", T + "(119|120) TIME_WAIT"),
    ("tcp: stray ACK, no connection, nf_conntrack_tcp_loose=1", "cl ACK", "NEW",
     T + r"(299|300) ESTABLISHED .*\[UNREPLIED\] .* mark=0 zone=0 use=2$"),
    ("tcp: stray ACK, no connection, nf_conntrack_tcp_loose=1", "srv reply ACK", "ESTABLISHED",
     T + r"(299|300) ESTABLISHED " + CL_SRV.format(p=42000, u="") + "mark=0"),
    ("tcp: stray ACK, no connection, nf_conntrack_tcp_loose=0", "cl ACK", "INVALID", None),
    ("tcp: SYN/ACK without a SYN", "srv SYN/ACK", "INVALID", None),
    ("tcp: other flag", "cl FIN alone", "INVALID", None),
    ("tcp: other flag", "cl RST alone", "INVALID", None),
    ("tcp: other flag", "cl SYN+FIN", "INVALID", None),
    ("tcp: other flag", "cl no flags", "INVALID", None),
    ("tcp: other flag", "cl SYN+RST", "INVALID", None),
    ("tcp: out-of-window", "cl data seq +100000000", "INVALID", T + "(431999|432000) ESTABLISHED"),
    ("tcp: out-of-window", "cl data ack beyond anything sent", "INVALID",
     T + "(431999|432000) ESTABLISHED"),
    ("tcp: out-of-window", "cl data in window", "ESTABLISHED", T + "(299|300) ESTABLISHED"),
    ("tcp: SYN with a bad TCP checksum (nf_conntrack_checksum=1)", "cl SYN chksum=0x1234",
     "INVALID", None),
    ("tcp: SYN with a bad TCP checksum (nf_conntrack_checksum=1)", "cl ACK with a bad checksum",
     "INVALID", T + "(59|60) SYN_RECV"),
    ("tcp: SYN with a bad TCP checksum, nf_conntrack_checksum=0", "cl SYN chksum=0x1234",
     "NEW", T + "(119|120) SYN_SENT"),
    ("ip: bad IP header checksum", "cl SYN with IP chksum=0x1234", "(not seen)", None),
    ("udp: unreplied", "cl first packet t=0", "NEW",
     r"^ipv4     2 udp      17 (29|30) src=198.51.100.2 dst=192.168.1.2 sport=5353 dport=53 "
     r"\[UNREPLIED\] src=192.168.1.2 dst=198.51.100.2 sport=53 dport=5353 mark=0 zone=0 use=2$"),
    ("udp: unreplied", "cl second packet, same direction", "NEW", r"udp      17 (29|30) .*UNREPLIED"),
    ("udp: unreplied", "srv reply", "ESTABLISHED", r"udp      17 (29|30) src=[^[]*mark=0 zone=0"),
    ("udp: unreplied", "cl packet after reply, t<2s", "ESTABLISHED",
     r"udp      17 (29|30) src=[^[]*mark=0 zone=0"),
    ("udp: unreplied", "cl packet after reply, t=2.3s", "ESTABLISHED",
     r"udp      17 (119|120) .*sport=53 dport=5353 \[ASSURED\] mark=0 zone=0 use=2$"),
    ("udp: reply seen only after 2 s", "srv first reply at t=2.3s", "ESTABLISHED",
     r"udp      17 (29|30) src=[^[]*mark=0 zone=0"),
    ("udp: reply seen only after 2 s", "cl next packet", "ESTABLISHED",
     r"udp      17 (119|120) .*\[ASSURED\]"),
    ("udp: ICMP port unreachable", "srv icmp port unreachable quoting it", "RELATED",
     r"udp      17 (29|30) .*UNREPLIED"),
    ("udp: ICMP port unreachable", "srv icmp port unreachable about an unknown flow", "INVALID",
     r"udp"),
    ("icmp: echo request / reply", "cl echo request id=0x1234 seq=1", "NEW",
     r"^ipv4     2 icmp     1 (29|30) src=198.51.100.2 dst=192.168.1.2 type=8 code=0 id=4660 "
     r"\[UNREPLIED\] src=192.168.1.2 dst=198.51.100.2 type=0 code=0 id=4660 mark=0 zone=0 use=2$"),
    ("icmp: echo request / reply", "srv echo reply", "ESTABLISHED",
     r"icmp     1 (29|30) src=[^[]*mark=0"),
    ("icmp: echo request / reply", "cl echo request seq=2", "ESTABLISHED", r"icmp     1 (29|30)"),
    ("icmp: echo reply without request", "srv echo reply id=0x4321", "INVALID", None),
    ("icmp: echo reply without request", "cl timestamp request id=0x55", "NEW",
     r"type=13 code=0 id=85 \[UNREPLIED\] src=192.168.1.2 dst=198.51.100.2 type=14 code=0 id=85"),
    ("generic: ip proto 253", "cl proto 253", "NEW",
     r"^ipv4     2 unknown  253 (599|600) src=198.51.100.2 dst=192.168.1.2 \[UNREPLIED\] "
     r"src=192.168.1.2 dst=198.51.100.2 mark=0 zone=0 use=2$"),
    ("gre", "cl gre", "NEW",
     r"^ipv4     2 gre      47 (29|30) timeout=30, stream_timeout=180 src=198.51.100.2 "
     r"dst=192.168.1.2 srckey=0x0 dstkey=0x0 \[UNREPLIED\] src=192.168.1.2 "
     r"dst=198.51.100.2 srckey=0x0 dstkey=0x0 mark=0 zone=0 use=2$"),
    ("format extras", "cl udp dport 54 (zone 5), 1 byte", "NEW",
     r"sport=5400 dport=54 packets=1 bytes=29 \[UNREPLIED\] .* packets=0 bytes=0 "
     r"mark=0 zone=5 delta-time=0 use=2$"),
    ("format extras", "srv reply from 55, 3 bytes", "ESTABLISHED",
     r"sport=55 dport=5500 packets=1 bytes=31 mark=42 zone=0 delta-time=0 use=2$"),
]


def check_ct(outdir):
    rep = steps(read(os.path.join(outdir, "ct", "probe_ct.txt")))
    check("probe_ct report present", len(rep) > 0)
    for sec, label, state, rx in CT_ROWS:
        found = [s for s in rep if s[0].startswith(sec) and s[1] == label]
        name = "ct[%s / %s]" % (sec, label)
        if len(found) != 1:
            check(name, False, "step found %d times in the report" % len(found))
            continue
        _, _, got, lines = found[0]
        check(name + " state", got == state, "got %s, want %s" % (got, state))
        if rx is None:
            check(name + " no entry", not lines, "table not empty: %s" % lines)
        else:
            check(name + " entry", any(re.search(rx, ln) for ln in lines),
                  "no line matches %r in %s" % (rx, lines))


def check_seed(outdir):
    ok = os.path.join(outdir, "seed", "ok")
    drop = os.path.join(outdir, "seed", "drop")
    drv = read(os.path.join(ok, "driver.txt"))
    for want in ("connected yes", "client_got b'pong\\n'", "state_after_client_fin CLOSE_WAIT",
                 "state_after_server_fin TIME_WAIT"):
        check("seed ok driver: " + want, want in drv, drv)
    ct = read(os.path.join(ok, "conntrack.txt"))
    est = (r"ipv4     2 tcp      6 (431999|432000) ESTABLISHED src=198.51.100.2 "
           r"dst=198.51.100.1 sport=40000 dport=80 src=192.168.1.2 dst=198.51.100.2 "
           r"sport=8080 dport=40000 \[ASSURED\] mark=0 zone=0 use=2\n")
    check("seed ok: DNAT entry ESTABLISHED after handshake (proc)", re.search(est, ct), "")
    lst = (r"\ntcp      6 (431999|432000) ESTABLISHED src=198.51.100.2 dst=198.51.100.1 "
           r"sport=40000 dport=80 src=192.168.1.2 dst=198.51.100.2 sport=8080 dport=40000 "
           r"\[ASSURED\] mark=0 use=1\n")
    check("seed ok: same entry in conntrack -L", re.search(lst, ct), "")
    check("seed ok: final TIME_WAIT",
          re.search(r"final: /proc/net/nf_conntrack\nipv4 .* (119|120) TIME_WAIT .*ASSURED", ct))
    tl = read(os.path.join(ok, "timeline.txt")).splitlines()
    cnt = {d: sum(1 for ln in tl if ln.startswith(d + " ")) for d in
           ("eth0-in", "eth1-out", "eth1-in", "eth0-out")}
    check("seed ok: every frame forwarded both ways",
          cnt["eth0-in"] == cnt["eth1-out"] and cnt["eth1-in"] == cnt["eth0-out"]
          and cnt["eth0-in"] >= 5 and cnt["eth1-in"] >= 4, str(cnt))
    dtxt = read(os.path.join(ok, "gw-eth1-out.txt"))
    check("seed ok: DNAT rewrote dst, ttl 63",
          "ttl 63" in dtxt and "198.51.100.2.40000 > 192.168.1.2.8080: Flags [S]" in dtxt)
    stxt = read(os.path.join(ok, "gw-eth0-out.txt"))
    check("seed ok: reply source rewritten back to 198.51.100.1:80",
          "198.51.100.1.80 > 198.51.100.2.40000: Flags [S.]" in stxt)

    drv = read(os.path.join(drop, "driver.txt"))
    check("seed drop: connect fails", "connected no" in drv, drv)
    tl = read(os.path.join(drop, "timeline.txt")).splitlines()
    syns = [ln for ln in tl if ln.startswith("eth0-in ") and "Flags [S]," in ln]
    check("seed drop: nothing leaves eth0", not any(ln.startswith("eth0-out ") for ln in tl))
    # tcp_syn_linear_timeouts=4: retransmissions about 1 s apart, 4 SYNs in ~3 s.
    check("seed drop: SYN retransmitted at ~1 s intervals", len(syns) >= 4 and all(
        0.8 < float(syns[i + 1].split()[1]) - float(syns[i].split()[1]) < 1.5
        for i in range(3)), "\n".join(syns))
    ct = read(os.path.join(drop, "conntrack.txt"))
    check("seed drop: entry in SYN_RECV, not ASSURED, timeout refreshed to 59/60",
          re.search(r"after client gave up: /proc/net/nf_conntrack\nipv4     2 tcp      6 "
                    r"(59|60) SYN_RECV src=198.51.100.2 dst=198.51.100.1 sport=40000 dport=80 "
                    r"src=192.168.1.2 dst=198.51.100.2 sport=8080 dport=40000 mark=0 zone=0 "
                    r"use=2\n", ct), "")


def check_nat(outdir):
    rep = read(os.path.join(outdir, "nat", "probe_nat.txt"))

    def ports(tag):
        m = re.search(re.escape(tag) + r"[^:]*: ([\d ]+)", rep)
        return [int(x) for x in m.group(1).split()] if m else []

    for tag, lo, hi in (("cl2 sport 5000 became", 1024, 65535),
                        ("cl2 sport 600 became", 512, 1023),
                        ("cl2 sport 100 became", 1, 511),
                        ("second connection's reply dport", 1024, 65535)):
        p = ports(tag)
        check("nat: %s, within %d-%d" % (tag, lo, hi),
              len(p) == 8 and all(lo <= x <= hi for x in p), str(p))
        check("nat: %s, not a fixed choice" % tag, len(set(p)) > 2, str(p))
    check("nat: MASQUERADE entry format", re.search(
        r"ipv4     2 tcp      6 (119|120) SYN_SENT src=192.168.1.2 dst=198.51.100.2 sport=5000 "
        r"dport=80 \[UNREPLIED\] src=198.51.100.2 dst=198.51.100.1 sport=80 dport=5000 "
        r"mark=0 zone=0 use=2", rep), "")


def check_icmp(outdir):
    txt = read(os.path.join(outdir, "icmp", "icmp-gw-eth0-out.txt"))
    frames = re.split(r"\nframe \d+: ", "\n" + txt)[1:]
    check("icmp: one answer per probe", len(frames) == 8, "%d frames" % len(frames))
    if len(frames) != 8:
        return
    rows = [  # frame, substrings that must all appear
        (0, ["102 bytes", "tos=0xd0 len=88", "flags= frag=0 ttl=64 proto=1",
             "src=198.51.100.1 dst=198.51.100.2", "ICMP type=11 code=0",
             "rest-of-header=00000000 quoted=60 bytes", "id=0x1001 flags=DF ttl=1"]),
        (1, ["590 bytes", "tos=0xc0 len=576", "quoted=548 bytes", "len=1428 id=0x1002"]),
        (2, ["ICMP type=11 code=0", "quoted=44 bytes", "chksum=0x555f src=198.51.100.2 "
             "dst=198.51.100.1", "sport=5003 dport=80 chksum=0x2bf9"]),
        (3, ["tos=0xd0 len=88", "ICMP type=3 code=3", "quoted=60 bytes",
             "id=0x1004 flags= ttl=63 chksum=0x7fbd"]),
        (4, ["tos=0xc0 len=576", "ICMP type=3 code=3", "quoted=548 bytes"]),
        (5, ["tos=0x00 len=40 id=0x0000 flags=DF frag=0 ttl=64 proto=6",
             "src=192.168.1.2 dst=198.51.100.2",
             "sport=9 dport=5006 seq=0 ack=1001 dataofs=5 flags=RA window=0",
             "options=[] payload=0 bytes"]),
        (6, ["sport=9 dport=5007 seq=2000 ack=0 dataofs=5 flags=R window=0"]),
        (7, ["sport=9 dport=5008 seq=0 ack=3001 dataofs=5 flags=RA window=0"]),
    ]
    for i, subs in rows:
        for s in subs:
            check("icmp frame %d has %r" % (i + 1, s), s in frames[i], frames[i][:400])
    f0 = read(os.path.join(outdir, "icmp", "fwd0-result.txt"))
    check("ip_forward=0: silent drop, IpInAddrErrors counted, no entry",
          "fwd0-gw-eth0-out.pcap: 0 frames" in f0 and "fwd0-gw-eth1-out.pcap: 0 frames" in f0
          and re.search(r"IpInAddrErrors\s+1\b", f0)
          and "0 flow entries have been shown" in f0, f0)


def main():
    outdir = sys.argv[1]
    check_seed(outdir)
    check_ct(outdir)
    check_nat(outdir)
    check_icmp(outdir)
    print("kernel-facts: %d passed, %d failed" % (PASS, FAIL))
    return 1 if FAIL else 0


if __name__ == "__main__":
    sys.exit(main())
