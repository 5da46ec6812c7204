#!/usr/bin/python3
"""Write the command list of the CLI differential test (tests/cli/diff_iptables.sh).

Theory of operation
    The list is generated from a fixed seed, so every run gives the same
    commands.  The generator keeps a model of the ruleset it is building
    (tables, chains, rules as the argument words they were added with, jumps
    between chains) so that every command it means to succeed is valid for the
    real iptables: deletes by number or by specification name an existing
    rule, a chain is deleted only when empty and unreferenced, jumps go from a
    chain to a later user chain only (no loops), and a user chain only holds
    rules that are valid in the one built-in chain it is reached from (its
    "home": -i/-o, NAT targets and REJECT depend on the hook).

    Each output line is one command, the words after the program name, in
    shell quoting:
        EXPECT<TAB>WORDS
    EXPECT is "0" (iptables must accept it), "1"/"2"/"3"/"4" (iptables must
    exit with exactly this status: a check that does not match, or a command
    that must fail) or "F" (iptables must fail with some status).  The runner
    compares uptables' exit status with iptables' on every line, and treats a
    line where iptables itself disagrees with EXPECT as a broken generator.
    A line "@check NAME" asks the runner to compare all listings at that point.

    Extensions are entries of MATCHES and TARGETS below: a new one needs a
    name, where it is allowed, which protocol it needs, and a function that
    returns the option words.  Nothing else has to change.  The other
    extensions of issue 3 are in gen_extra.py; its DEFAULT_ON says which of
    them the command list uses ("gen_cmds.py --ext none|all|a,b [SEED]"
    chooses otherwise).

Avoided on purpose (iptables 1.8.9, the installed oracle, differs from the
1.8.13 corpus, see ../shared/conformance/iptables-t/README.md): reversed port
ranges (A:B with A>B), full port ranges (":" or "0:65535", inverted or not),
--ctproto 0, --icmp-type 255/255, option values joined to the option
(-s1.2.3.4, --protocol=tcp), NFQUEUE --queue-balance.  Also avoided, because
iptables-nft 1.8.9 mistranslates them to nf_tables (the legacy backend and later
releases keep them): inverted port ranges with an open start ("! --dport :N" is
saved as "--dport N+1:65535"), non-contiguous masks in -m conntrack addresses
(dropped), and an inverted match-all address ("! -s X/0": the kernel refuses the
rule iptables-nft builds, exit 4).
"""

import random
import shlex
import sys

SEED = 20261124

BUILTIN = {
	"filter": ["INPUT", "FORWARD", "OUTPUT"],
	"nat": ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
	"mangle": ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
	"raw": ["PREROUTING", "OUTPUT"],
}
# Hooks where the input / output interface is known (iptables refuses -i/-o elsewhere).
HAS_IN = {"PREROUTING", "INPUT", "FORWARD"}
HAS_OUT = {"FORWARD", "OUTPUT", "POSTROUTING"}


class Rnd:
	"""The few random choices the generator needs, on one seeded stream."""

	def __init__(self, seed):
		self.r = random.Random(seed)

	def p(self, prob):
		return self.r.random() < prob

	def pick(self, seq):
		return seq[self.r.randrange(len(seq))]

	def n(self, lo, hi):
		return self.r.randint(lo, hi)

	def some(self, seq, lo, hi):
		k = self.n(lo, min(hi, len(seq)))
		return self.r.sample(list(seq), k)

	def pick_w(self, seq):
		"""One of SEQ (objects with a .weight), in proportion to the weights."""
		x = self.r.random() * sum(e.weight for e in seq)
		for e in seq:
			x -= e.weight
			if x < 0:
				return e
		return seq[-1]

	def some_w(self, seq, lo, hi):
		left, out = list(seq), []
		for _ in range(self.n(lo, min(hi, len(left)))):
			e = self.pick_w(left)
			left.remove(e)
			out.append(e)
		return out

	def neg(self, prob=0.25):
		return ["!"] if self.p(prob) else []


# ---- values -------------------------------------------------------------

NETS = ["10.%d.%d.%d", "192.168.%d.%d", "172.16.%d.%d", "198.51.100.%d", "203.0.113.%d"]
MASKS = [None, None, "/8", "/16", "/24", "/24", "/28", "/32", "/255.255.255.0",
	 "/255.255.0.0", "/255.0.255.0", "/0.255.255.255", "/0"]
IFACES = ["eth0", "eth1", "eth+", "lo", "wlan0", "br-lan", "veth+", "ppp0"]
# Service names resolve per protocol (/etc/services): http is tcp only, ntp udp only.
PORT_NAMES = {"tcp": ["ssh", "http", "https", "domain", "smtp", "www", "http-alt"],
	      "udp": ["domain", "ntp", "bootps", "tftp", "snmp", "syslog", "https"]}
TCP_FLAGS = ["SYN", "ACK", "FIN", "RST", "URG", "PSH"]
ICMP_TYPES = ["echo-request", "echo-reply", "destination-unreachable",
	      "port-unreachable", "host-unreachable", "network-unreachable",
	      "time-exceeded", "ttl-zero-during-transit", "parameter-problem",
	      "redirect", "source-quench", "timestamp-request", "any", "8", "0",
	      "3/3", "11/0", "5/1", "13", "fragmentation-needed", "communication-prohibited",
	      "host-prohibited", "network-prohibited"]
