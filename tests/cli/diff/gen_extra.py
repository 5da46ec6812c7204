"""Extensions of issue 3 beyond the first list of the differential test
(tcp udp icmp multiport state conntrack mark comment iprange, REJECT LOG MARK
DNAT SNAT MASQUERADE REDIRECT, which live in gen_cmds.py).

The command list may only use extensions that uptables has: DEFAULT_ON names
the ones it uses by default (all of them since uptables has them all; a new one
starts outside DEFAULT_ON until uptables supports it).  CLIDIFF_EXT (or
gen_cmds.py --ext) overrides the choice: "none", "all" or a comma list.

Each entry: name, kind ("match" or "target"), the option-word generator
gen(r, ctx) (r: the seeded random stream of gen_cmds.Rnd; ctx["proto"],
ctx["hook"], ctx["table"]), and where it is valid: proto (the -p it needs),
tables, hooks.  Every form was checked against iptables 1.8.9 (nf_tables) with
tests/cli/diff_iptables.sh (the "iptables did what the command list expects"
line).
"""


TOS_NAMES = ["Minimize-Delay", "Maximize-Throughput", "Maximize-Reliability",
	     "Minimize-Cost", "Normal-Service"]
DSCP_CLASSES = ["AF11", "AF21", "AF41", "CS1", "CS6", "EF", "BE"]


def hexv(r, bits):
	return "0x%x" % r.n(0, (1 << bits) - 1)


def m_limit(r, ctx):
	w = ["--limit", "%d/%s" % (r.n(1, 100), r.pick(["sec", "second", "minute", "min",
							  "hour", "day", "s", "m", "h", "d"]))]
	if r.p(0.5):
		w += ["--limit-burst", str(r.n(1, 50))]
	return w


def m_length(r, ctx):
	a = r.n(0, 1500)
	v = str(a) if r.p(0.5) else "%d:%d" % (a, r.n(a, 65535))
	return r.neg(0.2) + ["--length", v]


def m_ttl(r, ctx):
	opt = r.pick(["--ttl-eq", "--ttl-gt", "--ttl-lt"])
	return (r.neg(0.3) if opt == "--ttl-eq" else []) + [opt, str(r.n(1, 254))]


def m_tos(r, ctx):
	if r.p(0.4):
		v = r.pick(TOS_NAMES)
	else:
		v = hexv(r, 8) + ("/" + hexv(r, 8) if r.p(0.5) else "")
	return r.neg(0.2) + ["--tos", v]


def m_dscp(r, ctx):
	if r.p(0.5):
		return r.neg(0.2) + ["--dscp", str(r.n(0, 63))]
	return r.neg(0.2) + ["--dscp-class", r.pick(DSCP_CLASSES)]


def m_ecn(r, ctx):
	w = []
	if r.p(0.5):
		w += r.neg(0.2) + ["--ecn-tcp-cwr"]
	if r.p(0.5) or not w:
		w += r.neg(0.2) + ["--ecn-tcp-ece"]
	if r.p(0.4):
		w += r.neg(0.2) + ["--ecn-ip-ect", str(r.n(0, 3))]
	return w


def m_pkttype(r, ctx):
	return r.neg(0.2) + ["--pkt-type", r.pick(["unicast", "broadcast", "multicast"])]


ADDRTYPES = ["UNSPEC", "UNICAST", "LOCAL", "BROADCAST", "ANYCAST", "MULTICAST",
	     "BLACKHOLE", "UNREACHABLE", "PROHIBIT"]


def m_addrtype(r, ctx):
	w = []
	for opt in r.some(["--src-type", "--dst-type"], 1, 2):
		w += r.neg(0.2) + [opt, ",".join(r.some(ADDRTYPES, 1, 2))]
	hook = ctx["hook"]
	if hook in ("PREROUTING", "INPUT", "FORWARD") and r.p(0.2):
		w.append("--limit-iface-in")
	elif hook in ("OUTPUT", "POSTROUTING") and r.p(0.2):
		w.append("--limit-iface-out")
	return w


