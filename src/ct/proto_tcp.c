// SPDX-License-Identifier: GPL-2.0
/*
 * TCP connection tracking: the kernel's state machine
 * (nf_conntrack_proto_tcp.c) and its window tracking.
 *
 * Theory of operation:
 *   - A packet is first checked on its own (tcp_error): complete header,
 *     checksum at PREROUTING, a legal flag combination.  Failing any of
 *     these makes it INVALID and creates nothing.
 *   - On a new entry, tcp_new decides whether the packet may create one:
 *     a SYN always; a bare ACK too, because nf_conntrack_tcp_loose=1 (the
 *     kernel default) picks up connections mid-stream.  Such a picked-up
 *     entry starts ESTABLISHED with liberal window checking (we missed the
 *     window scale options) and is not ASSURED until traffic has been seen
 *     both ways.
 *   - The packet's flags select a row (syn, synack, fin, ack, rst, none) of
 *     the transition table, its direction the half, the entry's state the
 *     column.  sIV means INVALID; sIG means "we may be out of sync with the
 *     endpoints: let the packet through, do not change state, remember it".
 *   - Then the segment must fall into the window each side advertised
 *     (tcp_in_window, after Guido van Rooij's "Real Stateful TCP Packet
 *     Filtering in IP Filter"); out of window is INVALID, or ignored for
 *     retransmissions of data already acknowledged.
 *   - The new state picks the timeout, shortened while data is unacked or
 *     after repeated retransmissions.  ASSURED is set when an ACK moves the
 *     entry from SYN_RECV to ESTABLISHED (or ESTABLISHED stays ESTABLISHED)
 *     after a reply was seen: the handshake (or a picked-up conversation)
 *     completed.
 *
 * Transitions (ORIGINAL direction / REPLY direction), states in the order
 * NONE SYN_SENT SYN_RECV ESTABLISHED FIN_WAIT CLOSE_WAIT LAST_ACK TIME_WAIT
 * CLOSE SYN_SENT2:
 *   syn     orig: SS SS IG IG IG IG IG SS SS S2   reply: IV S2 IV IV IV IV IV SS IV S2
 *   synack  orig: IV IV SR IV IV IV IV IV IV SR   reply: IV SR IG IG IG IG IG IG IG SR
 *   fin     both: IV IV FW FW LA LA LA TW CL IV
 *   ack     orig: ES IV ES ES CW CW TW TW CL IV   reply: IV IG SR ES CW CW TW TW CL IG
 *   rst     both: IV CL CL CL CL CL CL CL CL CL
 *   none    both: all IV
 * plus the special cases the table cannot express: reopening from
 * TIME_WAIT/CLOSE (SYN_SENT reached from there kills the entry and the
 * packet is looked up again), simultaneous open (SYN_SENT2, then the reply's
 * ACK in SYN_RECV completes it), an RFC 5961 challenge ACK in LAST_ACK, and
 * RST acceptance rules in CLOSE.
 */
#include <string.h>

#include "ct/ct.h"
#include "ct/ct_int.h"
#include "pkt/pkt.h"
#include "uptables/uptables.h"

/* clang-format off */
const uint32_t upt_tcp_timeouts[UPT_TCP_STATE__COUNT] = {
	[UPT_TCP_NONE] = 120, /* unused by the kernel; set like SYN_SENT ("new") */
	[UPT_TCP_SYN_SENT] = 120,
	[UPT_TCP_SYN_RECV] = 60,
	[UPT_TCP_ESTABLISHED] = 432000,
	[UPT_TCP_FIN_WAIT] = 120,
	[UPT_TCP_CLOSE_WAIT] = 60,
	[UPT_TCP_LAST_ACK] = 30,
	[UPT_TCP_TIME_WAIT] = 120,
	[UPT_TCP_CLOSE] = 10,
	[UPT_TCP_SYN_SENT2] = 120,
};

static const char *const tcp_state_names[UPT_TCP_STATE__COUNT] = {
	"NONE",      "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT",
	"CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE",      "SYN_SENT2",
};
/* clang-format on */

const char *upt_tcp_state_name(unsigned state)
{
	return state < UPT_TCP_STATE__COUNT ? tcp_state_names[state] : "UNKNOWN";
}

/* Row of the table: which of SYN/SYNACK/FIN/ACK/RST/none the packet is. */
enum tcp_index { TCP_SYN_SET, TCP_SYNACK_SET, TCP_FIN_SET, TCP_ACK_SET, TCP_RST_SET, TCP_NONE_SET };

