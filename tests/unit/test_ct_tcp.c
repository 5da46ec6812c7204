// SPDX-License-Identifier: GPL-2.0
/*
 * TCP conntrack: the kernel's transition table, window checks, timeouts and
 * ASSURED, driven by small scripts of packets between two well-behaved
 * endpoints.  Expected values are read off the kernel's
 * nf_conntrack_proto_tcp.c (tcp_conntracks[][][] and nf_conntrack_tcp_packet)
 * for the kernel this project tracks (6.18), and every row was replayed on
 * the real 6.18 kernel by tests/kernel/ct_tcp_rows.sh (crafted packets
 * through a forwarding namespace; ctstate and /proc entry compared): all
 * rows agree (the kernel prints one second less: it reads a little later).
 *
 * Script: steps separated by spaces, each "<o|r>:<flags><modifiers>":
 *   o = client 10.0.0.1:40000 -> server 10.0.0.2:80 (ORIGINAL), r = reply
 *   flags  S A F R P U (none: no flag at all)
 *   +N     N bytes of payload
 *   @+N/@-N  sequence number moved by N from what the endpoint would send
 *   ^+N/^-N  acknowledgment moved by N
 *   wN     window-scale option N (on a SYN)     WN  advertised window N
 *   p      SACK-permitted option (on a SYN)     sN  a SACK block ending at ack + N
 *   K      sequence number 0 (a RST answering a SYN)
 *   N      a fresh initial sequence number (a new connection's SYN)
 *   TN     advance the clock by N seconds before sending
 *   X      corrupt the TCP checksum
 * Endpoints send seq = next unsent byte, ack = next byte expected from the
 * peer; a SYN sent again (retransmission, simultaneous-open SYN/ACK) reuses
 * the initial sequence number.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "ct_pkts.h"

struct conv {
	struct upt_ct_table *t;
	uint64_t now;
	uint32_t isn[2], nxt[2];
	bool syn_sent[2];
	struct upt_ct_result last;
	int steps;
};

static void conv_init(struct conv *c, struct upt_ct_table *t)
{
	memset(c, 0, sizeof(*c));
	c->t = t;
	c->now = 1000 * SEC;
	c->isn[0] = c->nxt[0] = 1000000;
	c->isn[1] = c->nxt[1] = 3000000000u; /* near the wrap, on purpose */
}

static long num(const char **s)
{
	char *end;
	long v = strtol(*s, &end, 10);

	*s = end;
	return v;
}