def m_connmark(r, ctx):
	v = r.pick(["0x1", "7", "0xff", "0x10"])
	if r.p(0.4):
		v += "/" + r.pick(["0xff", "0xffff", "0x1"])
	return r.neg(0.2) + ["--mark", v]


def m_mac(r, ctx):
	mac = ":".join("%02x" % r.n(0, 255) for _ in range(6))
	if r.p(0.3):
		mac = mac.upper()
	return r.neg(0.2) + ["--mac-source", mac]


def m_owner(r, ctx):
	w = []
	for opt in r.some(["--uid-owner", "--gid-owner", "--socket-exists"], 1, 2):
		neg = r.neg(0.2)
		if opt == "--socket-exists":
			w += neg + [opt]
		else:
			a = r.n(0, 5000)
			w += neg + [opt, str(a) if r.p(0.7) else "%d-%d" % (a, r.n(a, 65000))]
	return w


def m_statistic(r, ctx):
	if r.p(0.5):
		return ["--mode", "random"] + r.neg(0.2) + ["--probability",
							    r.pick(["0.5", "0.1", "0.25", "0.99", "0.01"])]
	every = r.n(2, 10)
	# 1.8.9 wants --packet with --every.
	return ["--mode", "nth"] + r.neg(0.2) + ["--every", str(every), "--packet",
						  str(r.n(0, every - 1))]


def m_quota(r, ctx):
	return r.neg(0.2) + ["--quota", str(r.pick([0, 1000, 1048576, 4294967296, 123]))]


def m_connlimit(r, ctx):
	w = [r.pick(["--connlimit-above", "--connlimit-upto"]), str(r.n(0, 100))]
	if r.p(0.4):
		w += ["--connlimit-mask", str(r.pick([0, 8, 16, 24, 32]))]
	if r.p(0.4):
		w.append(r.pick(["--connlimit-saddr", "--connlimit-daddr"]))
	return w


def m_recent(r, ctx):
	w = []
	if r.p(0.6):
		w += ["--name", r.pick(["badguys", "ssh", "DEFAULT", "x1"])]
	cmd = r.pick(["--set", "--rcheck", "--update", "--remove"])
	w += r.neg(0.15) + [cmd]
	if cmd in ("--rcheck", "--update"):
		if r.p(0.6):
			w += ["--seconds", str(r.n(1, 3600))]
		if r.p(0.4):
			w += ["--hitcount", str(r.n(1, 20))]
		if r.p(0.2):
			w.append("--rttl")
		if r.p(0.2) and "--seconds" in w:
			w.append("--reap")
	if r.p(0.3):
		w.append(r.pick(["--rsource", "--rdest"]))
	if r.p(0.2):
		w += ["--mask", r.pick(["255.255.255.0", "255.255.0.0"])]
	return w


def m_string(r, ctx):
	w = ["--algo", r.pick(["bm", "kmp"])]
	if r.p(0.3):
		w += ["--from", str(r.n(0, 100))]
	if r.p(0.3):
		w += ["--to", str(r.n(100, 1500))]
	w += r.neg(0.2) + ["--string", r.pick(["GET /", "abc", "hello world", "x", "BitTorrent"])]
	if r.p(0.2):
		w.append("--icase")
	return w


def m_tcpmss(r, ctx):
	a = r.n(0, 1500)
	v = str(a) if r.p(0.5) else "%d:%d" % (a, r.n(a, 65535))
	return r.neg(0.2) + ["--mss", v]


def m_helper(r, ctx):
	return r.neg(0.2) + ["--helper", r.pick(["ftp", "sip", "tftp", "irc"])]


