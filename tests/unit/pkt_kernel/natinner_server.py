# natinner.sh, server side: answer the first SNATed packet from the gateway
# with a port-unreachable quoting its IP header and N transport bytes; write
# the frame sent (hex) to OUT.   usage: PROTO N ZERO_UDP_CSUM OUT
import sys
from scapy.all import sniff, sendp, Ether, IP, ICMP, raw, conf
conf.verb = 0
proto, qlen, zero_udp_csum, out = sys.argv[1], int(sys.argv[2]), sys.argv[3] == '1', sys.argv[4]
p = sniff(iface='eth0', count=1, filter=proto + ' and src host 10.2.0.1', timeout=8)
if not p:
    sys.exit(1)
e = p[0]
ipb = raw(e[IP])
ihl = (ipb[0] & 15) * 4
quote = ipb[:ihl + qlen]
err = Ether(src=e.dst, dst=e.src) / IP(src='10.2.0.2', dst='10.2.0.1', ttl=64, id=0x4242) / ICMP(type=3, code=3) / quote
frame = raw(err)
sendp(Ether(frame), iface='eth0')
open(out, 'w').write(frame.hex() + '\n')