/* One step; returns false on a script syntax error. */
static bool conv_step(struct conv *c, const char *tok, size_t toklen)
{
	char step[64];
	const char *s = step;
	struct frame f;
	struct tpkt p;
	unsigned dir;
	uint8_t flags = 0;
	long seq_delta = 0, ack_delta = 0, paylen = 0, win = 64240, wscale = -1, sack = -1;
	bool seq_zero = false, badsum = false, moved = false, sack_perm = false;
	static uint8_t payload[FRAME_MAX];
	uint32_t seq, ack;

	if (toklen >= sizeof(step) || toklen < 2)
		return false;
	memcpy(step, tok, toklen);
	step[toklen] = '\0';
	if ((s[0] != 'o' && s[0] != 'r') || s[1] != ':')
		return false;
	dir = s[0] == 'r';
	for (s += 2; *s;) {
		char ch = *s++;

		switch (ch) {
		case 'S':
			flags |= UPT_TCP_SYN;
			break;
		case 'A':
			flags |= UPT_TCP_ACK;
			break;
		case 'F':
			flags |= UPT_TCP_FIN;
			break;
		case 'R':
			flags |= UPT_TCP_RST;
			break;
		case 'P':
			flags |= UPT_TCP_PSH;
			break;
		case 'U':
			flags |= UPT_TCP_URG;
			break;
		case '+':
			paylen = num(&s);
			break;
		case '@':
			seq_delta = num(&s);
			moved = true;
			break;
		case '^':
			ack_delta = num(&s);
			moved = true;
			break;
		case 'w':
			wscale = num(&s);
			break;
		case 'W':
			win = num(&s);
			break;
		case 'p':
			sack_perm = true;
			break;
		case 's':
			sack = num(&s);
			break;
		case 'K':
			seq_zero = true;
			moved = true;
			break;
		case 'X':
			badsum = true;
			break;
		case 'T':
			c->now += (uint64_t)num(&s) * SEC;
			break;
		case 'N':
			c->isn[dir] += 7000000;
			c->nxt[dir] = c->isn[dir];
			c->syn_sent[dir] = false;
			break;
		default:
			return false;
		}
	}

	seq = ((flags & UPT_TCP_SYN) && c->syn_sent[dir]) ? c->isn[dir] : c->nxt[dir];
	ack = (flags & UPT_TCP_ACK) ? c->nxt[!dir] : 0;
	if (!moved) {
		uint32_t end =
		    seq + (uint32_t)paylen + !!(flags & UPT_TCP_SYN) + !!(flags & UPT_TCP_FIN);

		if ((int32_t)(end - c->nxt[dir]) > 0)
			c->nxt[dir] = end;
		if (flags & UPT_TCP_SYN)
			c->syn_sent[dir] = true;
	}
	seq += (uint32_t)seq_delta;
	ack += (uint32_t)ack_delta;
	if (seq_zero)
		seq = 0;

	if (dir == 0)
		frame_init(&f, UPT_IPPROTO_TCP, "10.0.0.1", 40000, "10.0.0.2", 80);
	else
		frame_init(&f, UPT_IPPROTO_TCP, "10.0.0.2", 80, "10.0.0.1", 40000);
	f.tcp_flags = flags;
	f.seq = seq;
	f.ack = ack;
	f.win = (uint16_t)win;
	if (wscale >= 0) {
		f.has_wscale = true;
		f.wscale = (uint8_t)wscale;
	}
	f.sack_perm = sack_perm;
	f.payload = payload;
	f.payload_len = (size_t)paylen;
	if (sack >= 0) {
		/* NOP NOP SACK(10) left right: built as payload, then the data
		 * offset is moved over it and the checksum recomputed. */
		uint32_t right = ack + (uint32_t)sack, left = ack + 1;
		uint8_t opt[12] = {1,
				   1,
				   5,
				   10,
				   (uint8_t)(left >> 24),
				   (uint8_t)(left >> 16),
				   (uint8_t)(left >> 8),
				   (uint8_t)left,
				   (uint8_t)(right >> 24),
				   (uint8_t)(right >> 16),
				   (uint8_t)(right >> 8),
				   (uint8_t)right};

		if (paylen || (flags & UPT_TCP_SYN))
			return false;
		f.payload = opt;
		f.payload_len = sizeof(opt);
		tpkt_build(&p, &f);
		p.buf[14 + 20 + 12] = (20 + 12) / 4 << 4;
		p.parse_rc = upt_pkt_parse_eth(&p.d, p.buf, (uint32_t)p.len);
		if (p.parse_rc == 0)
			upt_pkt_fill_l4_csum(&p.d);
	} else {
		tpkt_build(&p, &f);
	}
	if (p.parse_rc != 0)
		return false;
	if (badsum)
		p.buf[14 + 20 + 16] ^= 0x55; /* TCP checksum field */
	c->last = ct_run(c->t, &p, c->now);
	c->steps++;
	return true;
}

static bool conv_run(struct conv *c, const char *script)
{
	const char *s = script;

	while (*s) {
		size_t n = strcspn(s, " ");

		if (n && !conv_step(c, s, n))
			return false;
		s += n;
		s += strspn(s, " ");
	}
	return true;
}

static struct upt_ct *client_entry(struct conv *c)
{
	struct upt_tuple tu = {
	    .src = frame_addr("10.0.0.1"),
	    .dst = frame_addr("10.0.0.2"),
	    .sport = 40000,
	    .dport = 80,
	    .proto = UPT_IPPROTO_TCP,
	};

	return upt_ct_find(c->t, &tu, NULL);
}

#define GONE (-1)
#define ANY  (-2)