def m_connbytes(r, ctx):
	a = r.n(0, 100000)
	v = "%d:%d" % (a, r.n(a, 10000000)) if r.p(0.6) else "%d:" % a
	return r.neg(0.2) + ["--connbytes", v, "--connbytes-dir",
			     r.pick(["original", "reply", "both"]), "--connbytes-mode",
			     r.pick(["packets", "bytes", "avgpkt"])]


def m_hashlimit(r, ctx):
	# The kernel refuses slow rates with big bursts (credits overflow, ERANGE):
	# 1/day at all, 1/hour above a burst of about 30.  One such rule is among
	# the must-fail commands (MUST_FAIL below).
	unit = r.pick(["sec", "min", "hour"])
	w = [r.pick(["--hashlimit-upto", "--hashlimit-above"]), "%d/%s" % (r.n(1, 1000), unit)]
	if r.p(0.4):
		w += ["--hashlimit-burst", str(r.n(1, 10 if unit == "hour" else 100))]
	if r.p(0.6):
		w += ["--hashlimit-mode", ",".join(r.some(["srcip", "srcport", "dstip", "dstport"], 1, 2))]
	w += ["--hashlimit-name", r.pick(["h1", "web", "ssh_limit"])]
	if r.p(0.3):
		w += ["--hashlimit-srcmask", str(r.pick([8, 16, 24]))]
	return w


def m_time(r, ctx):
	w = []
	if r.p(0.6):
		w += ["--timestart", "%02d:%02d" % (r.n(0, 11), r.n(0, 59)),
		      "--timestop", "%02d:%02d:%02d" % (r.n(12, 23), r.n(0, 59), r.n(0, 59))]
	if r.p(0.5) or not w:
		w += ["--weekdays", ",".join(r.some(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
						     "Sun"], 1, 3))]
	if r.p(0.3):
		w += ["--datestart", "2026-01-%02dT10:00:00" % r.n(1, 28)]
	if r.p(0.2):
		w.append("--kerneltz")
	return w


def m_u32(r, ctx):
	return r.neg(0.2) + ["--u32", r.pick(["0>>22&0x3C@12>>26&0x3C@0=0x0",
					      "6&0xFF=1", "0&0xFFFF=0x100:0xFFFF",
					      "6&0xFF=6 && 0>>22&0x3C@0>>16=80"])]


def t_connmark(r, ctx):
	x = r.n(0, 4)
	if x == 0:
		return ["--set-mark", r.pick(["0x1", "5", "0xff/0xff"])]
	if x == 1:
		return ["--set-xmark", "0x%x/0x%x" % (r.n(0, 255), r.n(0, 255))]
	if x == 2:
		w = ["--save-mark"]
	else:
		w = ["--restore-mark"]
	if r.p(0.4):
		w += ["--mask", r.pick(["0xff", "0xffff"])]
	return w


def t_tos(r, ctx):
	x = r.n(0, 3)
	if x == 0:
		return ["--set-tos", r.pick(TOS_NAMES)]
	if x == 1:
		return ["--set-tos", hexv(r, 8) + ("/" + hexv(r, 8) if r.p(0.5) else "")]
	return [r.pick(["--and-tos", "--or-tos", "--xor-tos"]), hexv(r, 8)]


def t_dscp(r, ctx):
	if r.p(0.5):
		return ["--set-dscp", str(r.n(0, 63))]
	return ["--set-dscp-class", r.pick(DSCP_CLASSES)]


def t_ttl(r, ctx):
	opt = r.pick(["--ttl-set", "--ttl-dec", "--ttl-inc"])
	return [opt, str(r.n(1 if opt != "--ttl-set" else 0, 255))]


def t_tcpmss(r, ctx):
	if ctx["hook"] in ("FORWARD", "OUTPUT", "POSTROUTING") and r.p(0.5):
		return ["--clamp-mss-to-pmtu"]
	return ["--set-mss", str(r.n(536, 1460))]


def t_netmap(r, ctx):
	return ["--to", "10.%d.%d.0/24" % (r.n(0, 255), r.n(0, 255))]


