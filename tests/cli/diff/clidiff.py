#!/usr/bin/python3
"""Run one command list against the real iptables and against uptables --ruleset,
and compare exit statuses and listings.  tests/cli/diff_iptables.sh runs this inside
a fresh network namespace (so the real iptables starts from an empty ruleset and
changes nothing outside); see gen_cmds.py for the command list format.

Theory of operation
    Every command line is given to both programs, in order, as the same argument
    vector (no shell).  iptables works on the namespace's nf_tables ruleset,
    uptables on a rules file that starts out missing.  At each "@check NAME" line
    both sides are listed in every format (per table, per chain, save), and the
    outputs are compared as text; the '#' comment lines of the save format are
    dropped since they name the program and the time.  Each comparison prints one
    result line ("ok"/"FAIL") and, for a difference, a unified diff
    (--- iptables, +++ uptables).  The last line is "clidiff: N passed, M failed".

    Exit statuses: the commands iptables must refuse (and the -C checks) get one
    result line each; the exit statuses of all other commands form one
    comparison.  When uptables accepts a command that iptables refuses, its
    rules file is put back as it was before the command; when it refuses one
    that iptables accepts, its rules file is replaced by iptables-save -c (a
    note says so each time).  So one wrong exit status is reported once, and
    not again by every later listing.  If iptables itself does not do what the generator expected, the
    generator is out of date: that is reported as a failure of its own, because
    the test would otherwise silently compare less than it claims to.
"""

import argparse
import difflib
import os
import shlex
import subprocess
import sys

TABLES = ["filter", "nat", "mangle", "raw"]
DIFF_LINES = 60     # diff lines printed per failed comparison
MAX_DETAILS = 30    # failed comparisons whose diff is printed (later ones often follow from them)


class Side:
	"""One implementation under test: how to run its two programs."""

	def __init__(self, name, cmd, save):
		self.name = name
		self.cmd = cmd      # argv prefix of the iptables-like program
		self.save = save    # argv prefix of the iptables-save-like program

	def run(self, prefix, words, stdin=None):
		try:
			p = subprocess.run(prefix + words, input=stdin.encode() if stdin else None,
					   stdin=None if stdin else subprocess.DEVNULL,
					   capture_output=True, timeout=20)
		except FileNotFoundError as e:
			return 127, "", str(e)
		except subprocess.TimeoutExpired:
			return 124, "", "timed out"
		rc = p.returncode if p.returncode >= 0 else 128 - p.returncode
		return rc, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


class Report:
	def __init__(self, outdir):
		self.passed = 0
		self.failed = 0
		self.outdir = outdir
		self.n = 0

	def result(self, ok, name, detail=""):
		if ok:
			self.passed += 1
		else:
			self.failed += 1
		print("%s %s" % ("ok  " if ok else "FAIL", name))
		if detail and not ok and self.failed > MAX_DETAILS:
			if self.failed == MAX_DETAILS + 1:
				print("    (details of further failures left out: CLIDIFF_OUT=DIR keeps all listings)")
		elif detail and not ok:
			for line in detail.rstrip("\n").split("\n"):
				print("    " + line)
		sys.stdout.flush()

	def keep(self, name, a, b):
		"""Both outputs of one comparison, when an output directory was asked for."""
		if not self.outdir:
			return
		self.n += 1
		safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:80]
		for side, text in (("iptables", a), ("uptables", b)):
			with open(os.path.join(self.outdir, "%03d-%s.%s" % (self.n, safe, side)), "w") as f:
				f.write(text)


def snapshot(path):
	try:
		with open(path, "rb") as f:
			return f.read()
	except FileNotFoundError:
		return None


def put_back(path, data):
	if data is None:
		if os.path.exists(path):
			os.unlink(path)
		return
	tmp = path + ".clidiff-tmp"
	with open(tmp, "wb") as f:
		f.write(data)
	os.replace(tmp, path)


def first_line(s):
	s = s.strip()
	return s.split("\n")[0] if s else "(no message)"


def diff(a, b):
	lines = list(difflib.unified_diff(a.splitlines(), b.splitlines(), "iptables",
					  "uptables", lineterm="", n=2))
	if len(lines) > DIFF_LINES:
		lines = lines[:DIFF_LINES] + ["... (%d more diff lines)" % (len(lines) - DIFF_LINES)]
	return "\n".join(lines)