static const struct row {
	const char *name;
	const char *script;
	int state;  /* GONE: no entry afterwards */
	int ctinfo; /* of the last packet */
	int assured;
	int timeout; /* seconds left right after the last packet; ANY: not checked */
} rows[] = {
    /* Handshake (the kernel shows 431999: a jiffy passed before it printed). */
    {"syn creates SYN_SENT", "o:S", UPT_TCP_SYN_SENT, UPT_CTINFO_NEW, 0, 120},
    {"synack moves to SYN_RECV", "o:S r:SA", UPT_TCP_SYN_RECV, UPT_CTINFO_ESTABLISHED_REPLY, 0, 60},
    {"third ack establishes and assures", "o:S r:SA o:A", UPT_TCP_ESTABLISHED,
     UPT_CTINFO_ESTABLISHED, 1, 432000},
    {"syn retransmit stays SYN_SENT, no refresh", "o:S o:ST50", UPT_TCP_SYN_SENT, UPT_CTINFO_NEW, 0,
     70},
    {"synack retransmit ignored in SYN_RECV", "o:S r:SA r:SA", UPT_TCP_SYN_RECV,
     UPT_CTINFO_ESTABLISHED_REPLY, 0, 60},
    {"reply ack in SYN_SENT ignored", "o:S r:A", UPT_TCP_SYN_SENT, UPT_CTINFO_ESTABLISHED_REPLY, 0,
     120},
    {"orig ack in SYN_SENT invalid", "o:S o:A", UPT_TCP_SYN_SENT, UPT_CTINFO_INVALID, 0, 120},
    {"orig synack in SYN_SENT invalid", "o:S o:SA", UPT_TCP_SYN_SENT, UPT_CTINFO_INVALID, 0, 120},
    {"fin in SYN_SENT invalid", "o:S o:FA", UPT_TCP_SYN_SENT, UPT_CTINFO_INVALID, 0, 120},
    /* Data and unacknowledged data. */
    {"unacked data clamps timeout to 300", "o:S r:SA o:A o:PA+100", UPT_TCP_ESTABLISHED,
     UPT_CTINFO_ESTABLISHED, 1, 300},
    {"acked data restores 432000", "o:S r:SA o:A o:PA+100 r:A", UPT_TCP_ESTABLISHED,
     UPT_CTINFO_ESTABLISHED_REPLY, 1, 432000},
    {"syn in ESTABLISHED ignored", "o:S r:SA o:A o:S", UPT_TCP_ESTABLISHED, UPT_CTINFO_ESTABLISHED,
     1, 432000},
    /* Close initiated by the client. */
    {"client fin: FIN_WAIT", "o:S r:SA o:A o:FA", UPT_TCP_FIN_WAIT, UPT_CTINFO_ESTABLISHED, 1, 120},
    {"ack of fin: CLOSE_WAIT", "o:S r:SA o:A o:FA r:A", UPT_TCP_CLOSE_WAIT,
     UPT_CTINFO_ESTABLISHED_REPLY, 1, 60},
    {"second fin: LAST_ACK", "o:S r:SA o:A o:FA r:A r:FA", UPT_TCP_LAST_ACK,
     UPT_CTINFO_ESTABLISHED_REPLY, 1, 30},
    {"last ack: TIME_WAIT", "o:S r:SA o:A o:FA r:A r:FA o:A", UPT_TCP_TIME_WAIT,
     UPT_CTINFO_ESTABLISHED, 1, 120},
    {"fin+ack together: LAST_ACK", "o:S r:SA o:A o:FA r:FA", UPT_TCP_LAST_ACK,
     UPT_CTINFO_ESTABLISHED_REPLY, 1, 30},
    /* Close initiated by the server. */
    {"server fin: FIN_WAIT", "o:S r:SA o:A r:FA", UPT_TCP_FIN_WAIT, UPT_CTINFO_ESTABLISHED_REPLY, 1,
     120},
    {"server close to TIME_WAIT", "o:S r:SA o:A r:FA o:A o:FA r:A", UPT_TCP_TIME_WAIT,
     UPT_CTINFO_ESTABLISHED_REPLY, 1, 120},
    /* Resets. */
    {"rst in ESTABLISHED: CLOSE 10s", "o:S r:SA o:A o:R", UPT_TCP_CLOSE, UPT_CTINFO_ESTABLISHED, 1,
     10},
    {"server rst at exact seq: CLOSE", "o:S r:SA o:A r:R", UPT_TCP_CLOSE,
     UPT_CTINFO_ESTABLISHED_REPLY, 1, 10},
    {"rst below acked seq invalid", "o:S r:SA o:A r:R@-10", UPT_TCP_ESTABLISHED, UPT_CTINFO_INVALID,
     1, 432000},
    {"in-window inexact rst keeps state, timeout 10", "o:S r:SA o:A r:R@+10", UPT_TCP_ESTABLISHED,
     UPT_CTINFO_ESTABLISHED_REPLY, 1, 10},
    {"rst answering syn deletes the entry", "o:S r:RAK", GONE, UPT_CTINFO_ESTABLISHED_REPLY, 0,
     ANY},
    /* Simultaneous open. */
    {"simultaneous syn: SYN_SENT2", "o:S r:S", UPT_TCP_SYN_SENT2, UPT_CTINFO_ESTABLISHED_REPLY, 0,
     120},
    {"synack to SYN_SENT2: SYN_RECV", "o:S r:S o:SA", UPT_TCP_SYN_RECV, UPT_CTINFO_ESTABLISHED, 0,
     60},
    {"reply ack completes simultaneous open", "o:S r:S o:SA r:A", UPT_TCP_ESTABLISHED,
     UPT_CTINFO_ESTABLISHED_REPLY, 1, 432000},
    /* Reopening. */
    {"syn in TIME_WAIT reopens as a new entry", "o:S r:SA o:A o:FA r:A r:FA o:A o:SN",
     UPT_TCP_SYN_SENT, UPT_CTINFO_NEW, 0, 120},
    {"syn after rst (CLOSE) reopens", "o:S r:SA o:A o:R o:SN", UPT_TCP_SYN_SENT, UPT_CTINFO_NEW, 0,
     120},
    /* Mid-stream pickup (nf_conntrack_tcp_loose = 1). */
    {"ack picks up ESTABLISHED, 300s", "o:A", UPT_TCP_ESTABLISHED, UPT_CTINFO_NEW, 0, 300},
    {"picked up: first reply not yet assured", "o:A r:A", UPT_TCP_ESTABLISHED,
     UPT_CTINFO_ESTABLISHED_REPLY, 0, 300},
    {"picked up: assured after a reply", "o:A r:A o:A", UPT_TCP_ESTABLISHED, UPT_CTINFO_ESTABLISHED,
     1, 432000},
    /* Packets that cannot create an entry. */
    {"synack creates nothing", "o:SA", GONE, UPT_CTINFO_INVALID, 0, ANY},
    {"fin+ack creates nothing", "o:FA", GONE, UPT_CTINFO_INVALID, 0, ANY},
    {"rst creates nothing", "o:R", GONE, UPT_CTINFO_INVALID, 0, ANY},
    {"bare fin is an invalid flag combination", "o:F", GONE, UPT_CTINFO_INVALID, 0, ANY},
    {"no flags invalid", "o:", GONE, UPT_CTINFO_INVALID, 0, ANY},
    {"syn+fin invalid", "o:SF", GONE, UPT_CTINFO_INVALID, 0, ANY},
    {"syn+rst invalid", "o:SR", GONE, UPT_CTINFO_INVALID, 0, ANY},
    {"bad checksum at PREROUTING invalid", "o:SX", GONE, UPT_CTINFO_INVALID, 0, ANY},
    {"psh/ecn bits do not matter", "o:SP", UPT_TCP_SYN_SENT, UPT_CTINFO_NEW, 0, 120},
    /* Window tracking. */
    {"seq beyond the window invalid", "o:S r:SA o:A o:PA+10@+200000", UPT_TCP_ESTABLISHED,
     UPT_CTINFO_INVALID, 1, 432000},
    {"ack of unseen data invalid", "o:S r:SA o:A o:A^+5000", UPT_TCP_ESTABLISHED,
     UPT_CTINFO_INVALID, 1, 432000},
    {"old retransmission ignored, not invalid", "o:S r:SA o:A o:PA+10@-200000", UPT_TCP_ESTABLISHED,
     UPT_CTINFO_ESTABLISHED, 1, 432000},
    {"window scale used when both sides offer it", "o:Sw7 r:SAw7W1000 o:A r:AW1000 o:PA+10@+100000",
     UPT_TCP_ESTABLISHED, UPT_CTINFO_ESTABLISHED, 1, ANY},
    {"window scale off when only one side offers it",
     "o:Sw7 r:SAW1000 o:A r:AW1000 o:PA+10@+100000", UPT_TCP_ESTABLISHED, UPT_CTINFO_INVALID, 1,
     ANY},
    {"picked-up connections are tracked liberally", "o:A r:A o:PA+10@+900000", UPT_TCP_ESTABLISHED,
     UPT_CTINFO_ESTABLISHED, 1, ANY},
    {"sack beyond sent data invalid when sack permitted", "o:Sp r:SAp o:A r:As1000",
     UPT_TCP_ESTABLISHED, UPT_CTINFO_INVALID, 1, 432000},
    {"sack ignored unless the receiver permitted it", "o:S r:SA o:A r:As1000", UPT_TCP_ESTABLISHED,
     UPT_CTINFO_ESTABLISHED_REPLY, 1, 432000},
    /* Shorter timeouts: retransmissions and a zero window. */
    {"two identical acks: still 432000", "o:S r:SA o:A o:A o:A", UPT_TCP_ESTABLISHED,
     UPT_CTINFO_ESTABLISHED, 1, 432000},
    {"three retransmitted acks clamp to 300", "o:S r:SA o:A o:A o:A o:A", UPT_TCP_ESTABLISHED,
     UPT_CTINFO_ESTABLISHED, 1, 300},
    {"zero window clamps to 300", "o:S r:SA o:A r:AW0", UPT_TCP_ESTABLISHED,
     UPT_CTINFO_ESTABLISHED_REPLY, 1, 300},
};