#define sNO UPT_TCP_NONE
#define sSS UPT_TCP_SYN_SENT
#define sSR UPT_TCP_SYN_RECV
#define sES UPT_TCP_ESTABLISHED
#define sFW UPT_TCP_FIN_WAIT
#define sCW UPT_TCP_CLOSE_WAIT
#define sLA UPT_TCP_LAST_ACK
#define sTW UPT_TCP_TIME_WAIT
#define sCL UPT_TCP_CLOSE
#define sS2 UPT_TCP_SYN_SENT2
#define sIV UPT_TCP_STATE__COUNT       /* invalid */
#define sIG (UPT_TCP_STATE__COUNT + 1) /* ignore */

/* clang-format off */
static const uint8_t tcp_conntracks[2][6][UPT_TCP_STATE__COUNT] = {
	{
		/* ORIGINAL   sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2 */
		/* syn    */ {sSS, sSS, sIG, sIG, sIG, sIG, sIG, sSS, sSS, sS2},
		/* synack */ {sIV, sIV, sSR, sIV, sIV, sIV, sIV, sIV, sIV, sSR},
		/* fin    */ {sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV},
		/* ack    */ {sES, sIV, sES, sES, sCW, sCW, sTW, sTW, sCL, sIV},
		/* rst    */ {sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL},
		/* none   */ {sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV},
	},
	{
		/* REPLY      sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2 */
		/* syn    */ {sIV, sS2, sIV, sIV, sIV, sIV, sIV, sSS, sIV, sS2},
		/* synack */ {sIV, sSR, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR},
		/* fin    */ {sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV},
		/* ack    */ {sIV, sIG, sSR, sES, sCW, sCW, sTW, sTW, sCL, sIG},
		/* rst    */ {sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL},
		/* none   */ {sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV},
	},
};
/* clang-format on */

enum tcp_action { TCP_IGNORE, TCP_INVALID, TCP_ACCEPT };

/* TCP option kinds and lengths (RFC 9293, 7323, 2018). */
#define TCPOPT_EOL	      0
#define TCPOPT_NOP	      1
#define TCPOPT_WINDOW	      3
#define TCPOPT_SACK_PERM      4
#define TCPOPT_SACK	      5
#define TCPOLEN_WINDOW	      3
#define TCPOLEN_SACK_PERM     2
#define TCPOLEN_SACK_BASE     2
#define TCPOLEN_SACK_PERBLOCK 8
#define TCP_MAX_WSCALE	      14
#define TCP_HDR_MIN	      20

/* Window of acks accepted below the receiver's end (the kernel's MAXACKWINDOW). */
#define MAXACKWINCONST 66000

static inline bool seq_before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static inline bool seq_after(uint32_t a, uint32_t b)
{
	return seq_before(b, a);
}

static inline uint32_t maxackwindow(const struct upt_ct_tcp_dir *sender)
{
	return sender->td_maxwin > MAXACKWINCONST ? sender->td_maxwin : MAXACKWINCONST;
}

static unsigned tcp_index(uint8_t flags)
{
	if (flags & UPT_TCP_RST)
		return TCP_RST_SET;
	if (flags & UPT_TCP_SYN)
		return (flags & UPT_TCP_ACK) ? TCP_SYNACK_SET : TCP_SYN_SET;
	if (flags & UPT_TCP_FIN)
		return TCP_FIN_SET;
	if (flags & UPT_TCP_ACK)
		return TCP_ACK_SET;
	return TCP_NONE_SET;
}

/* seq + payload length, SYN and FIN counting one each. */
static uint32_t seg_end(const struct upt_pdesc *d)
{
	uint32_t len = (uint32_t)d->l4_len - d->tcp_doff;

	return d->tcp_seq + len + ((d->tcp_flags & UPT_TCP_SYN) ? 1 : 0) +
	       ((d->tcp_flags & UPT_TCP_FIN) ? 1 : 0);
}

/*
 * Walk the options between the fixed header and doff.  `fn` sees each
 * complete option (kind, length, offset of its data); it returns true to
 * stop.  Malformed or partial options end the walk, as in the kernel.
 */
