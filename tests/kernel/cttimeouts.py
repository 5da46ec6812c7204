#!/usr/bin/env python3
"""Compare the timeout column of two conntrack tables, shifted by the read delay.

usage: cttimeouts.py KDIR SIM_CONNTRACK.txt [MAPFILE]

The kernel's table is the last /proc/net/nf_conntrack snapshot in
KDIR/conntrack.txt, read between the two times in KDIR/final-time.txt
(seconds since the epoch, the capture's clock); uptables-sim's table is as of
the last frame it replayed, the latest frame of KDIR/gw-*-in.pcap.  An
entry's remaining seconds must agree once the delay between the two readings
is taken off ours: |ours - delay - kernel| <= 1.5 s plus half the read window
(both round down, the kernel counts in jiffies, and the read took a moment).  Entries are paired by their text
with the timeout column blanked (MAPFILE: kernel -> our ports, as
pcapdiff.py --map-ports writes).  Prints one line per disagreement and a last
line "TIMEOUTS n AGREE k"; exits 1 on any disagreement.
"""
import glob
import os
import re
import struct
import sys


def last_frame_time(kdir):
    last = 0.0
    for path in glob.glob(os.path.join(kdir, "gw-*-in.pcap")):
        with open(path, "rb") as f:
            data = f.read()
        if len(data) < 24:
            continue
        magic = struct.unpack("<I", data[:4])[0]
        endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
        scale = 1e-9 if magic in (0xA1B23C4D, 0x4D3CB2A1) else 1e-6
        off = 24
        while off + 16 <= len(data):
            sec, frac, caplen, _ = struct.unpack(endian + "IIII", data[off:off + 16])
            last = max(last, sec + frac * scale)
            off += 16 + caplen
    return last


def kernel_lines(path):
    buf, grab = [], False
    with open(path) as f:
        for line in f:
            if line.startswith("==="):
                grab = "/proc/net/nf_conntrack" in line
                if grab:
                    buf = []
                continue
            if grab and line.strip() and not line.startswith("#"):
                buf.append(line.split())
    return buf


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    kdir, spath = sys.argv[1], sys.argv[2]
    kpath = os.path.join(kdir, "conntrack.txt")
    with open(os.path.join(kdir, "final-time.txt")) as f:
        t = [float(x) for x in f.read().split()]
    t_read = sum(t) / len(t)
    slack = 1.5 + (max(t) - min(t)) / 2
    t_last = last_frame_time(kdir)
    pmap = {}
    if len(sys.argv) > 3 and os.path.exists(sys.argv[3]):
        with open(sys.argv[3]) as f:
            for line in f:
                k, s = line.split()
                pmap[k] = s
    delay = t_read - t_last

    def key(fields):
        out = []
        for i, w in enumerate(fields):
            if i == 4:
                w = "-"
            m = re.match(r"^([sd]port)=(\d+)$", w)
            if m and m.group(2) in pmap:
                w = "%s=%s" % (m.group(1), pmap[m.group(2)])
            out.append(w)
        return " ".join(out)

    kern = {}
    for f in kernel_lines(kpath):
        kern.setdefault(key(f), []).append(int(f[4]))
    with open(spath) as fh:
        ours = [l.split() for l in fh if l.strip()]
    n = agree = 0
    for f in ours:
        k = " ".join("-" if i == 4 else w for i, w in enumerate(f))
        if not kern.get(k):
            continue      # a table difference: compare_ct reports it
        kt = kern[k].pop(0)
        n += 1
        if abs(int(f[4]) - delay - kt) <= slack:
            agree += 1
        else:
            print("timeout: kernel %d at +%.2fs (±%.2f), ours %d at the last frame: %s" %
                  (kt, delay, slack - 1.5, int(f[4]), k))
    print("TIMEOUTS %d AGREE %d" % (n, agree))
    sys.exit(0 if n == agree else 1)


main()