TEST(tcp_rows_follow_the_kernel)
{
	for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct upt_ct_table *t = ct_new_table(64);
		struct conv c;
		struct upt_ct *ct;

		conv_init(&c, t);
		CHECK_MSG(conv_run(&c, r->script), "%s: bad script", r->name);
		CHECK_MSG(c.last.ctinfo == r->ctinfo, "%s: ctinfo %s, want %s", r->name,
			  upt_ctinfo_str(c.last.ctinfo), upt_ctinfo_str((unsigned)r->ctinfo));
		ct = client_entry(&c);
		if (r->state == GONE) {
			CHECK_MSG(ct == NULL, "%s: entry left behind", r->name);
		} else if (!ct) {
			CHECK_MSG(0, "%s: no entry", r->name);
		} else {
			CHECK_MSG(ct->proto.tcp.state == r->state, "%s: state %s, want %s", r->name,
				  upt_tcp_state_name(ct->proto.tcp.state),
				  upt_tcp_state_name((unsigned)r->state));
			CHECK_MSG(!!(ct->status & UPT_IPS_ASSURED) == r->assured, "%s: assured %d",
				  r->name, !!(ct->status & UPT_IPS_ASSURED));
			if (r->timeout != ANY)
				CHECK_MSG(upt_ct_timeout_left(ct, c.now) == (uint32_t)r->timeout,
					  "%s: timeout %u, want %d", r->name,
					  upt_ct_timeout_left(ct, c.now), r->timeout);
		}
		/* No row leaks pool entries: at most the one connection is live. */
		CHECK_MSG(upt_ct_count(t) <= 2, "%s: %u entries", r->name, upt_ct_count(t));
		upt_ct_table_destroy(t);
	}
}