static void tcp_walk_options(const struct upt_pdesc *d,
			     bool (*fn)(const struct upt_pdesc *d, uint8_t kind, uint8_t len,
					uint32_t data_off, void *arg),
			     void *arg)
{
	uint32_t off = (uint32_t)d->l4_off + TCP_HDR_MIN;
	int length = (int)d->tcp_doff - TCP_HDR_MIN;

	while (length > 0) {
		uint8_t kind, size;

		if (!upt_pkt_load8(d, off, &kind))
			return;
		if (kind == TCPOPT_EOL)
			return;
		if (kind == TCPOPT_NOP) {
			off++;
			length--;
			continue;
		}
		if (length < 2 || !upt_pkt_load8(d, off + 1, &size))
			return;
		if (size < 2 || size > length)
			return; /* silly or partial option */
		if (fn(d, kind, size, off + 2, arg))
			return;
		off += size;
		length -= size;
	}
}

static bool opt_scale_sack(const struct upt_pdesc *d, uint8_t kind, uint8_t len, uint32_t data_off,
			   void *arg)
{
	struct upt_ct_tcp_dir *state = arg;

	if (kind == TCPOPT_SACK_PERM && len == TCPOLEN_SACK_PERM) {
		state->flags |= UPT_CT_TCP_FLAG_SACK_PERM;
	} else if (kind == TCPOPT_WINDOW && len == TCPOLEN_WINDOW) {
		uint8_t scale;

		if (upt_pkt_load8(d, data_off, &scale)) {
			state->td_scale = scale > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : scale;
			state->flags |= UPT_CT_TCP_FLAG_WINDOW_SCALE;
		}
	}
	return false;
}

/* Window scale and SACK-permitted from a SYN or SYN/ACK. */
static void tcp_options(const struct upt_pdesc *d, struct upt_ct_tcp_dir *state)
{
	if (d->tcp_doff <= TCP_HDR_MIN)
		return;
	state->td_scale = 0;
	state->flags &= UPT_CT_TCP_FLAG_BE_LIBERAL;
	tcp_walk_options(d, opt_scale_sack, state);
}

static bool opt_sack(const struct upt_pdesc *d, uint8_t kind, uint8_t len, uint32_t data_off,
		     void *arg)
{
	uint32_t *sack = arg;

	if (kind != TCPOPT_SACK || len < TCPOLEN_SACK_BASE + TCPOLEN_SACK_PERBLOCK ||
	    (len - TCPOLEN_SACK_BASE) % TCPOLEN_SACK_PERBLOCK)
		return false;
	/* The highest right edge of any block counts as the ack. */
	for (unsigned i = 0; i < (unsigned)(len - TCPOLEN_SACK_BASE); i += TCPOLEN_SACK_PERBLOCK) {
		uint32_t right;

		if (upt_pkt_load32(d, data_off + i + 4, &right) && seq_after(right, *sack))
			*sack = right;
	}
	return true; /* only the first SACK option counts */
}

static void tcp_init_sender(struct upt_ct_tcp_dir *sender, struct upt_ct_tcp_dir *receiver,
			    const struct upt_pdesc *d, uint32_t end, uint32_t win, unsigned dir)
{
	sender->td_end = sender->td_maxend = end;
	sender->td_maxwin = win == 0 ? 1 : win;
	tcp_options(d, sender);
	/* RFC 7323: window scaling is on only if both sides offered it. */
	if (dir == UPT_CT_DIR_REPLY && !((sender->flags & UPT_CT_TCP_FLAG_WINDOW_SCALE) &&
					 (receiver->flags & UPT_CT_TCP_FLAG_WINDOW_SCALE))) {
		sender->td_scale = 0;
		receiver->td_scale = 0;
	}
}

/* Out-of-window verdicts turn into ACCEPT under liberal tracking. */
static enum tcp_action window_fail(const struct upt_ct_tcp_dir *sender, enum tcp_action ret,
				   const struct upt_ct_sysctl *sys)
{
	if ((sender->flags & UPT_CT_TCP_FLAG_BE_LIBERAL) || sys->tcp_be_liberal)
		return TCP_ACCEPT;
	return ret;
}

