/* SPDX-License-Identifier: GPL-2.0 */
/*
 * String builder.  Two kinds: growable (heap, for save/listing text, never
 * on the packet path) and fixed (caller's array, for LOG lines and traces on
 * the packet path: output is truncated and `overflow` set, never allocated).
 */
#ifndef UPT_BASE_STRBUF_H
#define UPT_BASE_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct upt_sb {
	char *buf;
	size_t len, cap;
	bool fixed;    /* buf is the caller's; never realloc'ed */
	bool overflow; /* fixed buffer was too small, or an allocation failed */
};

void upt_sb_init(struct upt_sb *sb);				  /* growable, empty */
void upt_sb_init_fixed(struct upt_sb *sb, char *buf, size_t cap); /* cap >= 1 */
void upt_sb_free(struct upt_sb *sb);				  /* growable only */
void upt_sb_reset(struct upt_sb *sb);				  /* len = 0 */
void upt_sb_printf(struct upt_sb *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void upt_sb_puts(struct upt_sb *sb, const char *s);
void upt_sb_putc(struct upt_sb *sb, char c);
/* Always NUL-terminated (an empty growable buffer returns ""). */
const char *upt_sb_str(const struct upt_sb *sb);
/* Take the heap string (caller frees); the builder is left empty. NULL on overflow. */
char *upt_sb_steal(struct upt_sb *sb);

#endif