TEST(tcp_reopen_replaces_the_old_entry)
{
	struct upt_ct_table *t = ct_new_table(64);
	struct conv c;
	struct upt_ct *ct;
	uint32_t old_id;

	conv_init(&c, t);
	CHECK(conv_run(&c, "o:S r:SA o:A o:FA r:A r:FA o:A"));
	ct = client_entry(&c);
	CHECK(ct != NULL);
	old_id = ct ? ct->id : 0;
	CHECK(conv_run(&c, "o:SN"));
	CHECK(c.last.is_new);
	ct = client_entry(&c);
	CHECK(ct != NULL && ct->id != old_id);
	/* The old entry is gone once reaped: exactly one live entry. */
	upt_ct_expire(t, c.now, 64);
	CHECK_EQ(upt_ct_count(t), 1);
	upt_ct_table_destroy(t);
}

TEST(tcp_timeouts_table_matches_kernel_defaults)
{
	static const uint32_t want[UPT_TCP_STATE__COUNT] = {
	    120, 120, 60, 432000, 120, 60, 30, 120, 10, 120,
	};

	for (unsigned s = 0; s < UPT_TCP_STATE__COUNT; s++)
		CHECK_EQ(upt_tcp_timeouts[s], want[s]);
	CHECK_STR(upt_tcp_state_name(UPT_TCP_SYN_SENT2), "SYN_SENT2");
	CHECK_STR(upt_tcp_state_name(UPT_TCP_CLOSE_WAIT), "CLOSE_WAIT");
}