CT_STATES = ["NEW", "ESTABLISHED", "RELATED", "INVALID", "UNTRACKED", "SNAT", "DNAT"]
CT_STATUS = ["NONE", "EXPECTED", "SEEN_REPLY", "ASSURED", "CONFIRMED"]
STATES = ["NEW", "ESTABLISHED", "RELATED", "INVALID", "UNTRACKED"]
COMMENTS = ["ssh from office", "allow-dns", "web", "rule 42", "temp: remove later",
	    "it's", "x", "backup server (nightly)", "a,b;c", "UPPER lower 123"]
LOG_LEVELS = ["0", "1", "2", "3", "4", "5", "6", "7", "emerg", "alert", "crit",
	      "error", "warning", "notice", "info", "debug"]
LOG_PREFIXES = ["FW: ", "drop ", "INPUT-DROP:", "x", "[nat] ", "a b c "]
REJECT_WITH = ["icmp-net-unreachable", "icmp-host-unreachable", "icmp-port-unreachable",
	       "icmp-proto-unreachable", "icmp-net-prohibited", "icmp-host-prohibited",
	       "icmp-admin-prohibited"]
MARK_VALS = ["0x1", "1", "0x10", "255", "0xffffffff", "0x0", "7", "0xdead"]
MARK_MASKS = ["0xff", "0xffffffff", "0x1", "0xf0", "255"]


def addr(r, mask=True):
	t = r.pick(NETS)
	a = t % tuple(r.n(0, 255) for _ in range(t.count("%")))
	if mask:
		m = r.pick(MASKS)
		if m:
			a += m
	return a


def addr_opt(r, opts):
	"""[!] -s/-d ADDR: iptables refuses an inverted match-all (! -s X/0)."""
	a = addr(r)
	neg = r.neg(0.15) if not a.endswith("/0") else []
	return neg + [r.pick(opts), a]


def port(r, proto):
	if r.p(0.15) and proto in PORT_NAMES:
		return r.pick(PORT_NAMES[proto])
	return str(r.pick([r.n(1, 1023), r.n(1024, 65535), 80, 443, 53, 22]))


def port_or_range(r, proto, inverted=False):
	if r.p(0.3):
		a = r.n(1, 60000)
		b = r.n(a, 65535)
		form = r.n(0, 2)
		# iptables-nft 1.8.9 saves "! --dport :N" as "--dport N+1:65535"
		# (fixed in 1.8.11): no open start when inverted.
		if form == 0 and a > 1 and not inverted:
			return ":%d" % b  # open start: 0:b
		if form == 1 and b < 65535:
			return "%d:" % a  # open end: a:65535
		return "%d:%d" % (a, b)
	return port(r, proto)


def mark_val(r):
	v = r.pick(MARK_VALS)
	if r.p(0.4):
		v += "/" + r.pick(MARK_MASKS)
	return v


# ---- matches ------------------------------------------------------------
# gen(r, ctx) returns the words after "-m NAME" (or the implicit words for
# tcp/udp/icmp when ctx["implicit"] is set).  proto: the -p the match needs
# (None: any); a tuple allows several.


def port_opt(r, ctx, opt):
	neg = r.neg()
	return neg + [opt, port_or_range(r, ctx["proto"], bool(neg))]


def m_tcp(r, ctx):
	w = []
	if r.p(0.5):
		w += port_opt(r, ctx, "--sport")
	if r.p(0.6):
		w += port_opt(r, ctx, "--dport")
	x = r.n(0, 5)
	if x == 0:
		w += r.neg(0.3) + ["--syn"]
	elif x == 1:
		mask = r.some(TCP_FLAGS, 1, 4)
		comp = r.some(mask, 0, 2)
		if r.p(0.2):
			mask = ["ALL"]
		w += r.neg(0.2) + ["--tcp-flags", ",".join(mask), ",".join(comp) or "NONE"]
	elif x == 2:
		w += r.neg(0.2) + ["--tcp-option", str(r.pick([2, 3, 4, 8, 30]))]
	if not w:
		w = ["--dport", port(r, "tcp")]
	return w


def m_udp(r, ctx):
	w = []
	if r.p(0.5):
		w += port_opt(r, ctx, "--sport")
	if r.p(0.7) or not w:
		w += port_opt(r, ctx, "--dport")
	return w


def m_icmp(r, ctx):
	return r.neg(0.2) + ["--icmp-type", r.pick(ICMP_TYPES)]


def m_multiport(r, ctx):
	opt = r.pick(["--dports", "--sports", "--ports", "--destination-ports",
		      "--source-ports"])
	items, slots = [], r.n(1, 6)
	while slots > 0:
		if r.p(0.25) and slots >= 2:
			a = r.n(1, 60000)
			items.append("%d:%d" % (a, r.n(a, 65535)))
			slots -= 2
		else:
			items.append(port(r, ctx["proto"]))
			slots -= 1
	return r.neg(0.2) + [opt, ",".join(items)]


def m_state(r, ctx):
	return r.neg(0.15) + ["--state", ",".join(r.some(STATES, 1, 3))]


