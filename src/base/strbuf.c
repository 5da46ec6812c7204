/* SPDX-License-Identifier: GPL-2.0 */
#include "base/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void upt_sb_init(struct upt_sb *sb)
{
	memset(sb, 0, sizeof(*sb));
}

void upt_sb_init_fixed(struct upt_sb *sb, char *buf, size_t cap)
{
	sb->buf = buf;
	sb->cap = cap;
	sb->len = 0;
	sb->fixed = true;
	sb->overflow = false;
	if (cap)
		buf[0] = '\0';
}

void upt_sb_free(struct upt_sb *sb)
{
	if (!sb->fixed)
		free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

void upt_sb_reset(struct upt_sb *sb)
{
	sb->len = 0;
	sb->overflow = false;
	if (sb->buf)
		sb->buf[0] = '\0';
}

/* Make room for `need` more bytes plus the NUL; false when it cannot. */
static bool reserve(struct upt_sb *sb, size_t need)
{
	size_t want = sb->len + need + 1;
	char *nb;
	size_t ncap;

	if (want <= sb->cap)
		return true;
	if (sb->fixed)
		return false;
	ncap = sb->cap ? sb->cap : 128;
	while (ncap < want)
		ncap *= 2;
	nb = realloc(sb->buf, ncap);
	if (!nb)
		return false;
	sb->buf = nb;
	sb->cap = ncap;
	return true;
}

static void append(struct upt_sb *sb, const char *s, size_t n)
{
	if (!reserve(sb, n)) {
		sb->overflow = true;
		if (!sb->fixed || sb->cap == 0)
			return;
		n = sb->cap - 1 - sb->len; /* keep what fits */
	}
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void upt_sb_puts(struct upt_sb *sb, const char *s)
{
	append(sb, s, strlen(s));
}

void upt_sb_putc(struct upt_sb *sb, char c)
{
	append(sb, &c, 1);
}

void upt_sb_printf(struct upt_sb *sb, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		sb->overflow = true;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		append(sb, small, (size_t)n);
		return;
	}
	if (!reserve(sb, (size_t)n)) {
		/* Fixed buffer: keep the prefix that fits. */
		append(sb, small, sizeof(small) - 1);
		sb->overflow = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

const char *upt_sb_str(const struct upt_sb *sb)
{
	return sb->buf ? sb->buf : "";
}

char *upt_sb_steal(struct upt_sb *sb)
{
	char *s;

	if (sb->fixed || sb->overflow)
		return NULL;
	if (!sb->buf) {
		if (!reserve(sb, 0))
			return NULL;
		sb->buf[0] = '\0';
	}
	s = sb->buf;
	memset(sb, 0, sizeof(*sb));
	return s;
}