static enum tcp_action tcp_in_window(struct upt_ct *ct, unsigned dir, unsigned index,
				     const struct upt_pdesc *d, const struct upt_ct_sysctl *sys)
{
	struct upt_ct_tcp *state = &ct->proto.tcp;
	struct upt_ct_tcp_dir *sender = &state->seen[dir];
	struct upt_ct_tcp_dir *receiver = &state->seen[!dir];
	bool has_ack = d->tcp_flags & UPT_TCP_ACK, has_syn = d->tcp_flags & UPT_TCP_SYN;
	uint32_t seq = d->tcp_seq, ack = d->tcp_ack, sack = d->tcp_ack;
	uint32_t win = d->tcp_win, end = seg_end(d), swin;
	uint16_t win_raw = d->tcp_win;
	bool in_recv_win;

	if ((receiver->flags & UPT_CT_TCP_FLAG_SACK_PERM) && d->tcp_doff > TCP_HDR_MIN)
		tcp_walk_options(d, opt_sack, &sack);

	if (sender->td_maxwin == 0) {
		/* First packet seen from this side. */
		if (has_syn) {
			tcp_init_sender(sender, receiver, d, end, win, dir);
			if (!has_ack)
				return TCP_ACCEPT; /* simultaneous open */
		} else {
			/* Mid-stream: all we know comes from this packet. */
			sender->td_end = end;
			swin = win << sender->td_scale;
			sender->td_maxwin = swin == 0 ? 1 : swin;
			sender->td_maxend = end + sender->td_maxwin;
			if (receiver->td_maxwin == 0) {
				/* Nothing seen the other way yet: make the ack checks pass. */
				receiver->td_end = receiver->td_maxend = sack;
			} else if (sack == receiver->td_end + 1) {
				receiver->td_end++; /* likely answers a keepalive */
			}
		}
	} else if (has_syn && seq_after(end, sender->td_end) &&
		   (state->state == UPT_TCP_SYN_SENT || state->state == UPT_TCP_SYN_RECV)) {
		/* RFC 793: a reinitialised TCP may reopen with a higher sequence
		 * number; take the new SYN(/ACK)'s parameters. */
		tcp_init_sender(sender, receiver, d, end, win, dir);
		if (dir == UPT_CT_DIR_REPLY && !has_ack)
			return TCP_ACCEPT;
	}

	if (!has_ack) {
		ack = sack = receiver->td_end; /* no ACK: pretend it acks everything */
	} else if ((d->tcp_flags & (UPT_TCP_ACK | UPT_TCP_RST)) == (UPT_TCP_ACK | UPT_TCP_RST) &&
		   ack == 0) {
		ack = sack = receiver->td_end; /* stacks that send RST+ACK with ack 0 */
	}

	if ((d->tcp_flags & UPT_TCP_RST) && seq == 0 && state->state == UPT_TCP_SYN_SENT)
		seq = end = sender->td_end; /* RST answering a SYN */

	/* I. Upper bound for data: seq <= sender.td_maxend. */
	if (!seq_before(seq, sender->td_maxend + 1)) {
		uint32_t overshot = end - sender->td_maxend + 1;
		bool ack_ok = seq_after(sack, receiver->td_end - maxackwindow(sender) - 1);

		in_recv_win =
		    receiver->td_maxwin && seq_after(end, sender->td_end - receiver->td_maxwin - 1);
		if (in_recv_win && ack_ok && overshot <= receiver->td_maxwin &&
		    seq_before(sack, receiver->td_end + 1)) {
			/* A sender overshooting the receiver's window: ignore the
			 * packet but remember its end, so the peer's ack of it
			 * does not look like acking unseen data later. */
			sender->td_end = end;
			sender->flags |= UPT_CT_TCP_FLAG_DATA_UNACKNOWLEDGED;
			return window_fail(sender, TCP_IGNORE, sys);
		}
		return window_fail(sender, TCP_INVALID, sys);
	}
	/* III. Upper bound for the ack: nothing unseen can be acked. */
	if (!seq_before(sack, receiver->td_end + 1))
		return window_fail(sender, TCP_INVALID, sys);
	/* II. Lower bound for data: old retransmissions are ignored. */
	in_recv_win =
	    !receiver->td_maxwin || seq_after(end, sender->td_end - receiver->td_maxwin - 1);
	if (!in_recv_win)
		return window_fail(sender, TCP_IGNORE, sys);
	/* IV. Lower bound for the ack. */
	if (!seq_after(sack, receiver->td_end - maxackwindow(sender) - 1))
		return window_fail(sender, TCP_IGNORE, sys);

	/* Window scaling does not apply to SYNs (RFC 7323). */
	if (!has_syn)
		win <<= sender->td_scale;

	swin = win + (sack - ack);
	if (sender->td_maxwin < swin)
		sender->td_maxwin = swin;
	if (seq_after(end, sender->td_end)) {
		sender->td_end = end;
		sender->flags |= UPT_CT_TCP_FLAG_DATA_UNACKNOWLEDGED;
	}
	if (has_ack) {
		if (!(sender->flags & UPT_CT_TCP_FLAG_MAXACK_SET)) {
			sender->td_maxack = ack;
			sender->flags |= UPT_CT_TCP_FLAG_MAXACK_SET;
		} else if (seq_after(ack, sender->td_maxack)) {
			sender->td_maxack = ack;
		}
	}

	if (receiver->td_maxwin != 0 && seq_after(end, sender->td_maxend))
		receiver->td_maxwin += end - sender->td_maxend;
	if (seq_after(sack + win, receiver->td_maxend - 1)) {
		receiver->td_maxend = sack + win;
		if (win == 0)
			receiver->td_maxend++;
	}
	if (ack == receiver->td_end)
		receiver->flags &= ~UPT_CT_TCP_FLAG_DATA_UNACKNOWLEDGED;

	/* Count retransmissions of the same pure ACK segment. */
	if (index == TCP_ACK_SET) {
		if (state->last_dir == dir && state->last_seq == seq && state->last_ack == ack &&
		    state->last_end == end && state->last_win == win_raw) {
			state->retrans++; /* 8 bits, wraps as the kernel's does */
		} else {
			state->last_dir = (uint8_t)dir;
			state->last_seq = seq;
			state->last_ack = ack;
			state->last_end = end;
			state->last_win = win_raw;
			state->retrans = 0;
		}
	}
	return TCP_ACCEPT;
}