def m_conntrack(r, ctx):
	w = []
	for opt in r.some(["--ctstate", "--ctproto", "--ctorigsrc", "--ctorigdst",
			   "--ctreplsrc", "--ctrepldst", "--ctorigsrcport", "--ctorigdstport",
			   "--ctreplsrcport", "--ctrepldstport", "--ctstatus", "--ctexpire",
			   "--ctdir"], 1, 3):
		neg = r.neg(0.2) if opt != "--ctdir" else []
		if opt == "--ctstate":
			v = ",".join(r.some(CT_STATES, 1, 3))
		elif opt == "--ctproto":
			v = r.pick(["tcp", "udp", "icmp", "6", "17", "47"])
		elif opt.endswith("port"):
			a = r.n(1, 60000)
			v = str(a) if r.p(0.6) else "%d:%d" % (a, r.n(a, 65535))
		elif opt == "--ctstatus":
			v = ",".join(r.some(CT_STATUS, 1, 2))
		elif opt == "--ctexpire":
			a = r.n(0, 1000)
			v = str(a) if r.p(0.5) else "%d:%d" % (a, r.n(a, 100000))
		elif opt == "--ctdir":
			v = r.pick(["ORIGINAL", "REPLY"])
		else:
			# CIDR masks only: iptables-nft 1.8.9 turns the address options
			# into a native "ct ... saddr" expression that drops a
			# non-contiguous mask (the rule then matches the bare address).
			v = addr(r, mask=False) + r.pick(["", "", "/8", "/16", "/24", "/28", "/32", "/0"])
		w += neg + [opt, v]
	return w


def m_mark(r, ctx):
	return r.neg(0.2) + ["--mark", mark_val(r)]


def m_comment(r, ctx):
	return ["--comment", r.pick(COMMENTS)]


def m_iprange(r, ctx):
	w = []
	for opt in r.some(["--src-range", "--dst-range"], 1, 2):
		base = r.pick(["10.0.0.", "192.168.1.", "172.16.5."])
		a = r.n(1, 200)
		if r.p(0.15):
			w += r.neg(0.25) + [opt, "%s%d" % (base, a)]  # a one-address range
		else:
			w += r.neg(0.25) + [opt, "%s%d-%s%d" % (base, a, base, r.n(a, 254))]
	return w


class Ext:
	def __init__(self, name, gen, proto=None, tables=None, hooks=None, implicit=False,
		     weight=4):
		self.weight = weight        # how often it is chosen, relative to others
		self.name = name
		self.gen = gen
		self.proto = proto          # protocol the rule must have, or None
		self.tables = tables        # None: every table
		self.hooks = hooks          # None: every hook
		self.implicit = implicit    # -p NAME loads it without -m


MATCHES = [
	Ext("tcp", m_tcp, proto="tcp", implicit=True),
	Ext("udp", m_udp, proto="udp", implicit=True),
	Ext("icmp", m_icmp, proto="icmp", implicit=True),
	Ext("multiport", m_multiport, proto=("tcp", "udp")),
	Ext("state", m_state),
	Ext("conntrack", m_conntrack),
	Ext("mark", m_mark),
	Ext("comment", m_comment),
	Ext("iprange", m_iprange),
]

# ---- targets ------------------------------------------------------------


def t_reject(r, ctx):
	if ctx["proto"] == "tcp" and r.p(0.3):
		return ["--reject-with", "tcp-reset"]
	return ["--reject-with", r.pick(REJECT_WITH)] if r.p(0.7) else []


def t_log(r, ctx):
	w = []
	if r.p(0.5):
		w += ["--log-level", r.pick(LOG_LEVELS)]
	if r.p(0.6):
		w += ["--log-prefix", r.pick(LOG_PREFIXES)]
	for f in ["--log-tcp-sequence", "--log-tcp-options", "--log-ip-options",
		  "--log-uid", "--log-macdecode"]:
		if r.p(0.15):
			w.append(f)
	return w


def t_mark(r, ctx):
	opt = r.pick(["--set-mark", "--set-mark", "--set-xmark", "--and-mark",
		      "--or-mark", "--xor-mark"])
	if opt in ("--set-mark", "--set-xmark"):
		return [opt, mark_val(r)]
	return [opt, r.pick(MARK_VALS)]


def nat_range(r, ctx, allow_port_only):
	"""--to-destination / --to-source value: address[-address][:port[-port]]."""
	has_ports = ctx["proto"] in ("tcp", "udp")
	base = r.pick(["192.168.1.", "10.0.0.", "203.0.113."])
	a = r.n(1, 200)
	v = "%s%d" % (base, a)
	if r.p(0.3):
		v += "-%s%d" % (base, r.n(a, 254))
	if has_ports and r.p(0.6):
		p = r.n(1, 60000)
		if allow_port_only and r.p(0.15):
			v = ""
		v += ":%d" % p
		if r.p(0.4):
			v += "-%d" % r.n(p, 65535)
	return v


def t_dnat(r, ctx):
	w = ["--to-destination", nat_range(r, ctx, True)]
	if r.p(0.2):
		w.append("--random")
	if r.p(0.15):
		w.append("--persistent")
	return w


def t_snat(r, ctx):
	w = ["--to-source", nat_range(r, ctx, False)]
	for f in ["--random", "--random-fully", "--persistent"]:
		if r.p(0.15):
			w.append(f)
	return w


def to_ports(r):
	p = r.n(1024, 60000)
	return str(p) if r.p(0.5) else "%d-%d" % (p, r.n(p, 65535))