TEST(tcp_local_out_skips_checksum)
{
	struct upt_ct_table *t = ct_new_table(8);
	struct frame f;
	struct tpkt p;
	struct upt_ct_result r;

	frame_init(&f, UPT_IPPROTO_TCP, "10.0.0.1", 40000, "10.0.0.2", 80);
	f.tcp_flags = UPT_TCP_SYN;
	tpkt_build(&p, &f);
	p.buf[14 + 20 + 16] ^= 0x55;
	upt_ct_in(t, &p.d, UPT_HOOK_LOCAL_OUT, 0, SEC, &r);
	CHECK_EQ(r.ctinfo, UPT_CTINFO_NEW);
	CHECK(r.is_new);
	if (r.ct)
		upt_ct_abort(t, r.ct);
	CHECK_EQ(upt_ct_count(t), 0);
	upt_ct_table_destroy(t);
}

TEST(tcp_truncated_header_is_invalid)
{
	struct upt_ct_table *t = ct_new_table(8);
	struct frame f;
	struct tpkt p;
	struct upt_ct_result r;

	frame_init(&f, UPT_IPPROTO_TCP, "10.0.0.1", 40000, "10.0.0.2", 80);
	f.tcp_flags = UPT_TCP_SYN;
	tpkt_build(&p, &f);
	/* Data offset 15 words: beyond the 20-byte segment. */
	p.buf[14 + 20 + 12] = 0xf0;
	upt_pkt_parse_eth(&p.d, p.buf, (uint32_t)p.len);
	upt_ct_in(t, &p.d, UPT_HOOK_LOCAL_OUT, 0, SEC, &r);
	CHECK_EQ(r.ctinfo, UPT_CTINFO_INVALID);
	CHECK(r.ct == NULL);
	CHECK_EQ(upt_ct_count(t), 0);
	CHECK_EQ(upt_ct_get_stats(t)->invalid, 1);
	upt_ct_table_destroy(t);
}

/* Rows under non-default sysctls (also replayed by tests/kernel/ct_tcp_rows.sh). */
TEST(tcp_sysctls_change_the_verdicts)
{
	static const struct {
		const char *name, *value, *script;
		uint8_t ctinfo;
		int state;
		int timeout;
	} srows[] = {
	    {"nf_conntrack_tcp_loose", "0", "o:A", UPT_CTINFO_INVALID, GONE, ANY},
	    {"nf_conntrack_checksum", "0", "o:SX", UPT_CTINFO_NEW, UPT_TCP_SYN_SENT, 120},
	    {"net.netfilter.nf_conntrack_tcp_be_liberal", "1", "o:S r:SA o:A o:PA+10@+200000",
	     UPT_CTINFO_ESTABLISHED, UPT_TCP_ESTABLISHED, ANY},
	    /* Not INVALID any more, but an inexact RST only shortens the timeout. */
	    {"nf_conntrack_tcp_ignore_invalid_rst", "1", "o:S r:SA o:A r:R@-10",
	     UPT_CTINFO_ESTABLISHED_REPLY, UPT_TCP_ESTABLISHED, 10},
	    {"nf_conntrack_tcp_timeout_established", "100", "o:S r:SA o:A", UPT_CTINFO_ESTABLISHED,
	     UPT_TCP_ESTABLISHED, 100},
	    {"nf_conntrack_tcp_timeout_syn_sent", "5", "o:S", UPT_CTINFO_NEW, UPT_TCP_SYN_SENT, 5},
	    {"nf_conntrack_tcp_timeout_unacknowledged", "77", "o:S r:SA o:A o:PA+100",
	     UPT_CTINFO_ESTABLISHED, UPT_TCP_ESTABLISHED, 77},
	    {"nf_conntrack_tcp_max_retrans", "1", "o:S r:SA o:A o:A", UPT_CTINFO_ESTABLISHED,
	     UPT_TCP_ESTABLISHED, 300},
	};

	for (unsigned i = 0; i < sizeof(srows) / sizeof(srows[0]); i++) {
		struct upt_ct_table *t = ct_new_table(16);
		struct conv c;
		struct upt_ct *ct;

		CHECK_EQ(upt_ct_sysctl_set_str(t, srows[i].name, srows[i].value), 0);
		conv_init(&c, t);
		CHECK(conv_run(&c, srows[i].script));
		CHECK_MSG(c.last.ctinfo == srows[i].ctinfo, "%s=%s: ctinfo %s", srows[i].name,
			  srows[i].value, upt_ctinfo_str(c.last.ctinfo));
		ct = client_entry(&c);
		if (srows[i].state == GONE) {
			CHECK(ct == NULL);
		} else if (ct) {
			CHECK_EQ(ct->proto.tcp.state, srows[i].state);
			if (srows[i].timeout != ANY)
				CHECK_MSG(upt_ct_timeout_left(ct, c.now) ==
					      (uint32_t)srows[i].timeout,
					  "%s=%s: timeout %u", srows[i].name, srows[i].value,
					  upt_ct_timeout_left(ct, c.now));
		} else {
			CHECK_MSG(0, "%s=%s: no entry", srows[i].name, srows[i].value);
		}
		upt_ct_table_destroy(t);
	}
}