/*
 * An ASSURED entry whose FIN/RST in one direction was answered by an
 * out-of-window FIN/RST from the other: shorten a long timeout to the
 * unacked one, so a connection conntrack lost sync with does not linger
 * for days.
 */
static void tcp_handle_invalid(struct upt_ct *ct, unsigned dir, unsigned index, uint64_t now,
			       const struct upt_ct_sysctl *sys)
{
	struct upt_ct_tcp *tcp = &ct->proto.tcp;

	if (!(ct->status & UPT_IPS_ASSURED) || (ct->status & UPT_IPS_FIXED_TIMEOUT))
		return;
	if (index != TCP_RST_SET && index != TCP_FIN_SET)
		return;
	if (tcp->last_dir != dir &&
	    (tcp->last_index == TCP_FIN_SET || tcp->last_index == TCP_RST_SET)) {
		uint32_t left = upt_ct_timeout_left(ct, now);

		if (left < 120)
			return;
		if (left > sys->tcp_timeout_unacknowledged)
			upt_ct_refresh(ct, now, sys->tcp_timeout_unacknowledged);
	} else {
		tcp->last_index = (uint8_t)index;
		tcp->last_dir = (uint8_t)dir;
	}
}

/* Legal flag combinations, PSH/ECE/CWR masked off (FIN|SYN|RST|ACK|URG). */
static bool tcp_flags_valid(uint8_t flags)
{
	switch (flags & (uint8_t) ~(UPT_TCP_PSH | UPT_TCP_ECE | UPT_TCP_CWR)) {
	case UPT_TCP_SYN:
	case UPT_TCP_SYN | UPT_TCP_URG:
	case UPT_TCP_SYN | UPT_TCP_ACK:
	case UPT_TCP_RST:
	case UPT_TCP_RST | UPT_TCP_ACK:
	case UPT_TCP_FIN | UPT_TCP_ACK:
	case UPT_TCP_FIN | UPT_TCP_ACK | UPT_TCP_URG:
	case UPT_TCP_ACK:
	case UPT_TCP_ACK | UPT_TCP_URG:
		return true;
	default:
		return false;
	}
}

/* The kernel's tcp_error: true when the packet is broken on its own. */
static bool tcp_error(const struct upt_ct_pkt *p)
{
	const struct upt_pdesc *d = p->d;

	if (!d->l4_ok || d->tcp_doff < TCP_HDR_MIN || d->l4_len < d->tcp_doff)
		return true;
	/* Checksums are checked only on input; locally generated ones are trusted. */
	if (p->sys->checksum && p->hook == UPT_HOOK_PRE_ROUTING && !upt_pkt_l4_csum_ok(d))
		return true;
	return !tcp_flags_valid(d->tcp_flags);
}