def t_masquerade(r, ctx):
	w = []
	if ctx["proto"] in ("tcp", "udp") and r.p(0.4):
		w += ["--to-ports", to_ports(r)]
	for f in ["--random", "--random-fully"]:
		if r.p(0.2):
			w.append(f)
	return w


def t_redirect(r, ctx):
	w = []
	if ctx["proto"] in ("tcp", "udp") and r.p(0.7):
		w += ["--to-ports", to_ports(r)]
	if r.p(0.2):
		w.append("--random")
	return w


TARGETS = [
	Ext("REJECT", t_reject, tables={"filter"}, hooks={"INPUT", "FORWARD", "OUTPUT"}),
	Ext("LOG", t_log),
	Ext("MARK", t_mark, tables={"mangle", "filter", "raw"}),
	Ext("DNAT", t_dnat, tables={"nat"}, hooks={"PREROUTING", "OUTPUT"}),
	Ext("SNAT", t_snat, tables={"nat"}, hooks={"POSTROUTING", "INPUT"}),
	Ext("MASQUERADE", t_masquerade, tables={"nat"}, hooks={"POSTROUTING"}),
	Ext("REDIRECT", t_redirect, tables={"nat"}, hooks={"PREROUTING", "OUTPUT"}),
]

PROTOS = ["tcp", "tcp", "tcp", "udp", "udp", "icmp", None, None, None]
ODD_PROTOS = ["47", "gre", "132", "TCP", "all", "udplite", "esp", "6", "17"]


# Long forms of the rule options, used in some commands.
LONG = {"-j": "--jump", "-m": "--match", "-p": "--protocol", "-g": "--goto",
	"-f": "--fragment"}
RULE_CMDS = {"-A", "--append", "-I", "-R", "--replace", "-D", "--delete", "-C"}

# Spellings that parse to the same rule, for delete and check by specification.
SAME = {"--source": "-s", "--src": "-s", "--destination": "-d", "--dst": "-d",
	"--in-interface": "-i", "--out-interface": "-o", "-s": "--source",
	"-d": "--destination", "-i": "--in-interface", "-o": "--out-interface",
	"TCP": "tcp", "--destination-ports": "--dports", "--source-ports": "--sports"}


def respell(rule):
	out = [SAME.get(w, w) for w in rule]
	# The implicit protocol match written out: "-p tcp --dport" = "-p tcp -m tcp --dport".
	for i in range(len(out) - 2):
		if out[i] == "-p" and out[i + 1] in ("tcp", "udp", "icmp") and \
				out[i + 2].startswith("--") and out[i + 2] != "--" + out[i + 1]:
			if out[i + 2] in ("--sport", "--dport", "--syn", "--tcp-flags",
					  "--tcp-option", "--icmp-type"):
				return out[:i + 2] + ["-m", out[i + 1]] + out[i + 2:]
	return out


class Chain:
	def __init__(self, name, home, builtin):
		self.name = name
		self.home = home        # the built-in hook whose rules it may hold
		self.builtin = builtin
		self.rules = []         # each rule: list of words (no -A/-I, no -c)
		self.refs = 0
		# iptables-nft creates a built-in chain on its first -A/-I/-P/-F; before
		# that, -Z CHAIN fails with "No chain/target/match by that name".
		self.created = not builtin


