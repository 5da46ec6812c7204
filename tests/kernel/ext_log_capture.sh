#!/bin/bash
# Regenerates the kernel side of tests/unit/test_ext_log.c: frames entering
# namespace B (in.pcap) and the kernel LOG lines for them (kern.txt).
# Sets net.netfilter.nf_log_all_netns=1 for the run and restores it.
# usage: OUT=dir tests/kernel/ext_log_capture.sh   (root)
# Kernel LOG lines for a few crafted packets: A --veth--> B, B logs in INPUT.
set -u
mkdir -p "${OUT:-/tmp/upt-logx}"
A=uptlogA$$; B=uptlogB$$
old=$(cat /proc/sys/net/netfilter/nf_log_all_netns)
cleanup() { ip netns del $A 2>/dev/null; ip netns del $B 2>/dev/null; echo $old > /proc/sys/net/netfilter/nf_log_all_netns; }
trap cleanup EXIT
ip netns add $A; ip netns add $B
ip link add va type veth peer name vb
ip link set va netns $A; ip link set vb netns $B
for n in $A $B; do ip netns exec $n sysctl -qw net.ipv6.conf.all.disable_ipv6=1; done
ip netns exec $A ip link set va address 02:00:00:00:00:0a
ip netns exec $B ip link set vb address 02:00:00:00:00:0b
ip netns exec $A ip addr add 10.77.0.1/24 dev va; ip netns exec $B ip addr add 10.77.0.2/24 dev vb
ip netns exec $A ip link set va up; ip netns exec $B ip link set vb up
ip netns exec $A ip link set lo up; ip netns exec $B ip link set lo up
ip netns exec $A ethtool -K va tx off tso off gso off gro off >/dev/null 2>&1
ip netns exec $B ethtool -K vb tx off tso off gso off gro off rx off >/dev/null 2>&1
ip netns exec $A ip neigh replace 10.77.0.2 lladdr 02:00:00:00:00:0b dev va nud permanent
echo 1 > /proc/sys/net/netfilter/nf_log_all_netns
X="ip netns exec $B iptables"
$X -t mangle -A PREROUTING -p udp --dport 7777 -j MARK --set-mark 0x2a
$X -A INPUT -p tcp -j LOG --log-prefix "UPTX1: " --log-tcp-sequence --log-tcp-options --log-ip-options
$X -A INPUT -p udp -j LOG --log-prefix "UPTX2: " --log-level 6 --log-macdecode
$X -A INPUT -p icmp -j LOG --log-prefix "UPTX3: " --log-ip-options
$X -A INPUT -p 47 -j LOG --log-prefix "UPTX4: "
ip netns exec $B tcpdump -i vb -Q in -w ${OUT:-/tmp/upt-logx}/in.pcap -U >/dev/null 2>&1 &
TD=$!
sleep 1
start=$(dmesg | wc -l)
ip netns exec $A /usr/bin/python3 - <<'PY'
from scapy.all import *
conf.verb=0
e=Ether(src="02:00:00:00:00:0a",dst="02:00:00:00:00:0b")
pk=[
 e/IP(src="10.77.0.1",dst="10.77.0.2",id=54321,flags="DF",tos=0x10)/TCP(sport=40000,dport=8080,flags="S",seq=123456,window=64240,options=[("MSS",1460),("SAckOK",b""),("Timestamp",(1,0)),("NOP",None),("WScale",7)]),
 e/IP(src="10.77.0.1",dst="10.77.0.2",id=7,tos=0xb8,options=[IPOption(b"\x94\x04\x00\x00")])/TCP(sport=1,dport=2,flags="FPUEC",seq=5,ack=6,window=0,urgptr=9,reserved=0),
 e/IP(src="10.77.0.1",dst="10.77.0.2",id=8)/UDP(sport=5353,dport=7777)/b"hello",
 e/IP(src="10.77.0.1",dst="10.77.0.2",id=9)/ICMP(type=8,id=77,seq=3)/b"ping",
 e/IP(src="10.77.0.1",dst="10.77.0.2",id=10)/ICMP(type=3,code=3)/IP(src="10.77.0.2",dst="10.77.0.9",id=99,ttl=3)/UDP(sport=1000,dport=53),
 e/IP(src="10.77.0.1",dst="10.77.0.2",id=11)/ICMP(type=3,code=4,nexthopmtu=1400)/IP(src="10.77.0.2",dst="10.77.0.9",id=98)/TCP(sport=22,dport=4000,flags="A"),
 e/IP(src="10.77.0.1",dst="10.77.0.2",id=12)/ICMP(type=5,code=1,gw="10.77.0.254")/IP(src="10.77.0.2",dst="10.77.0.9",id=97)/ICMP(type=8,id=1,seq=1),
 e/IP(src="10.77.0.1",dst="10.77.0.2",id=13)/ICMP(type=12,code=0,ptr=20)/IP(src="10.77.0.2",dst="10.77.0.9",id=96)/UDP(sport=1,dport=2),
 e/IP(src="10.77.0.1",dst="10.77.0.2",id=14,proto=47)/b"\x00\x00\x08\x00",
 e/IP(src="10.77.0.1",dst="10.77.0.2",id=15,flags="MF",frag=0)/UDP(sport=5000,dport=7777,len=100)/(b"x"*16),
 e/IP(src="10.77.0.1",dst="10.77.0.2",id=16,frag=3,proto=6)/(b"y"*16),
 e/IP(src="10.77.0.1",dst="10.77.0.2",id=17)/ICMP(type=3,code=1)/b"\x45\x00",
 e/IP(src="10.77.0.1",dst="10.77.0.2",id=18)/ICMP(type=13,id=5,seq=6),
]
for p in pk:
    sendp(p, iface="va")
    time.sleep(0.05)
PY
sleep 1
kill $TD; wait $TD 2>/dev/null
dmesg | tail -n +$((start + 1)) | grep -a "UPTX" | sed 's/^\[[^]]*\] //' > ${OUT:-/tmp/upt-logx}/kern.txt

