/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -m time [--datestart D] [--datestop D] [--timestart T] [--timestop T]
 *         [!] [--monthdays L] [!] [--weekdays L] [--contiguous]
 *         [--kerneltz | --localtz | --utc]
 *
 * Parsing and listing are iptables' libxt_time (dates as
 * YYYY[-MM[-DD[Thh[:mm[:ss]]]]] in UTC, 1970..2038; day times hh:mm[:ss]);
 * the decision is the kernel's xt_time.c, on the packet's time: p->now
 * (nanoseconds since the Unix epoch, UTC, from the caller's clock; the
 * simulator passes the capture's timestamps).  Calendar arithmetic is done
 * here on integers; nothing reads the host's time zone or clock.
 *
 * --kerneltz (and its old spelling --localtz) makes the kernel shift the
 * time by its own zone, sys_tz, which init scripts set from the RTC setting
 * and which is often just UTC.  The engine has no kernel time zone, so it
 * behaves as a kernel whose sys_tz is UTC: --kerneltz is kept and listed,
 * and the match works on UTC either way.
 *
 * As in iptables 1.8.9, save always lists --datestop (its default,
 * 2038-01-19T03:14:07, is not the value the printer skips) while -L shows
 * "until date" only for a date given by the user.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rules/ext.h"
#include "rules/xt_util.h"

enum {
	O_DATE_START,
	O_DATE_STOP,
	O_TIME_START,
	O_TIME_STOP,
	O_CONTIGUOUS,
	O_MONTHDAYS,
	O_WEEKDAYS,
	O_LOCAL_TZ,
	O_UTC,
	O_KERNEL_TZ
};

#define TF_LOCAL_TZ	 0x1
#define TF_CONTIGUOUS	 0x2
#define ALL_MONTHDAYS	 0xfffffffeu
#define ALL_WEEKDAYS	 0xfeu
#define MAX_DAYTIME	 (24 * 60 * 60 - 1)
#define DEFAULT_DATESTOP 0x7fffffffu /* INT_MAX */

struct time_data {
	uint32_t date_start, date_stop;
	uint32_t daytime_start, daytime_stop;
	uint32_t monthdays;
	uint8_t weekdays;
	uint8_t flags;
};

static const char *const week_days[] = {NULL, "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

static const struct upt_xt_option time_opts[] = {
    {"datestart", O_DATE_START, UPT_XTOPT_ARG},
    {"datestop", O_DATE_STOP, UPT_XTOPT_ARG},
    {"timestart", O_TIME_START, UPT_XTOPT_ARG},
    {"timestop", O_TIME_STOP, UPT_XTOPT_ARG},
    {"contiguous", O_CONTIGUOUS, 0},
    {"weekdays", O_WEEKDAYS, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"monthdays", O_MONTHDAYS, UPT_XTOPT_ARG | UPT_XTOPT_INVERT},
    {"localtz", O_LOCAL_TZ, 0},
    {"utc", O_UTC, 0},
    {"kerneltz", O_KERNEL_TZ, 0},
    {NULL, 0, 0},
};

static void time_init(void *data)
{
	struct time_data *t = data;

	memset(t, 0, sizeof(*t));
	t->monthdays = ALL_MONTHDAYS;
	t->weekdays = ALL_WEEKDAYS;
	t->daytime_start = 0;
	t->daytime_stop = MAX_DAYTIME;
	t->date_start = 0;
	t->date_stop = DEFAULT_DATESTOP;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1..12 after normalising). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* libxt_time's time_parse_date: YYYY[-MM[-DD[Thh[:mm[:ss]]]]], UTC (mktime with TZ=UTC). */
static bool parse_date(const char *s, uint32_t *out)
{
	/* month, day, hour, minute, second: the separator before each, and its bound */
	static const char before[5] = {'-', '-', 'T', ':', ':'};
	static const unsigned long maxes[5] = {12, 31, 23, 59, 59};
	unsigned long year, v[5] = {1, 1, 0, 0, 0};
	int64_t t, y, mon;
	char *e;

	year = strtoul(s, &e, 10);
	if ((*e != before[0] && *e != '\0') || year < 1970 || year > 2038)
		return false;
	for (int i = 0; i < 5 && *e; i++) {
		v[i] = strtoul(e + 1, &e, 10);
		if (v[i] > maxes[i] || (*e != '\0' && (i == 4 || *e != before[i + 1])))
			return false;
	}
	/* mktime normalises month 0 and day 0 into the previous month or year. */
	y = (int64_t)year;
	mon = (int64_t)v[0];
	if (mon == 0) {
		mon = 12;
		y--;
	}
	t = (days_from_civil(y, mon, 1) + (int64_t)v[1] - 1) * 86400 + (int64_t)v[2] * 3600 +
	    (int64_t)v[3] * 60 + (int64_t)v[4];
	if (t < 0 || t > (int64_t)UINT32_MAX)
		return false;
	*out = (uint32_t)t;
	return true;
}

/* hh:mm[:ss] */
static bool parse_daytime(const char *s, uint32_t *out)
{
	unsigned long h, m, sec = 0;
	char *e;

	h = strtoul(s, &e, 10);
	if (*e != ':' || h > 23)
		return false;
	s = e + 1;
	m = strtoul(s, &e, 10);
	if ((*e != ':' && *e != '\0') || m > 59)
		return false;
	if (*e == ':') {
		s = e + 1;
		sec = strtoul(s, &e, 10);
		if (*e != '\0' || sec > 59)
			return false;
	}
	*out = (uint32_t)(h * 3600 + m * 60 + sec);
	return true;
}

/* Comma-separated segments, each cut to `keep` characters as libxt_time's my_strseg does. */
static const char *next_seg(const char **arg, char *buf, size_t keep)
{
	const char *sep;
	size_t n;

	if (*arg == NULL || **arg == '\0')
		return NULL;
	sep = strchr(*arg, ',');
	n = sep ? (size_t)(sep - *arg) : strlen(*arg);
	if (n > keep)
		n = keep;
	memcpy(buf, *arg, n);
	buf[n] = '\0';
	*arg = sep ? sep + 1 : NULL;
	return buf;
}

static int time_parse(void *data, unsigned id, bool invert, const char *arg, struct upt_xt_parse *p)
{
	struct time_data *t = data;
	char seg[4], *err;
	unsigned long v;

	switch (id) {
	case O_DATE_START:
	case O_DATE_STOP:
		if (!parse_date(arg, id == O_DATE_START ? &t->date_start : &t->date_stop))
			return upt_xt_error(p,
					    "time: Invalid date \"%s\" specified. Should be "
					    "YYYY[-MM[-DD[Thh[:mm[:ss]]]]]",
					    arg);
		return 0;
	case O_TIME_START:
	case O_TIME_STOP:
		if (!parse_daytime(arg, id == O_TIME_START ? &t->daytime_start : &t->daytime_stop))
			return upt_xt_error(p,
					    "time: invalid time \"%s\" specified, should be "
					    "hh:mm[:ss] format and within the boundaries",
					    arg);
		return 0;
	case O_CONTIGUOUS:
		t->flags |= TF_CONTIGUOUS;
		return 0;
	case O_LOCAL_TZ:
	case O_KERNEL_TZ:
		if (p->seen & (1u << O_UTC))
			return upt_xt_error(p,
					    "time: \"--%s\" cannot be used together with \"--utc\"",
					    id == O_LOCAL_TZ ? "localtz" : "kerneltz");
		t->flags |= TF_LOCAL_TZ;
		return 0;
	case O_UTC:
		if (p->seen & ((1u << O_LOCAL_TZ) | (1u << O_KERNEL_TZ)))
			return upt_xt_error(p, "time: \"--utc\" cannot be used together with "
					       "\"--kerneltz\"");
		return 0;
	case O_MONTHDAYS: {
		uint32_t mask = 0;
		const char *a = arg;
		while (next_seg(&a, seg, 2)) {
			v = strtoul(seg, &err, 0);
			if (*err != '\0' || v > 31)
				return upt_xt_error(
				    p, "time: %s is not a valid day for --monthdays", seg);
			mask |= 1u << v;
		}
		t->monthdays = invert ? mask ^ ALL_MONTHDAYS : mask;
		return 0;
	}
	case O_WEEKDAYS: {
		unsigned mask = 0;
		const char *a = arg;
		while (next_seg(&a, seg, 3)) {
			bool valid = false;
			v = strtoul(seg, &err, 0);
			if (*err == '\0' && seg[0]) {
				if (v == 0)
					return upt_xt_error(
					    p, "time: No, the week does NOT begin with "
					       "Sunday.");
				if (v > 7)
					return upt_xt_error(
					    p, "time: %s is not a valid day specifier", seg);
				mask |= 1u << v;
				continue;
			}
			for (unsigned i = 1; i <= 7; i++)
				if (strncmp(seg, week_days[i], 2) == 0) {
					mask |= 1u << i;
					valid = true;
				}
			if (!valid)
				return upt_xt_error(p, "time: %s is not a valid day specifier",
						    seg);
		}
		t->weekdays = (uint8_t)(invert ? mask ^ ALL_WEEKDAYS : mask);
		return 0;
	}
	}
	return -EINVAL;
}

static int time_check(void *data, struct upt_xt_parse *p)
{
	const struct time_data *t = data;

	if ((t->flags & TF_CONTIGUOUS) && t->daytime_start < t->daytime_stop)
		return upt_xt_error(p,
				    "time: --contiguous only makes sense when stoptime is smaller "
				    "than starttime");
	/* iptables takes an empty list (never matches) but lists it as a bare option that
	 * no restore reads back; a rules file is that listing. */
	if (!(t->weekdays & ALL_WEEKDAYS) || !(t->monthdays & ALL_MONTHDAYS))
		return upt_xt_error(p,
				    "uptables: extension \"time\" option --%s with no day "
				    "is not supported",
				    !(t->weekdays & ALL_WEEKDAYS) ? "weekdays" : "monthdays");
	return 0;
}

static void put_daytime(struct upt_sb *sb, const char *pfx, uint32_t v)
{
	upt_sb_printf(sb, "%s%02u:%02u:%02u", pfx, v / 3600, v / 60 % 60, v % 60);
}

static void put_date(struct upt_sb *sb, const char *pfx, uint32_t date, char sep)
{
	int64_t y;
	unsigned m, d, s = date % 86400;

	civil_from_days(date / 86400, &y, &m, &d);
	upt_sb_printf(sb, "%s%04u-%02u-%02u%c%02u:%02u:%02u", pfx, (unsigned)y, m, d, sep, s / 3600,
		      s / 60 % 60, s % 60);
}

static void put_monthdays(struct upt_sb *sb, uint32_t mask, bool human)
{
	static const char *const suffix[10] = {"th", "st", "nd", "rd", "th",
					       "th", "th", "th", "th", "th"};
	unsigned n = 0;

	upt_sb_putc(sb, ' ');
	for (unsigned i = 1; i <= 31; i++)
		if (mask & (1u << i)) {
			upt_sb_printf(sb, "%s%u%s", n++ ? "," : "", i, human ? suffix[i % 10] : "");
		}
}

static void put_weekdays(struct upt_sb *sb, unsigned mask)
{
	unsigned n = 0;

	upt_sb_putc(sb, ' ');
	for (unsigned i = 1; i <= 7; i++)
		if (mask & (1u << i))
			upt_sb_printf(sb, "%s%s", n++ ? "," : "", week_days[i]);
}

static void time_save(const void *data, struct upt_sb *sb)
{
	const struct time_data *t = data;

	if (t->daytime_start != 0 || t->daytime_stop != MAX_DAYTIME) {
		put_daytime(sb, " --timestart ", t->daytime_start);
		put_daytime(sb, " --timestop ", t->daytime_stop);
	}
	if (t->monthdays != ALL_MONTHDAYS) {
		upt_sb_puts(sb, " --monthdays");
		put_monthdays(sb, t->monthdays, false);
	}
	if (t->weekdays != ALL_WEEKDAYS) {
		upt_sb_puts(sb, " --weekdays");
		put_weekdays(sb, t->weekdays);
	}
	if (t->date_start != 0)
		put_date(sb, " --datestart ", t->date_start, 'T');
	if (t->date_stop != 0)
		put_date(sb, " --datestop ", t->date_stop, 'T');
	if (t->flags & TF_LOCAL_TZ)
		upt_sb_puts(sb, " --kerneltz");
	if (t->flags & TF_CONTIGUOUS)
		upt_sb_puts(sb, " --contiguous");
}

static void time_print(const void *data, struct upt_sb *sb, unsigned flags)
{
	const struct time_data *t = data;

	(void)flags;
	upt_sb_puts(sb, " TIME");
	if (t->daytime_start != 0 || t->daytime_stop != MAX_DAYTIME) {
		put_daytime(sb, " from ", t->daytime_start);
		put_daytime(sb, " to ", t->daytime_stop);
	}
	if (t->weekdays != ALL_WEEKDAYS) {
		upt_sb_puts(sb, " on");
		put_weekdays(sb, t->weekdays);
	}
	if (t->monthdays != ALL_MONTHDAYS) {
		upt_sb_puts(sb, " on");
		put_monthdays(sb, t->monthdays, true);
	}
	if (t->date_start != 0)
		put_date(sb, " starting from ", t->date_start, ' ');
	if (t->date_stop != DEFAULT_DATESTOP) {
		/* libxt_time prints no date for 0 (its "unset" value), only the words. */
		upt_sb_puts(sb, " until date");
		if (t->date_stop != 0)
			put_date(sb, " ", t->date_stop, ' ');
	}
	if (!(t->flags & TF_LOCAL_TZ))
		upt_sb_puts(sb, " UTC");
	if (t->flags & TF_CONTIGUOUS)
		upt_sb_puts(sb, " contiguous");
}

static bool time_match(const void *data, struct upt_xt_pkt *p)
{
	const struct time_data *t = data;
	int64_t stamp = (int64_t)(p->now / 1000000000u), y;
	uint32_t packet_time;
	unsigned weekday, m, d;

	/* --kerneltz: the engine's kernel zone is UTC (sys_tz.tz_minuteswest == 0). */
	if (stamp < (int64_t)t->date_start || stamp > (int64_t)t->date_stop)
		return false;
	packet_time = (uint32_t)(stamp % 86400);
	if (t->daytime_start < t->daytime_stop) {
		if (packet_time < t->daytime_start || packet_time > t->daytime_stop)
			return false;
	} else {
		if (packet_time < t->daytime_start && packet_time > t->daytime_stop)
			return false;
		/* Past midnight, a --contiguous range still belongs to the day it started on. */
		if ((t->flags & TF_CONTIGUOUS) && packet_time <= t->daytime_stop)
			stamp -= 86400;
	}
	/* 1970-01-01 was a Thursday (4); Monday is 1, Sunday 7. */
	weekday = (unsigned)((4 + stamp / 86400 - 1) % 7 + 1);
	if (!(t->weekdays & (1u << weekday)))
		return false;
	if (t->monthdays != ALL_MONTHDAYS) {
		civil_from_days(stamp / 86400, &y, &m, &d);
		if (!(t->monthdays & (1u << d)))
			return false;
	}
	return true;
}

const struct upt_match_ops upt_match_time = {
    .name = "time",
    .size = sizeof(struct time_data),
    .options = time_opts,
    .init = time_init,
    .parse = time_parse,
    .check = time_check,
    .save = time_save,
    .print = time_print,
    .match = time_match,
};