class Gen:
	"""The model of the ruleset and the list of commands built so far."""

	def __init__(self, seed):
		self.r = Rnd(seed)
		self.out = []
		self.tables = {t: [Chain(c, c, True) for c in cs] for t, cs in BUILTIN.items()}
		self.serial = 0

	# -- output
	def cmd(self, table, words, expect="0"):
		"""One command; the same words are spelt in the ways iptables allows."""
		r = self.r
		w = list(words)
		if w[0] in RULE_CMDS and r.p(0.2):
			w = [LONG.get(x, x) for x in w]
		if table != "filter" or r.p(0.1):
			t = [r.pick(["-t", "-t", "--table"]), table]
			x = r.n(0, 9)
			if x < 7:
				w = t + w
			elif x < 8 or len(w) < 3 or w[0] not in RULE_CMDS or w[2].isdigit():
				# iptables takes a rule number only right after the chain
				# ("-I OUTPUT -t nat 3" is refused: one of the must-fail lines).
				w = w + t
			else:
				w = w[:2] + t + w[2:]  # "-A PREROUTING -t nat ...", as people type it
		if r.p(0.03):
			w = [r.pick(["-w", "-4", "--wait"])] + w
		if w[0] in ("-A", "-I", "--append") and r.p(0.03):
			w = ["-v"] + w  # prints the rule it adds
		self.out.append("%s\t%s" % (expect, shlex.join(w)))

	def check(self, name):
		self.out.append("@check " + name)

	# -- model helpers
	def chain(self, table, name):
		for c in self.tables[table]:
			if c.name == name:
				return c
		raise KeyError(name)

	def users(self, table):
		return [c for c in self.tables[table] if not c.builtin]

	def targets_of(self, rule):
		return [rule[i + 1] for i, w in enumerate(rule) if w in ("-j", "-g") and i + 1 < len(rule)]

	def add_refs(self, table, rule, d):
		names = {c.name for c in self.users(table)}
		for t in self.targets_of(rule):
			if t in names:
				self.chain(table, t).refs += d

	# -- rule construction
	def rule(self, table, chain):
		"""Words of one valid rule for CHAIN (a Chain) of TABLE."""
		r, hook = self.r, chain.home
		ctx = {"table": table, "hook": hook}
		# Target first: it restricts the protocol and the hook.
		choices = [t for t in TARGETS
			   if (t.tables is None or table in t.tables)
			   and (t.hooks is None or hook in t.hooks)]
		later = [c for c in self.users(table) if c.home == hook and
			 self.tables[table].index(c) > self.tables[table].index(chain)]
		x = r.n(0, 9)
		target = None
		if table == "nat" and r.p(0.5):
			choices = [t for t in choices if t.name != "LOG"] or choices
			x = 0
		if x <= 3 and choices:
			target = r.pick_w(choices)
		elif x <= 5 and later:
			target = ("-g" if r.p(0.2) else "-j", r.pick(later).name)
		elif x <= 8:
			# iptables-nft refuses DROP in the nat table.
			std = ["ACCEPT"] + (["DROP"] if table != "nat" else [])
			std += ["RETURN"] if not chain.builtin or r.p(0.3) else []
			target = ("-j", r.pick(std))
		proto = r.pick(PROTOS)
		if isinstance(target, Ext) and target.name in ("DNAT", "SNAT", "MASQUERADE", "REDIRECT") \
				and r.p(0.5):
			proto = r.pick(["tcp", "udp"])
		fixed = isinstance(target, Ext) and target.proto
		if fixed:
			proto = target.proto if isinstance(target.proto, str) else r.pick(target.proto)
		ctx["proto"] = proto
		w = []
		if r.p(0.4):
			w += addr_opt(r, ["-s", "--source", "--src"])
		if r.p(0.3):
			w += addr_opt(r, ["-d", "--destination", "--dst"])
		if proto:
			if r.p(0.1) and not fixed:
				w += ["!", "-p", proto]
				proto = ctx["proto"] = None  # inverted: no port options
			else:
				w += ["-p", proto]
		elif r.p(0.1):
			odd = r.pick(ODD_PROTOS)
			# "! -p all" is refused (it would never match): one of the must-fail lines.
			w += (r.neg(0.3) if odd != "all" else []) + ["-p", odd]
		if hook in HAS_IN and r.p(0.3):
			w += r.neg(0.2) + [r.pick(["-i", "--in-interface"]), r.pick(IFACES)]
		if hook in HAS_OUT and r.p(0.3):
			w += r.neg(0.2) + [r.pick(["-o", "--out-interface"]), r.pick(IFACES)]
		if r.p(0.05) and proto is None:
			w += r.neg(0.5) + ["-f"]
		# Matches: the protocol's own match often, implicit or explicit.
		usable = [m for m in MATCHES
			  if (m.tables is None or table in m.tables)
			  and (m.hooks is None or hook in m.hooks)
			  and (m.proto is None or proto == m.proto
			       or (isinstance(m.proto, tuple) and proto in m.proto))]
		picked = []
		own = [m for m in usable if m.name == proto]
		if own and r.p(0.7):
			picked.append(own[0])
		others = [m for m in usable if m.implicit is False]
		for m in r.some_w(others, 0, 2):
			picked.append(m)
		for m in picked:
			if m.implicit and r.p(0.5):
				w += m.gen(r, ctx)
			else:
				w += ["-m", m.name] + m.gen(r, ctx)
		if isinstance(target, Ext):
			w += ["-j", target.name] + target.gen(r, ctx)
		elif target:
			w += list(target)
		return w

	def counters(self):
		r = self.r
		pk = r.pick([0, 1, 17, 999, 1000, 12345, 99999, 100000, 2500000, 123456789,
			     4000000000, 99999999999])
		by = r.pick([0, 60, 1500, 99999, 100000, 1048576, 123456789, 987654321012,
			     10 ** 15, 2 ** 63 - 1])
		return r.pick([["-c", str(pk), str(by)], ["--set-counters", str(pk), str(by)]])

	# -- commands
	def new_chain(self, table, name, home):
		self.tables[table].append(Chain(name, home, False))
		self.cmd(table, [self.r.pick(["-N", "--new-chain"]), name])

	def append(self, table, chain):
		rule = self.rule(table, chain)
		cnt = self.counters() if self.r.p(0.2) else []
		chain.rules.append(rule)
		chain.created = True
		self.add_refs(table, rule, +1)
		self.cmd(table, [self.r.pick(["-A", "-A", "--append"]), chain.name] + cnt + rule)

	def insert(self, table, chain):
		rule = self.rule(table, chain)
		cnt = self.counters() if self.r.p(0.3) else []
		n = len(chain.rules)
		if self.r.p(0.3):
			pos = None
			chain.rules.insert(0, rule)
		else:
			pos = self.r.n(1, n + 1)
			chain.rules.insert(pos - 1, rule)
		chain.created = True
		self.add_refs(table, rule, +1)
		self.cmd(table, ["-I", chain.name] + ([str(pos)] if pos else []) + cnt + rule)

	def replace(self, table, chain):
		if not chain.rules:
			return
		pos = self.r.n(1, len(chain.rules))
		rule = self.rule(table, chain)
		cnt = self.counters() if self.r.p(0.4) else []
		self.add_refs(table, chain.rules[pos - 1], -1)
		chain.rules[pos - 1] = rule
		self.add_refs(table, rule, +1)
		self.cmd(table, [self.r.pick(["-R", "--replace"]), chain.name, str(pos)] + cnt + rule)

	def delete(self, table, chain, by_spec):
		if not chain.rules:
			return
		pos = self.r.n(1, len(chain.rules))
		rule = chain.rules[pos - 1]
		if by_spec:
			# iptables deletes the first rule equal to the specification,
			# compared as parsed rules: sometimes spell it differently.
			pos = chain.rules.index(rule) + 1
			spec = respell(rule) if self.r.p(0.3) else rule
			self.cmd(table, [self.r.pick(["-D", "--delete"]), chain.name] + spec)
		else:
			self.cmd(table, ["-D", chain.name, str(pos)])
		self.add_refs(table, rule, -1)
		del chain.rules[pos - 1]

	def check_rule(self, table, chain):
		if chain.rules and self.r.p(0.6):
			rule = self.r.pick(chain.rules)
			self.cmd(table, ["-C", chain.name] + (respell(rule) if self.r.p(0.3) else rule))
		else:
			rule = self.rule(table, chain)
			self.cmd(table, ["-C", chain.name] + rule, "0" if rule in chain.rules else "1")

	def flush(self, table, chain):
		for rule in chain.rules:
			self.add_refs(table, rule, -1)
		chain.rules = []
		chain.created = True
		self.cmd(table, [self.r.pick(["-F", "--flush"]), chain.name])

	def rename(self, table, chain, new):
		old = chain.name
		for c in self.tables[table]:
			for rule in c.rules:
				for i in range(len(rule) - 1):
					if rule[i] in ("-j", "-g") and rule[i + 1] == old:
						rule[i + 1] = new
		chain.name = new
		self.cmd(table, [self.r.pick(["-E", "--rename-chain"]), old, new])

	def delete_chain(self, table, chain):
		assert not chain.rules and chain.refs == 0
		self.tables[table].remove(chain)
		self.cmd(table, [self.r.pick(["-X", "--delete-chain"]), chain.name])

	def add_fixed(self, table, name, rule, words=None):
		"""Append RULE to chain NAME, typed as WORDS (default: RULE itself)."""
		c = self.chain(table, name)
		c.rules.append(rule)
		c.created = True
		self.add_refs(table, rule, +1)
		self.cmd(table, words or ["-A", name] + rule)

	def zero(self, table, name):
		self.cmd(table, ["-Z", name], "0" if self.chain(table, name).created else "1")

	def policy(self, table, name, verdict):
		cnt = self.counters() if self.r.p(0.2) else []
		self.chain(table, name).created = True
		self.cmd(table, [self.r.pick(["-P", "--policy"]), name, verdict] + cnt)

	def random_ops(self, table, count):
		"""COUNT mixed rule commands over TABLE's chains."""
		r = self.r
		for _ in range(count):
			chain = r.pick(self.tables[table])
			x = r.n(0, 99)
			if x < 50:
				self.append(table, chain)
			elif x < 65:
				self.insert(table, chain)
			elif x < 73:
				self.replace(table, chain)
			elif x < 81:
				self.delete(table, chain, by_spec=True)
			elif x < 88:
				self.delete(table, chain, by_spec=False)
			elif x < 95:
				self.check_rule(table, chain)
			elif x < 98:
				# One chain or one rule: a whole-table -Z would leave few
				# counters to compare (the scripted part zeroes a table).
				z = [chain.name]
				if chain.rules and r.p(0.6):
					n = r.n(1, len(chain.rules))
					# iptables 1.8.9 crashes zeroing one NFLOG --nflog-prefix rule.
					if "--nflog-prefix" not in chain.rules[n - 1]:
						z.append(str(n))
				self.cmd(table, [r.pick(["-Z", "--zero"])] + z, "0" if chain.created else "1")
			else:
				if chain.builtin and table != "nat":
					self.policy(table, chain.name, r.pick(["ACCEPT", "DROP"]))
				elif chain.builtin:
					self.policy(table, chain.name, "ACCEPT")
				else:
					self.append(table, chain)