/* May this packet create an entry?  Initialises the tracking state. */
static bool tcp_new(struct upt_ct *ct, const struct upt_pdesc *d, const struct upt_ct_sysctl *sys)
{
	unsigned index = tcp_index(d->tcp_flags);
	unsigned new_state = tcp_conntracks[0][index][UPT_TCP_NONE];
	struct upt_ct_tcp *tcp = &ct->proto.tcp;

	if (new_state >= UPT_TCP_STATE__COUNT)
		return false;
	if (new_state != UPT_TCP_SYN_SENT && !sys->tcp_loose)
		return false;

	memset(tcp, 0, sizeof(*tcp));
	tcp->seen[0].td_end = seg_end(d);
	tcp->seen[0].td_maxwin = d->tcp_win ? d->tcp_win : 1;
	if (new_state == UPT_TCP_SYN_SENT) {
		tcp->seen[0].td_maxend = tcp->seen[0].td_end;
		tcp_options(d, &tcp->seen[0]);
	} else {
		/* Picked up mid-stream: the window scale is unknown, so assume
		 * SACK and check windows liberally in both directions. */
		tcp->seen[0].td_maxend = tcp->seen[0].td_end + tcp->seen[0].td_maxwin;
		tcp->seen[0].flags = tcp->seen[1].flags =
		    UPT_CT_TCP_FLAG_SACK_PERM | UPT_CT_TCP_FLAG_BE_LIBERAL;
	}
	tcp->last_index = TCP_NONE_SET;
	return true;
}

static bool tcp_can_early_drop(const struct upt_ct *ct)
{
	switch (ct->proto.tcp.state) {
	case UPT_TCP_FIN_WAIT:
	case UPT_TCP_LAST_ACK:
	case UPT_TCP_TIME_WAIT:
	case UPT_TCP_CLOSE:
	case UPT_TCP_CLOSE_WAIT:
		return true;
	default:
		return false;
	}
}

static bool tcp_established(const struct upt_ct *ct)
{
	return ct->proto.tcp.state == UPT_TCP_ESTABLISHED && (ct->status & UPT_IPS_ASSURED);
}

/* Remember an ignored packet, so that the peer's answer can resync us. */
static void tcp_note_ignored(struct upt_ct *ct, unsigned dir, unsigned index, unsigned old_state,
			     const struct upt_pdesc *d)
{
	struct upt_ct_tcp *tcp = &ct->proto.tcp;

	tcp->last_index = (uint8_t)index;
	tcp->last_dir = (uint8_t)dir;
	tcp->last_seq = d->tcp_seq;
	tcp->last_end = seg_end(d);
	tcp->last_win = d->tcp_win;

	/* A SYN in ORIGINAL we are not in sync with: keep its options; if the
	 * server answers with a SYN/ACK we adopt them.  In LAST_ACK the server
	 * may answer with an RFC 5961 challenge ACK instead. */
	if (index == TCP_SYN_SET && dir == UPT_CT_DIR_ORIGINAL) {
		struct upt_ct_tcp_dir seen = {0};

		tcp->last_flags = 0;
		tcp->last_wscale = 0;
		tcp_options(d, &seen);
		if (seen.flags & UPT_CT_TCP_FLAG_WINDOW_SCALE) {
			tcp->last_flags |= UPT_CT_TCP_FLAG_WINDOW_SCALE;
			tcp->last_wscale = seen.td_scale;
		}
		if (seen.flags & UPT_CT_TCP_FLAG_SACK_PERM)
			tcp->last_flags |= UPT_CT_TCP_FLAG_SACK_PERM;
		if (old_state == UPT_TCP_LAST_ACK)
			tcp->last_flags |= UPT_CT_TCP_EXP_CHALLENGE_ACK;
	}
	/* A possible challenge ACK answering our SYN. */
	if (old_state == UPT_TCP_SYN_SENT && index == TCP_ACK_SET && dir == UPT_CT_DIR_REPLY)
		tcp->last_ack = d->tcp_ack;
}

/* Reset a direction's window state (keeping only the liberal flag). */
static void tcp_dir_reset(struct upt_ct_tcp_dir *s)
{
	s->td_end = s->td_maxend = s->td_maxwin = s->td_maxack = 0;
	s->td_scale = 0;
	s->flags &= UPT_CT_TCP_FLAG_BE_LIBERAL;
}