TEST(sysctl_names_and_values)
{
	struct upt_ct_table *t = ct_new_table(16);
	char buf[32];

	CHECK_EQ(upt_ct_sysctl_get_str(t, "net.netfilter.nf_conntrack_tcp_timeout_established", buf,
				       sizeof(buf)),
		 0);
	CHECK_STR(buf, "432000");
	CHECK_EQ(upt_ct_sysctl_get_str(t, "nf_conntrack_tcp_loose", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "1");
	CHECK_EQ(upt_ct_sysctl_get_str(t, "nf_conntrack_max", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "16");
	CHECK_EQ(upt_ct_sysctl_set_str(t, "nf_conntrack_tcp_loose", "2"), -EINVAL);
	CHECK_EQ(upt_ct_sysctl_set_str(t, "nf_conntrack_tcp_loose", "x"), -EINVAL);
	CHECK_EQ(upt_ct_sysctl_set_str(t, "nf_conntrack_tcp_loose", ""), -EINVAL);
	CHECK_EQ(upt_ct_sysctl_set_str(t, "nf_conntrack_udp_timeout", "0"), -EINVAL);
	CHECK_EQ(upt_ct_sysctl_set_str(t, "nf_conntrack_udp_timeout", "-5"), -EINVAL);
	CHECK_EQ(upt_ct_sysctl_set_str(t, "nf_conntrack_udp_timeout", "9999999999"), -EINVAL);
	CHECK_EQ(upt_ct_sysctl_set_str(t, "nf_conntrack_tcp_max_retrans", "256"), -EINVAL);
	CHECK_EQ(upt_ct_sysctl_set_str(t, "nf_conntrack_max", "17"), -EINVAL);
	CHECK_EQ(upt_ct_sysctl_set_str(t, "nf_conntrack_max", "16"), 0);
	CHECK_EQ(upt_ct_sysctl_set_str(t, "nf_conntrack_timestamp", "1"), -ENOENT);
	CHECK_EQ(upt_ct_sysctl_set_str(t, "net.ipv4.ip_forward", "1"), -ENOENT);
	CHECK_EQ(upt_ct_sysctl_set_str(t, "nf_conntrack_udp_timeout", "45"), 0);
	CHECK_EQ(upt_ct_sysctl_get_str(t, "nf_conntrack_udp_timeout", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "45");
	/* A rejected value changes nothing. */
	CHECK_EQ(upt_ct_sysctl_get_str(t, "nf_conntrack_tcp_loose", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "1");
	upt_ct_table_destroy(t);
}

int main(void)
{
	RUN(tcp_rows_follow_the_kernel);
	RUN(tcp_reopen_replaces_the_old_entry);
	RUN(tcp_timeouts_table_matches_kernel_defaults);
	RUN(tcp_local_out_skips_checksum);
	RUN(tcp_truncated_header_is_invalid);
	RUN(tcp_sysctls_change_the_verdicts);
	RUN(sysctl_names_and_values);
	return check_report("test_ct_tcp");
}