def must_fail(g):
	"""Commands that iptables refuses, with the status iptables 1.8.9 exits with."""
	u = g.users("filter")
	full = next(c for c in u if c.rules)
	empty = "EMPTYREF"
	g.new_chain("filter", empty, "INPUT")
	g.cmd("filter", ["-A", "INPUT", "-s", "192.0.2.99", "-j", empty])
	g.chain("filter", "INPUT").rules.append(["-s", "192.0.2.99", "-j", empty])
	g.chain("filter", empty).refs += 1
	tests = [
		("2", ["-A", "OUTPUT", "-i", "eth0", "-j", "ACCEPT"]),
		("2", ["-A", "INPUT", "-o", "eth0"]),
		("2", ["-t", "nat", "-A", "PREROUTING", "-o", "eth1", "-j", "ACCEPT"]),
		("4", ["-A", "INPUT", "-p", "udp", "-j", "REJECT", "--reject-with", "tcp-reset"]),
		("4", ["-t", "nat", "-A", "PREROUTING", "-j", "REJECT"]),
		("4", ["-A", "INPUT", "-j", "DNAT", "--to-destination", "192.0.2.1"]),
		("4", ["-t", "nat", "-A", "POSTROUTING", "-j", "DNAT", "--to-destination", "192.0.2.1"]),
		("2", ["-t", "nat", "-A", "PREROUTING", "-j", "DNAT", "--to-destination",
		       "192.0.2.1:80"]),
		("1", ["-D", "INPUT", "999"]),
		("1", ["-D", "INPUT", "-s", "192.0.2.77", "-j", "DROP"]),
		("1", ["-I", "INPUT", "999", "-j", "ACCEPT"]),
		("2", ["-I", "INPUT", "0", "-j", "ACCEPT"]),
		("1", ["-R", "FORWARD", "999", "-j", "ACCEPT"]),
		("F", ["-X", "INPUT"]),  # 4 (busy) or 1 (not empty), as the kernel says
		("1", ["-N", full.name]),
		("4", ["-X", full.name]),
		("4", ["-X", empty]),
		("1", ["-A", "NOPE", "-j", "ACCEPT"]),
		("2", ["-A", "INPUT", "-j", "NOPE"]),
		("3", ["-t", "nope", "-L"]),
		("2", ["-A", "INPUT", "--bogus"]),
		("2", ["-A", "INPUT", "-p", "tcp", "--dport", "70000"]),
		("2", ["-A", "INPUT", "-p", "tcp", "--dport", "1:2:3"]),
		("2", ["-A", "INPUT", "-s", "300.1.2.3"]),
		("2", ["-A", "INPUT", "-s", "1.2.3.4", "-s", "1.2.3.5"]),
		("2", ["-A", "INPUT", "!", "!", "-s", "1.2.3.4"]),
		("2", ["-A", "INPUT", "-j", "ACCEPT", "extra"]),
		("2", ["-A"]),
		("1", ["-E", full.name, "INPUT"]),
		("1", ["-E", full.name, empty]),
		("1", ["-P", full.name, "DROP"]),
		("1", ["-P", "INPUT", "RETURN"]),
		("1", ["-P", "INPUT", "BOGUS"]),
		("2", ["-N", "ACCEPT"]),
		("2", ["-N", "abcdefghijabcdefghijabcdefghijab"]),
		("1", ["-C", "INPUT", "-s", "192.0.2.77"]),
		("2", ["-A", "INPUT", "-m", "multiport", "--dports", "1,2"]),
		("2", ["-A", "INPUT", "-m", "state", "--state", "BOGUS"]),
		("2", ["-A", "INPUT", "-m", "conntrack", "--ctstate", "BOGUS"]),
		("2", ["-A", "INPUT", "-p", "tcp", "--tcp-flags", "SYN,BOGUS", "SYN"]),
		("2", ["-A", "INPUT", "-p", "icmp", "--icmp-type", "nosuch"]),
		("2", ["-A", "INPUT", "-p", "tcp", "-j", "REJECT", "--reject-with", "bogus"]),
		("2", ["-A", "INPUT", "-j", "LOG", "--log-level", "9"]),
		("2", ["-A", "INPUT", "-m", "mark", "--mark", "0x1/0x2/0x3"]),
		("2", ["-t", "nat", "-A", "PREROUTING", "-j", "DROP"]),
		("2", ["-t", "nat", "-P", "POSTROUTING", "DROP"]),
		("2", ["-I", "OUTPUT", "-t", "nat", "1", "-j", "ACCEPT"]),
		("2", ["-E", full.name, "-t", "filter", "NEWNAME"]),
		("2", ["-A", "INPUT", "!", "-p", "all"]),
		("1", ["-Z", "NOPE"]),
		("1", ["-F", "NOPE"]),
		("1", ["-L", "NOPE"]),
		("1", ["-S", "NOPE"]),
		("2", ["-A", "INPUT", "-p", "tcp", "-m", "udp", "--dport", "53"]),
		("2", ["-t", "nat", "-A", "POSTROUTING", "-j", "MASQUERADE", "--to-ports", "1000"]),
	]
	import gen_extra
	have = {e.name for e in MATCHES + TARGETS}
	tests += [(expect, words) for name, expect, words in gen_extra.MUST_FAIL if name in have]
	for expect, words in tests:
		g.out.append("%s\t%s" % (expect, shlex.join(words)))