def t_nflog(r, ctx):
	w = []
	if r.p(0.7):
		w += ["--nflog-group", str(r.n(0, 65535))]
	if r.p(0.5):
		w += ["--nflog-prefix", r.pick(["nflog: ", "x", "dropped"])]
	if r.p(0.3):
		w += ["--nflog-size", str(r.n(0, 1500))]
	return w


def t_ct(r, ctx):
	if r.p(0.4):
		return ["--notrack"]
	return ["--zone", str(r.n(0, 65535))]


def t_none(r, ctx):
	return []


TCP = "tcp"
EXTRAS = [
	# name, kind, gen, keyword arguments of gen_cmds.Ext
	("limit", "match", m_limit, {}),
	("length", "match", m_length, {}),
	("ttl", "match", m_ttl, {}),
	("tos", "match", m_tos, {}),
	("dscp", "match", m_dscp, {}),
	("ecn", "match", m_ecn, {"proto": TCP}),
	("pkttype", "match", m_pkttype, {}),
	("addrtype", "match", m_addrtype, {}),
	("connmark", "match", m_connmark, {}),
	("mac", "match", m_mac, {"hooks": {"PREROUTING", "INPUT", "FORWARD"}}),
	("owner", "match", m_owner, {"hooks": {"OUTPUT", "POSTROUTING"}}),
	("statistic", "match", m_statistic, {}),
	("quota", "match", m_quota, {}),
	("connlimit", "match", m_connlimit, {"tables": {"filter", "mangle", "nat"}}),
	("recent", "match", m_recent, {}),
	("string", "match", m_string, {}),
	("tcpmss", "match", m_tcpmss, {"proto": TCP}),
	("helper", "match", m_helper, {}),
	("connbytes", "match", m_connbytes, {}),
	("hashlimit", "match", m_hashlimit, {}),
	("time", "match", m_time, {}),
	("u32", "match", m_u32, {}),
	("CONNMARK", "target", t_connmark, {}),
	("TOS", "target", t_tos, {"tables": {"mangle"}}),
	("DSCP", "target", t_dscp, {"tables": {"mangle"}}),
	("TTL", "target", t_ttl, {"tables": {"mangle"}}),
	("TCPMSS", "target", t_tcpmss, {"proto": TCP, "tables": {"mangle", "filter"}}),
	("NETMAP", "target", t_netmap, {"tables": {"nat"}}),
	("NFLOG", "target", t_nflog, {}),
	("CT", "target", t_ct, {"tables": {"raw"}}),
	("NOTRACK", "target", t_none, {"tables": {"raw"}}),
	("TRACE", "target", t_none, {"tables": {"raw"}}),
]

# Extensions from this file that the default command list uses: all, since
# uptables has them all.  A new entry of EXTRAS stays out until it has it.
DEFAULT_ON = {e[0] for e in EXTRAS}

# Commands iptables 1.8.9 refuses, with its exit status, used when the
# extension is in the command list.
MUST_FAIL = [
	("hashlimit", "4", ["-A", "INPUT", "-m", "hashlimit", "--hashlimit-above", "1/day",
			    "--hashlimit-name", "slow"]),
	("limit", "2", ["-A", "INPUT", "-m", "limit", "--limit", "1/fortnight"]),
	("statistic", "2", ["-A", "INPUT", "-m", "statistic", "--mode", "nth", "--every", "3"]),
	("TOS", "4", ["-A", "INPUT", "-j", "TOS", "--set-tos", "0x10"]),
	("owner", "4", ["-A", "INPUT", "-m", "owner", "--uid-owner", "0"]),
	("mac", "4", ["-A", "OUTPUT", "-m", "mac", "--mac-source", "00:11:22:33:44:55"]),
	("CT", "4", ["-A", "INPUT", "-j", "CT", "--notrack"]),
	("tcpmss", "4", ["-A", "INPUT", "-m", "tcpmss", "--mss", "1000"]),  # needs -p tcp
]