enum upt_ct_verdict upt_ct_tcp_packet(struct upt_ct *ct, const struct upt_ct_pkt *p)
{
	const struct upt_pdesc *d = p->d;
	const struct upt_ct_sysctl *sys = p->sys;
	const uint32_t *timeouts = sys->tcp_timeout;
	struct upt_ct_tcp *tcp = &ct->proto.tcp;
	unsigned dir = p->dir, index, old_state, new_state;
	uint32_t timeout;

	if (tcp_error(p))
		return UPT_CT_INVALID;
	if (!p->confirmed && !tcp_new(ct, d, sys))
		return UPT_CT_INVALID;

	old_state = tcp->state;
	index = tcp_index(d->tcp_flags);
	new_state = tcp_conntracks[dir][index][old_state];

	switch (new_state) {
	case sSS:
		if (old_state < UPT_TCP_TIME_WAIT)
			break;
		/* SYN in TIME_WAIT or CLOSE (RFC 1122 4.2.2.13: a closed
		 * connection may be reopened).  If the old one was really
		 * closed (a FIN was seen) or aborted (our RST), drop the entry
		 * and let the SYN create a fresh one. */
		if (((tcp->seen[dir].flags | tcp->seen[!dir].flags) & UPT_CT_TCP_FLAG_CLOSE_INIT) ||
		    (tcp->last_dir == dir && tcp->last_index == TCP_RST_SET)) {
			upt_ct_kill(ct, p->now);
			return UPT_CT_REPEAT;
		}
		/* Otherwise the endpoints may know better than us: ignore. */
		/* fall through */
	case sIG:
		if (index == TCP_SYNACK_SET && tcp->last_index == TCP_SYN_SET &&
		    tcp->last_dir != dir && d->tcp_ack == tcp->last_end) {
			/* This SYN/ACK answers the SYN we ignored: the endpoints
			 * are in sync and we are not.  Resync from that SYN. */
			struct upt_ct_tcp_dir *s = &tcp->seen[tcp->last_dir];

			old_state = UPT_TCP_SYN_SENT;
			new_state = UPT_TCP_SYN_RECV;
			s->td_end = tcp->last_end;
			s->td_maxend = tcp->last_end;
			s->td_maxwin = tcp->last_win == 0 ? 1 : tcp->last_win;
			s->td_scale = tcp->last_wscale;
			tcp->last_flags &= (uint8_t)~UPT_CT_TCP_EXP_CHALLENGE_ACK;
			s->flags = tcp->last_flags;
			tcp_dir_reset(&tcp->seen[dir]);
			break;
		}
		tcp_note_ignored(ct, dir, index, old_state, d);
		return UPT_CT_ACCEPT; /* no state change, no refresh */
	case sIV:
		return UPT_CT_INVALID;
	case sTW:
		/* An RFC 5961 challenge ACK answering a SYN we let through in
		 * LAST_ACK does not ack the last FIN. */
		if (old_state == UPT_TCP_LAST_ACK && index == TCP_ACK_SET && tcp->last_dir != dir &&
		    tcp->last_index == TCP_SYN_SET &&
		    (tcp->last_flags & UPT_CT_TCP_EXP_CHALLENGE_ACK)) {
			tcp->last_flags &= (uint8_t)~UPT_CT_TCP_EXP_CHALLENGE_ACK;
			return UPT_CT_ACCEPT;
		}
		break;
	case sS2:
		/* The table alone cannot complete a simultaneous open. */
		tcp->last_flags |= UPT_CT_TCP_SIMULTANEOUS_OPEN;
		break;
	case sSR:
		if (dir == UPT_CT_DIR_REPLY && index == TCP_ACK_SET &&
		    (tcp->last_flags & UPT_CT_TCP_SIMULTANEOUS_OPEN))
			new_state = UPT_TCP_ESTABLISHED;
		break;
	case sCL:
		if (index != TCP_RST_SET)
			break;
		/* Closing already: the tuple may be reused; skip the checks. */
		if (tcp_can_early_drop(ct))
			goto in_window;
		if ((tcp->seen[!dir].flags & UPT_CT_TCP_FLAG_MAXACK_SET) &&
		    tcp->last_index != TCP_SYN_SET) {
			uint32_t seq = d->tcp_seq;

			/* seq 0 before establishment: answers a SYN we let through. */
			if (seq == 0 && !tcp_established(ct))
				break;
			/* RST below what the peer has acked: blind reset attempt. */
			if (seq_before(seq, tcp->seen[!dir].td_maxack) &&
			    !sys->tcp_ignore_invalid_rst)
				return UPT_CT_INVALID;
			if (!tcp_established(ct) || seq == tcp->seen[!dir].td_maxack)
				break;
			/* RST right after our data, e.g. P 235946583:235946602 then
			 * R 235946602: part of the same train. */
			if (tcp->last_index == TCP_ACK_SET && tcp->last_dir == dir &&
			    seq == tcp->last_end)
				break;
			/* In window but not exact: keep the state, the endpoint
			 * answers with a challenge ACK (RFC 5961). */
			new_state = old_state;
		}
		if ((((ct->status & UPT_IPS_SEEN_REPLY) && tcp->last_index == TCP_SYN_SET) ||
		     (!(ct->status & UPT_IPS_ASSURED) && tcp->last_index == TCP_ACK_SET)) &&
		    d->tcp_ack == tcp->last_end) {
			/* RST answering a SYN or ACK we let through while out of
			 * sync: accept without window checks, it may ack data we
			 * ignored. */
			goto in_window;
		}
		/* RST answering a challenge ACK we let through. */
		if (old_state == UPT_TCP_SYN_SENT && tcp->last_index == TCP_ACK_SET &&
		    tcp->last_dir == UPT_CT_DIR_REPLY && d->tcp_seq == tcp->last_ack)
			goto in_window;
		break;
	default:
		break;
	}