def tricky(g):
	"""Fixed cases that once differed, so that every seed has them: rates
	written in other units than iptables prints them, matched by -C and -D;
	the -v echo of an added rule with an inverted protocol."""
	have = {m.name for m in MATCHES}
	if "hashlimit" in have:
		rule = ["-p", "tcp", "-m", "hashlimit", "--hashlimit-upto", "720/hour",
			"--hashlimit-name", "perhour", "-j", "ACCEPT"]
		g.add_fixed("filter", "INPUT", rule)
		g.cmd("filter", ["-C", "INPUT"] + rule)
		rule2 = ["-m", "hashlimit", "--hashlimit-above", "840/min", "--hashlimit-mode",
			 "dstport,srcport", "--hashlimit-name", "permin", "--hashlimit-srcmask", "16"]
		g.add_fixed("filter", "FORWARD", rule2)
		g.cmd("filter", ["-C", "FORWARD"] + rule2)
		g.cmd("filter", ["-D", "INPUT"] + rule)
		g.chain("filter", "INPUT").rules.remove(rule)
	if "limit" in have:
		rule = ["-m", "limit", "--limit", "120/min", "--limit-burst", "10", "-j", "ACCEPT"]
		g.add_fixed("filter", "OUTPUT", rule)
		g.cmd("filter", ["-C", "OUTPUT"] + rule)
	rule = ["!", "-p", "gre", "-o", "eth1", "-j", "ACCEPT"]
	g.add_fixed("filter", "FORWARD", rule, ["-v", "-A", "FORWARD"] + rule)


