# natinner.sh, client side: send one UDP/TCP/ICMP packet from port (id) 5000
# and write the IP bytes of the ICMP error that comes back (hex) to OUT.
#   usage: PROTO OUT ZERO_UDP_CSUM
import sys, socket, time
from scapy.all import sniff, send, IP, TCP, raw, conf, AsyncSniffer
conf.verb = 0
proto, out = sys.argv[1], sys.argv[2]
sn = AsyncSniffer(iface='eth0', filter='icmp[0] == 3', count=1, timeout=8)
sn.start(); time.sleep(0.5)
if proto == 'udp':
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if sys.argv[3] == '1':
        s.setsockopt(socket.SOL_SOCKET, 11, 1)  # SO_NO_CHECK: send UDP checksum 0
    s.bind(('10.1.0.2', 5000)); s.sendto(b'Q' * 24, ('10.2.0.2', 53))
elif proto == 'icmp':
    from scapy.all import ICMP
    send(IP(src='10.1.0.2', dst='10.2.0.2') / ICMP(id=5000, seq=3) / (b'E' * 24))
else:
    send(IP(src='10.1.0.2', dst='10.2.0.2') / TCP(sport=5000, dport=80, flags='S', seq=1000) / (b'P' * 24))
sn.join()
r = sn.results
if not r:
    sys.exit(1)
open(out, 'w').write(raw(r[0][IP]).hex() + '\n')