def listing(side, prefix, words, strip_comments=False):
	rc, out, err = side.run(prefix, words)
	if strip_comments:
		out = "".join(l for l in out.splitlines(True) if not l.startswith("#"))
	text = out + ("[exit status %d]\n" % rc)
	if rc != 0:
		text += "[stderr] %s\n" % first_line(err)
	return text, out


def chains_of(save_s):
	"""Chain names in the order an -S listing shows them (-P lines, then -N lines)."""
	names = []
	for line in save_s.splitlines():
		w = line.split()
		if len(w) >= 2 and w[0] in ("-P", "-N") and w[1] not in names:
			names.append(w[1])
	return names


def compare(rep, ipt, upt, label, which, words, strip=False):
	prefix_i = ipt.save if which == "save" else ipt.cmd
	prefix_u = upt.save if which == "save" else upt.cmd
	a, _ = listing(ipt, prefix_i, words, strip)
	b, _ = listing(upt, prefix_u, words, strip)
	name = "%s: %s %s" % (label, "iptables-save" if which == "save" else "iptables",
			      shlex.join(words))
	rep.keep(name, a, b)
	rep.result(a == b, name, diff(a, b))


def checkpoint(rep, ipt, upt, label):
	for t in TABLES:
		tw = ["-t", t]
		_, si = listing(ipt, ipt.cmd, tw + ["-S"])
		_, su = listing(upt, upt.cmd, tw + ["-S"])
		for words in (["-S"], ["-S", "-v"], ["-L", "-n"], ["-L", "-n", "-v"],
			      ["-L", "-n", "-v", "-x", "--line-numbers"], ["-nL", "--line-numbers"]):
			compare(rep, ipt, upt, label, "cmd", tw + words)
		chains = chains_of(si)
		chains += [c for c in chains_of(su) if c not in chains]
		for c in chains:
			compare(rep, ipt, upt, label, "cmd", tw + ["-S", c])
			compare(rep, ipt, upt, label, "cmd",
				tw + ["-L", c, "-n", "-v", "-x", "--line-numbers"])
	compare(rep, ipt, upt, label, "save", ["-c"], strip=True)
	compare(rep, ipt, upt, label, "save", [], strip=True)
	compare(rep, ipt, upt, label, "save", ["-t", "nat", "-c"], strip=True)


def roundtrip(rep, ipt, upt, restore_u):
	"""Each side restores the other side's save -c output; the result must
	save back as the same text.  uptables-restore loads into a new rules file;
	iptables-restore loads into this namespace after its ruleset is emptied."""
	_, save_i = listing(ipt, ipt.save, ["-c"], True)
	_, save_u = listing(upt, upt.save, ["-c"], True)
	rc, _, err = upt.run(restore_u, ["-c"], stdin=save_i)
	b, _ = listing(upt, upt.save[:1] + restore_u[1:], ["-c"], True)  # saves the new file
	if rc:
		b += "[uptables-restore exit status %d] %s\n" % (rc, first_line(err))
	name = "round trip: uptables-restore -c < iptables-save -c, then uptables-save -c"
	rep.keep(name, save_i + "[exit status 0]\n", b)
	rep.result(save_i + "[exit status 0]\n" == b, name, diff(save_i + "[exit status 0]\n", b))
	rc_f, _, err_f = ipt.run(["nft"], ["flush", "ruleset"])
	if rc_f:
		rep.result(False, "round trip: nft flush ruleset (exit %d: %s)" % (rc_f, first_line(err_f)))
		return
	rc, _, err = ipt.run(["iptables-restore"], ["-c"], stdin=save_u)
	a, _ = listing(ipt, ipt.save, ["-c"], True)
	if rc:
		a += "[iptables-restore exit status %d] %s\n" % (rc, first_line(err))
	name = "round trip: iptables-restore -c < uptables-save -c, then iptables-save -c"
	rep.keep(name, a, save_u + "[exit status 0]\n")
	rep.result(a == save_u + "[exit status 0]\n", name, diff(a, save_u + "[exit status 0]\n"))