def generate(seed):
	g = Gen(seed)
	r = g.r
	# filter: user chains, homed on the three built-ins.
	for name, home in [("web", "INPUT"), ("ssh_in", "INPUT"), ("LOGDROP", "INPUT"),
			   ("fwd-lan", "FORWARD"), ("fwd_wan", "FORWARD"), ("out.1", "OUTPUT"),
			   ("TEMP", "OUTPUT"), ("a", "INPUT")]:
		g.new_chain("filter", name, home)
	g.policy("filter", "FORWARD", "DROP")
	g.random_ops("filter", 200)
	tricky(g)
	g.cmd("filter", ["-Z", "web"])
	g.rename("filter", g.chain("filter", "ssh_in"), "SSH-IN")
	g.cmd("filter", ["-v", "-F", "a"])  # prints "Flushing chain `a'"
	for rule in g.chain("filter", "a").rules:
		g.add_refs("filter", rule, -1)
	g.chain("filter", "a").rules = []
	g.check("filter")
	# nat
	for name, home in [("DNAT_WEB", "PREROUTING"), ("pre2", "PREROUTING"),
			   ("snat-out", "POSTROUTING"), ("LOCALOUT", "OUTPUT")]:
		g.new_chain("nat", name, home)
	g.zero("nat", "POSTROUTING")  # iptables-nft: no such chain until first used
	g.random_ops("nat", 100)
	# The seed article's command, typed as written there.
	seed_rule = ["-i", "eth0", "-p", "tcp", "--dport", "80", "-j", "DNAT", "--to",
		     "192.168.1.2:8080"]
	g.add_fixed("nat", "PREROUTING", seed_rule, ["-A", "PREROUTING"] + seed_rule)
	g.rename("nat", g.chain("nat", "pre2"), "PRE_TWO")
	# mangle
	for name, home in [("mark_in", "PREROUTING"), ("MARKOUT", "OUTPUT"), ("fw", "FORWARD")]:
		g.new_chain("mangle", name, home)
	g.policy("mangle", "FORWARD", "DROP")
	g.zero("mangle", "OUTPUT")
	g.zero("mangle", "FORWARD")
	g.random_ops("mangle", 80)
	# raw
	g.new_chain("raw", "notrack-ish", "PREROUTING")
	g.zero("raw", "OUTPUT")
	g.random_ops("raw", 40)
	g.check("all-tables")
	# Churn: more changes everywhere, then commands that must fail.
	for t in ["filter", "nat", "mangle", "raw"]:
		g.random_ops(t, 20)
	must_fail(g)
	g.check("after-failures")
	# Tear down part of it: a user chain emptied and deleted, a table flushed,
	# counters zeroed, policies back.
	tmp = g.chain("filter", "TEMP")
	for c in g.tables["filter"]:
		i = 0
		while i < len(c.rules):
			if "TEMP" in g.targets_of(c.rules[i]):
				g.cmd("filter", ["-D", c.name, str(i + 1)])
				g.add_refs("filter", c.rules[i], -1)
				del c.rules[i]
			else:
				i += 1
	g.flush("filter", tmp)
	g.delete_chain("filter", tmp)
	g.cmd("raw", ["-F"])
	for c in g.tables["raw"]:
		c.rules = []
		c.refs = 0
	g.cmd("raw", ["-X"])
	g.tables["raw"] = [c for c in g.tables["raw"] if c.builtin]
	g.cmd("mangle", ["-Z"])
	g.policy("filter", "FORWARD", "ACCEPT")
	g.random_ops("filter", 10)
	g.check("final")
	return g.out


def load_extras(names):
	"""Add the extensions of gen_extra.py that NAMES selects to MATCHES and
	TARGETS: None for gen_extra.DEFAULT_ON, "all", "none" or a comma list."""
	import gen_extra
	known = {e[0] for e in gen_extra.EXTRAS}
	if names is None:
		want = set(gen_extra.DEFAULT_ON)
	elif names == "all":
		want = set(known)
	else:
		want = set(n for n in names.split(",") if n and n != "none")
	bad = want - known
	if bad:
		sys.exit("gen_cmds.py: unknown extension(s) %s; known: %s" %
			 (",".join(sorted(bad)), ",".join(sorted(known))))
	for name, kind, gen, kw in gen_extra.EXTRAS:
		if name in want:
			# One each of the many extras weighs less than one of the first list.
			(MATCHES if kind == "match" else TARGETS).append(Ext(name, gen, weight=1, **kw))


def main():
	args = sys.argv[1:]
	ext = None
	if len(args) >= 2 and args[0] == "--ext":
		ext, args = args[1], args[2:]
	seed = int(args[0]) if args else SEED
	load_extras(ext)
	sys.stdout.write("".join(line + "\n" for line in generate(seed)))


if __name__ == "__main__":
	main()
