/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test helpers for extensions on the packet path: extension data built
 * from option words through the extension's own parse/check ("!" inverts
 * the next option), and a parsed frame wrapped in a struct upt_xt_pkt.
 */
#ifndef UPT_TEST_XT_BUILD_H
#define UPT_TEST_XT_BUILD_H

#include <stdbool.h>
#include <stdint.h>

#include "frames.h"
#include "rules/ext.h"

struct xt_ext {
	const struct upt_match_ops *m;
	const struct upt_target_ops *t;
	void *data;
};
struct xt_pk {
	uint8_t buf[FRAME_MAX];
	struct upt_pdesc d;
	struct upt_xt_pkt p;
};

/* Parse and check `opts` for -m/-j NAME; hooks as upt_xt_parse.hooks. 0 or an error. */
int xt_build(struct xt_ext *e, bool target, const char *name, uint8_t proto, const char *opts,
	     uint32_t hooks);
/* The same, failing the current test when refused. */
struct xt_ext xt_mm(const char *name, uint8_t proto, const char *opts);
struct xt_ext xt_tg(const char *name, uint8_t proto, const char *opts);
/* Build and parse the frame; hook FORWARD, frame_cap the whole buffer. */
void xt_pk_build(struct xt_pk *k, const struct frame *f);
/* TCP 198.51.100.2:40000 -> 192.168.1.2:80 with flags and MSS option (0: none). */
void xt_tcp_frame(struct frame *f, uint8_t flags, uint16_t mss);
/* Run the match (hotdrop cleared first). */
bool xt_run(const struct xt_ext *e, struct xt_pk *k);
/* The IPv4 header of the frame. */
const uint8_t *xt_ip_of(const struct xt_pk *k);
/* Line n (0-based) of text, copied into buf; "" past the end. */
const char *xt_nth_line(const char *text, int n, char *buf, size_t len);

#endif