	switch (tcp_in_window(ct, dir, index, d, sys)) {
	case TCP_IGNORE:
		return UPT_CT_ACCEPT;
	case TCP_INVALID:
		tcp_handle_invalid(ct, dir, index, p->now, sys);
		return UPT_CT_INVALID;
	case TCP_ACCEPT:
		break;
	}

in_window:
	tcp->last_index = (uint8_t)index;
	tcp->last_dir = (uint8_t)dir;
	tcp->state = (uint8_t)new_state;
	if (old_state != new_state && new_state == UPT_TCP_FIN_WAIT)
		tcp->seen[dir].flags |= UPT_CT_TCP_FLAG_CLOSE_INIT;

	if (tcp->retrans >= sys->tcp_max_retrans &&
	    timeouts[new_state] > sys->tcp_timeout_max_retrans)
		timeout = sys->tcp_timeout_max_retrans;
	else if (index == TCP_RST_SET)
		timeout = timeouts[UPT_TCP_CLOSE];
	else if (((tcp->seen[0].flags | tcp->seen[1].flags) &
		  UPT_CT_TCP_FLAG_DATA_UNACKNOWLEDGED) &&
		 timeouts[new_state] > sys->tcp_timeout_unacknowledged)
		timeout = sys->tcp_timeout_unacknowledged;
	else if (tcp->last_win == 0 && timeouts[new_state] > sys->tcp_timeout_max_retrans)
		timeout = sys->tcp_timeout_max_retrans;
	else
		timeout = timeouts[new_state];

	if (!(ct->status & UPT_IPS_SEEN_REPLY)) {
		/* The only answer was a RST: nothing was established, forget
		 * the entry now (the packet itself still passes). */
		if (d->tcp_flags & UPT_TCP_RST) {
			upt_ct_kill(ct, p->now);
			return UPT_CT_ACCEPT;
		}
		/* A retransmitted SYN does not extend the entry's life, else
		 * port reuse could keep a stale entry (and its NAT) alive. */
		if (index == TCP_SYN_SET && old_state == UPT_TCP_SYN_SENT)
			return UPT_CT_ACCEPT;
		/* Picked up mid-stream, no reply yet: no 5-day timeout. */
		if (new_state == UPT_TCP_ESTABLISHED && timeout > sys->tcp_timeout_unacknowledged)
			timeout = sys->tcp_timeout_unacknowledged;
	} else if (!(ct->status & UPT_IPS_ASSURED) &&
		   (old_state == UPT_TCP_SYN_RECV || old_state == UPT_TCP_ESTABLISHED) &&
		   new_state == UPT_TCP_ESTABLISHED) {
		/* The handshake completed, or a picked-up connection was
		 * answered: worth keeping when the table fills. */
		ct->status |= UPT_IPS_ASSURED;
	}
	upt_ct_refresh(ct, p->now, timeout);
	return UPT_CT_ACCEPT;
}