def resync(ruleset, ipt, words, ri, ru, before, lineno):
	"""After a wrong exit status (reported elsewhere), bring uptables' rules file
	back to iptables' state, so that the one mistake does not fail every later
	comparison as well."""
	if ri != 0 and ru == 0:
		put_back(ruleset, before)
		print("note: line %d: uptables accepted what iptables refused; its rules "
		      "file is put back as it was before the command" % lineno)
	elif ri == 0 and ru != 0 and "-C" not in words and "--check" not in words:
		# The rules file is in iptables-save format.
		_, now = listing(ipt, ipt.save, ["-c"])
		put_back(ruleset, now.encode())
		print("note: line %d: uptables refused what iptables accepted; its rules "
		      "file is replaced by iptables-save -c" % lineno)


def main():
	ap = argparse.ArgumentParser()
	ap.add_argument("--cmds", required=True)
	ap.add_argument("--uptables", required=True, help="path of the uptables program")
	ap.add_argument("--ruleset", required=True, help="rules file for uptables (missing at start)")
	ap.add_argument("--out", help="directory to keep both sides' listings in")
	ap.add_argument("--no-roundtrip", action="store_true",
			help="skip the final save/restore exchange between the two sides")
	ap.add_argument("--step", action="store_true",
			help="also compare iptables-save -c after every command and name the "
			"first command after which the two differ (a debugging aid)")
	args = ap.parse_args()

	bindir = os.path.dirname(os.path.abspath(args.uptables))
	rs = ["--ruleset", args.ruleset]
	ipt = Side("iptables", ["iptables"], ["iptables-save"])
	upt = Side("uptables", [args.uptables] + rs, [os.path.join(bindir, "uptables-save")] + rs)
	rep = Report(args.out)

	accepted = 0
	status_diffs = []
	gen_broken = []
	diverged = False
	commands = 0
	stdout_diffs = []
	with open(args.cmds) as f:
		lines = [l.rstrip("\n") for l in f if l.strip()]
	for lineno, line in enumerate(lines, 1):
		if line.startswith("@check "):
			checkpoint(rep, ipt, upt, line.split(" ", 1)[1])
			continue
		expect, cmdline = line.split("\t", 1)
		words = shlex.split(cmdline)
		before = snapshot(args.ruleset)
		ri, oi, ei = ipt.run(ipt.cmd, words)
		ru, ou, eu = upt.run(upt.cmd, words)
		resync(args.ruleset, ipt, words, ri, ru, before, lineno)
		commands += 1
		if oi != ou:
			stdout_diffs.append("line %d: %s\n%s" % (lineno, cmdline, diff(oi, ou)))
		if (expect == "F" and ri == 0) or (expect != "F" and str(ri) != expect):
			gen_broken.append("line %d: expected %s, iptables exit %d (%s): %s" %
					  (lineno, expect, ri, first_line(ei), cmdline))
		if expect == "0":
			accepted += 1
			if ri != ru:
				status_diffs.append("line %d: iptables %d, uptables %d (%s): %s" %
						    (lineno, ri, ru, first_line(eu), cmdline))
		else:
			rep.result(ri == ru, "exit status %d (uptables %d): iptables %s" %
				   (ri, ru, cmdline),
				   "iptables: %s\nuptables: %s" % (first_line(ei), first_line(eu)))
		if args.step and not diverged:
			a, _ = listing(ipt, ipt.save, ["-c"], True)
			b, _ = listing(upt, upt.save, ["-c"], True)
			if a != b:
				diverged = True
				print("note: iptables-save -c first differs after line %d: %s" %
				      (lineno, cmdline))
				for d in diff(a, b).split("\n"):
					print("    " + d)
	if not args.no_roundtrip:
		rt = args.ruleset + ".roundtrip"
		roundtrip(rep, ipt, upt, [os.path.join(bindir, "uptables-restore"), "--ruleset", rt])
	rep.result(not status_diffs, "exit status agrees on the %d commands iptables accepts"
		   % accepted, "\n".join(status_diffs[:40]) +
		   ("\n... %d more" % (len(status_diffs) - 40) if len(status_diffs) > 40 else ""))
	rep.result(not stdout_diffs, "standard output agrees on all %d commands" % commands,
		   "\n".join(stdout_diffs[:20]))
	rep.result(not gen_broken, "iptables did what the command list expects (%d commands)"
		   % commands, "\n".join(gen_broken[:40]))
	print("clidiff: %d passed, %d failed" % (rep.passed, rep.failed))
	return 0 if rep.failed == 0 else 1


if __name__ == "__main__":
	sys.exit(main())
