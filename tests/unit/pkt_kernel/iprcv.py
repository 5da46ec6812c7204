# Companion of iprcv.sh: runs inside namespace A, sends each frame
# to B and compares the counter deltas in B with the expectation.
import subprocess
import sys
import time

from scapy.all import Ether, ICMP, IP, Raw, raw, sendp

macb, nsb = sys.argv[1], sys.argv[2]
KEYS = ['IpInHdrErrors', 'IpExtInCsumErrors', 'IpExtInTruncatedPkts', 'IcmpInEchos']


def counters():
    out = subprocess.run(['ip', 'netns', 'exec', nsb, 'nstat', '-az'],
                         capture_output=True, text=True).stdout
    c = {}
    for line in out.splitlines()[1:]:
        f = line.split()
        if len(f) >= 2:
            c[f[0]] = int(f[1])
    return c


def fix(b):
    b = bytearray(b)
    b[10] = b[11] = 0
    s = sum((b[i] << 8) | b[i + 1] for i in range(0, (b[0] & 15) * 4, 2))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    c = ~s & 0xffff
    b[10], b[11] = c >> 8, c & 0xff
    return bytes(b)


base = raw(IP(src='10.99.0.1', dst='10.99.0.2') / ICMP(id=7, seq=1) / (b'x' * 4))


def mk(mut=None, fixcsum=True, flip_csum=False, pad=0):
    b = bytearray(base)
    if mut:
        mut(b)
    b = bytearray(fix(b) if fixcsum else b)
    if flip_csum:
        b[10] ^= 1
    return bytes(b) + b'\0' * pad


def totlen(v):
    return lambda b: b.__setitem__(slice(2, 4), v.to_bytes(2, 'big'))


# (name, IP bytes, counters that must move, our drop reason for the record)
cases = [
    ('good echo', mk(), {'IcmpInEchos'}, 'none'),
    ('ethernet padding after total length', mk(pad=20), {'IcmpInEchos'}, 'none'),
    ('bad header checksum', mk(flip_csum=True), {'IpInHdrErrors', 'IpExtInCsumErrors'},
     'IP_BAD_CSUM'),
    ('total length beyond the frame', mk(totlen(len(base) + 10)), {'IpExtInTruncatedPkts'},
     'IP_BAD_TOTLEN'),
    ('total length below the header', mk(totlen(19)), {'IpInHdrErrors'}, 'IP_BAD_TOTLEN'),
    ('checksum is tested before total length', mk(totlen(19), flip_csum=True),
     {'IpInHdrErrors', 'IpExtInCsumErrors'}, 'IP_BAD_CSUM'),
    ('ihl 4', mk(lambda b: b.__setitem__(0, 0x44)), {'IpInHdrErrors'}, 'IP_BAD_IHL'),
    ('version 6', mk(lambda b: b.__setitem__(0, 0x65)), {'IpInHdrErrors'}, 'IP_BAD_VERSION'),
    ('ihl beyond the frame', mk(lambda b: b.__setitem__(0, 0x4f), fixcsum=False),
     {'IpInHdrErrors'}, 'IP_TRUNCATED'),
]

failed = 0
for name, ipb, want, reason in cases:
    before = counters()
    sendp(Ether(dst=macb, type=0x0800) / Raw(ipb), iface='va', verbose=False)
    time.sleep(0.3)
    after = counters()
    moved = {k for k in KEYS if after.get(k, 0) != before.get(k, 0)}
    ok = moved == want
    failed += not ok
    print('%-42s %-15s %s %s' % (name, reason, 'ok  ' if ok else 'FAIL', ' '.join(sorted(moved))))
print('pkt_kernel iprcv: %d passed, %d failed' % (len(cases) - failed, failed))
sys.exit(1 if failed else 0)
