/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Gateway configuration in the words of the `ip` command (DESIGN §3):
 *
 *   link NAME [address MAC] [mtu N] [up|down]
 *   link add link PARENT name NAME type vlan id N
 *   addr add A.B.C.D/LEN dev NAME
 *   route add PREFIX|default [via GW] [dev NAME] [src A.B.C.D]
 *   route add blackhole|unreachable|prohibit PREFIX
 *   neigh add A.B.C.D lladdr MAC dev NAME
 *   sysctl net.ipv4.ip_forward=0|1
 *   sysctl net.netfilter.nf_conntrack_*=VALUE   (conntrack settings, src/ct)
 *
 * A leading "ip" is allowed; '#' starts a comment.  Interfaces are created
 * by their first mention; without `address` they get a locally
 * administered MAC 02:00:00:00:00:<ifindex>.  Anything not understood is an
 * error naming the word, never ignored.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/engine.h"

#define MAX_WORDS 16

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

static bool parse_ip(const char *s, uint32_t *out)
{
	unsigned a, b, c, d;
	char tail;

	if (sscanf(s, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4 || a > 255 || b > 255 ||
	    c > 255 || d > 255)
		return false;
	*out = a << 24 | b << 16 | c << 8 | d;
	return true;
}

static bool parse_prefix(const char *s, uint32_t *addr, uint8_t *plen)
{
	char buf[32];
	const char *slash = strchr(s, '/');
	char *end;
	unsigned long l = 32;

	if (strcmp(s, "default") == 0) {
		*addr = 0;
		*plen = 0;
		return true;
	}
	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	if (slash) {
		buf[slash - s] = '\0';
		l = strtoul(slash + 1, &end, 10);
		if (*end || slash[1] == '\0' || l > 32)
			return false;
	}
	*plen = (uint8_t)l;
	return parse_ip(buf, addr);
}

static bool parse_mac(const char *s, uint8_t mac[UPT_ETH_ALEN])
{
	unsigned v[6];
	char tail;
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &tail) != 6)
		return false;
	for (i = 0; i < 6; i++) {
		if (v[i] > 255)
			return false;
		mac[i] = (uint8_t)v[i];
	}
	return true;
}

static uint32_t iface_get_or_add(struct upt_engine *eng, const char *name, char *err, size_t errlen)
{
	struct upt_iface *ifc;
	uint32_t idx = upt_engine_ifindex(eng, name);

	if (idx)
		return idx;
	if (strlen(name) == 0 || strlen(name) >= UPT_IFNAMSIZ || strchr(name, '/')) {
		fail(err, errlen, 0, "\"%s\" is not a valid interface name", name);
		return 0;
	}
	if (eng->niface == UPT_MAX_IFACES) {
		fail(err, errlen, 0, "too many interfaces (max %d)", UPT_MAX_IFACES);
		return 0;
	}
	ifc = &eng->ifaces[eng->niface++];
	memset(ifc, 0, sizeof(*ifc));
	snprintf(ifc->name, sizeof(ifc->name), "%s", name);
	ifc->up = true;
	ifc->mtu = 1500;
	ifc->send_redirects = eng->send_redirects_default;
	ifc->mac[0] = 0x02;
	ifc->mac[5] = (uint8_t)eng->niface;
	return eng->niface;
}

static int cmd_link(struct upt_engine *eng, char **w, int n, char *err, size_t errlen)
{
	struct upt_iface *ifc;
	uint32_t idx;
	int i;

	if (n >= 1 && strcmp(w[0], "add") == 0) {
		/* link add link PARENT name NAME type vlan id N */
		uint32_t parent;
		unsigned long id;
		char *end;

		if (n != 9 || strcmp(w[1], "link") || strcmp(w[3], "name") ||
		    strcmp(w[5], "type") || strcmp(w[6], "vlan") || strcmp(w[7], "id"))
			return fail(err, errlen, -EINVAL,
				    "expected: link add link PARENT name NAME type vlan id N");
		id = strtoul(w[8], &end, 10);
		if (*end || id == 0 || id > 4094)
			return fail(err, errlen, -EINVAL, "bad VLAN id \"%s\"", w[8]);
		if (upt_engine_ifindex(eng, w[4]))
			return fail(err, errlen, -EEXIST, "interface %s exists", w[4]);
		parent = iface_get_or_add(eng, w[2], err, errlen);
		if (!parent)
			return -EINVAL;
		idx = iface_get_or_add(eng, w[4], err, errlen);
		if (!idx)
			return -EINVAL;
		ifc = upt_iface_get(eng, idx);
		ifc->parent = parent;
		ifc->vlan_id = (uint16_t)id;
		memcpy(ifc->mac, upt_iface_get(eng, parent)->mac, UPT_ETH_ALEN);
		return 0;
	}
	if (n < 1)
		return fail(err, errlen, -EINVAL, "link: interface name missing");
	if (strcmp(w[0], "set") == 0) { /* `ip link set NAME ...` spelling */
		w++;
		n--;
		if (n > 0 && strcmp(w[0], "dev") == 0) {
			w++;
			n--;
		}
		if (n < 1)
			return fail(err, errlen, -EINVAL, "link set: interface name missing");
	}
	idx = iface_get_or_add(eng, w[0], err, errlen);
	if (!idx)
		return -EINVAL;
	ifc = upt_iface_get(eng, idx);
	if (ifc->loopback)
		return fail(err, errlen, -EINVAL, "lo cannot be configured");
	for (i = 1; i < n; i++) {
		if (strcmp(w[i], "up") == 0) {
			ifc->up = true;
		} else if (strcmp(w[i], "down") == 0) {
			ifc->up = false;
		} else if (strcmp(w[i], "address") == 0 && i + 1 < n) {
			if (!parse_mac(w[++i], ifc->mac))
				return fail(err, errlen, -EINVAL, "bad MAC address \"%s\"", w[i]);
		} else if (strcmp(w[i], "mtu") == 0 && i + 1 < n) {
			char *end;
			unsigned long mtu = strtoul(w[++i], &end, 10);

			if (*end || mtu < 68 || mtu > 65535)
				return fail(err, errlen, -EINVAL, "bad MTU \"%s\"", w[i]);
			ifc->mtu = (uint16_t)mtu;
		} else {
			return fail(err, errlen, -EINVAL, "link: unknown or incomplete \"%s\"",
				    w[i]);
		}
	}
	return 0;
}

static int cmd_addr(struct upt_engine *eng, char **w, int n, char *err, size_t errlen)
{
	struct upt_iface *ifc;
	struct upt_route r;
	uint32_t addr, idx;
	uint8_t plen;
	int rc;

	if (n != 4 || strcmp(w[0], "add") || strcmp(w[2], "dev"))
		return fail(err, errlen, -EINVAL, "expected: addr add A.B.C.D/LEN dev NAME");
	if (!parse_prefix(w[1], &addr, &plen) || strcmp(w[1], "default") == 0)
		return fail(err, errlen, -EINVAL, "bad address \"%s\"", w[1]);
	if (!strchr(w[1], '/'))
		plen = 32;
	idx = iface_get_or_add(eng, w[3], err, errlen);
	if (!idx)
		return -EINVAL;
	ifc = upt_iface_get(eng, idx);
	if (ifc->loopback)
		return fail(err, errlen, -EINVAL, "lo cannot be configured");
	if (upt_addr_is_local(eng, addr))
		return fail(err, errlen, -EEXIST, "address %s is already assigned", w[1]);
	if (ifc->naddr == UPT_MAX_ADDRS)
		return fail(err, errlen, -ENOSPC, "too many addresses on %s", ifc->name);
	ifc->addr[ifc->naddr] = addr;
	ifc->plen[ifc->naddr] = plen;
	ifc->naddr++;
	/* The connected route the kernel adds with the address (proto kernel scope link). */
	memset(&r, 0, sizeof(r));
	r.dst = addr;
	r.plen = plen;
	r.type = UPT_RT_UNICAST;
	r.connected = true;
	r.ifindex = idx;
	r.prefsrc = addr;
	rc = upt_route_add(eng, &r);
	if (rc == -EEXIST)
		rc = 0; /* a second address in the same subnet: the route is there */
	return rc < 0 ? fail(err, errlen, rc, "cannot add the connected route") : 0;
}

/* The interface through which `gw` is directly reachable (a connected route). */
static uint32_t onlink_ifindex(const struct upt_engine *eng, uint32_t gw)
{
	const struct upt_route *r = upt_route_lookup(eng, gw);

	return r && r->type == UPT_RT_UNICAST && !r->gw ? r->ifindex : 0;
}

static int cmd_route(struct upt_engine *eng, char **w, int n, char *err, size_t errlen)
{
	struct upt_route r;
	const char *gw_word = "";
	int i, rc;

	if (n < 2 || strcmp(w[0], "add"))
		return fail(err, errlen, -EINVAL, "expected: route add PREFIX [via GW] [dev NAME]");
	memset(&r, 0, sizeof(r));
	r.type = UPT_RT_UNICAST;
	i = 1;
	if (strcmp(w[i], "blackhole") == 0 || strcmp(w[i], "unreachable") == 0 ||
	    strcmp(w[i], "prohibit") == 0) {
		r.type = w[i][0] == 'b'	  ? UPT_RT_BLACKHOLE
			 : w[i][0] == 'u' ? UPT_RT_UNREACHABLE
					  : UPT_RT_PROHIBIT;
		i++;
		if (i >= n)
			return fail(err, errlen, -EINVAL, "route: prefix missing");
	}
	if (!parse_prefix(w[i], &r.dst, &r.plen))
		return fail(err, errlen, -EINVAL, "bad prefix \"%s\"", w[i]);
	for (i++; i < n; i++) {
		if (i + 1 >= n)
			return fail(err, errlen, -EINVAL, "route: \"%s\" needs a value", w[i]);
		if (strcmp(w[i], "via") == 0) {
			gw_word = w[i + 1];
			if (!parse_ip(w[++i], &r.gw))
				return fail(err, errlen, -EINVAL, "bad gateway \"%s\"", w[i]);
		} else if (strcmp(w[i], "dev") == 0) {
			r.ifindex = upt_engine_ifindex(eng, w[++i]);
			if (!r.ifindex)
				return fail(err, errlen, -ENODEV, "no interface \"%s\"", w[i]);
		} else if (strcmp(w[i], "src") == 0) {
			if (!parse_ip(w[++i], &r.prefsrc) || !upt_addr_is_local(eng, r.prefsrc))
				return fail(err, errlen, -EINVAL,
					    "src \"%s\" is not a local address", w[i]);
		} else {
			return fail(err, errlen, -EINVAL, "route: unknown \"%s\"", w[i]);
		}
	}
	if (r.type == UPT_RT_UNICAST) {
		if (r.gw) {
			uint32_t via = onlink_ifindex(eng, r.gw);

			if (!via || (r.ifindex && r.ifindex != via))
				return fail(err, errlen, -ENETUNREACH,
					    "gateway %s is not directly reachable (Nexthop has "
					    "invalid gateway)",
					    gw_word);
			r.ifindex = via;
		} else if (!r.ifindex) {
			return fail(err, errlen, -EINVAL, "route: needs via GW or dev NAME");
		}
	}
	rc = upt_route_add(eng, &r);
	if (rc == -EEXIST)
		return fail(err, errlen, rc, "route exists (RTNETLINK answers: File exists)");
	return rc < 0 ? fail(err, errlen, rc, "cannot add route") : 0;
}

static int cmd_neigh(struct upt_engine *eng, char **w, int n, char *err, size_t errlen)
{
	uint8_t mac[UPT_ETH_ALEN];
	uint32_t ip, idx;
	int i;

	if (n < 6 || (strcmp(w[0], "add") && strcmp(w[0], "replace")) || strcmp(w[2], "lladdr") ||
	    strcmp(w[4], "dev"))
		return fail(err, errlen, -EINVAL,
			    "expected: neigh add A.B.C.D lladdr MAC dev NAME [nud permanent]");
	for (i = 6; i < n; i++)
		if (!(strcmp(w[i], "nud") == 0 && i + 1 < n && strcmp(w[i + 1], "permanent") == 0))
			return fail(err, errlen, -EINVAL, "neigh: unknown \"%s\"", w[i]);
		else
			i++;
	if (!parse_ip(w[1], &ip))
		return fail(err, errlen, -EINVAL, "bad address \"%s\"", w[1]);
	if (!parse_mac(w[3], mac))
		return fail(err, errlen, -EINVAL, "bad MAC address \"%s\"", w[3]);
	idx = upt_engine_ifindex(eng, w[5]);
	if (!idx)
		return fail(err, errlen, -ENODEV, "no interface \"%s\"", w[5]);
	return upt_neigh_add_static(eng, ip, mac, idx) < 0
		   ? fail(err, errlen, -ENOSPC, "neighbour table full")
		   : 0;
}

static int cmd_sysctl(struct upt_engine *eng, char **w, int n, char *err, size_t errlen)
{
	char *eq;
	const char *key, *val;

	if (n == 2 && strcmp(w[0], "-w") == 0) {
		w++;
		n--;
	}
	if (n != 1 || !(eq = strchr(w[0], '=')))
		return fail(err, errlen, -EINVAL, "expected: sysctl KEY=VALUE");
	*eq = '\0';
	key = w[0];
	val = eq + 1;
	if (strcmp(key, "net.ipv4.ip_forward") == 0 ||
	    strcmp(key, "net.ipv4.conf.all.forwarding") == 0) {
		if (strcmp(val, "0") && strcmp(val, "1"))
			return fail(err, errlen, -EINVAL, "%s: value must be 0 or 1", key);
		eng->ip_forward = val[0] == '1';
		return 0;
	}
	if (strncmp(key, "net.ipv4.conf.", 14) == 0 && strlen(key) > 29 &&
	    strcmp(key + strlen(key) - 15, ".send_redirects") == 0) {
		char dev[UPT_IFNAMSIZ + 1];
		size_t dlen = strlen(key) - 14 - 15;
		uint32_t idx;

		if (strcmp(val, "0") && strcmp(val, "1"))
			return fail(err, errlen, -EINVAL, "%s: value must be 0 or 1", key);
		if (dlen == 0 || dlen > UPT_IFNAMSIZ)
			return fail(err, errlen, -EINVAL, "%s: bad interface", key);
		memcpy(dev, key + 14, dlen);
		dev[dlen] = 0;
		if (strcmp(dev, "all") == 0) {
			eng->send_redirects_all = val[0] == '1';
		} else if (strcmp(dev, "default") == 0) {
			eng->send_redirects_default = val[0] == '1';
		} else {
			idx = upt_engine_ifindex(eng, dev);
			if (!idx)
				return fail(err, errlen, -ENODEV, "%s: no interface \"%s\"", key,
					    dev);
			upt_iface_get(eng, idx)->send_redirects = val[0] == '1';
		}
		return 0;
	}
	if (strncmp(key, "net.netfilter.nf_conntrack_", 27) == 0 ||
	    strncmp(key, "nf_conntrack_", 13) == 0) {
		int rc = upt_ct_sysctl_set_str(eng->ct, key, val);

		if (rc == -EINVAL)
			return fail(err, errlen, rc, "%s: bad value \"%s\"", key, val);
		if (rc < 0)
			return fail(err, errlen, -EOPNOTSUPP, "sysctl %s is not supported", key);
		return 0;
	}
	return fail(err, errlen, -EOPNOTSUPP, "sysctl %s is not supported", key);
}

int upt_engine_config_line(struct upt_engine *eng, const char *line, char *err, size_t errlen)
{
	char buf[512];
	char *words[MAX_WORDS], *save = NULL, *tok, *hash;
	int n = 0;

	if (err && errlen)
		err[0] = '\0';
	if (strlen(line) >= sizeof(buf))
		return fail(err, errlen, -EINVAL, "line too long");
	strcpy(buf, line);
	hash = strchr(buf, '#');
	if (hash)
		*hash = '\0';
	for (tok = strtok_r(buf, " \t\r\n", &save); tok; tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == MAX_WORDS)
			return fail(err, errlen, -EINVAL, "too many words");
		words[n++] = tok;
	}
	if (n == 0)
		return 0;
	if (strcmp(words[0], "ip") == 0) {
		memmove(words, words + 1, (size_t)(n - 1) * sizeof(words[0]));
		n--;
		if (n == 0)
			return fail(err, errlen, -EINVAL, "ip: command missing");
	}
	if (strcmp(words[0], "link") == 0)
		return cmd_link(eng, words + 1, n - 1, err, errlen);
	if (strcmp(words[0], "addr") == 0 || strcmp(words[0], "address") == 0 ||
	    strcmp(words[0], "a") == 0)
		return cmd_addr(eng, words + 1, n - 1, err, errlen);
	if (strcmp(words[0], "route") == 0 || strcmp(words[0], "r") == 0)
		return cmd_route(eng, words + 1, n - 1, err, errlen);
	if (strcmp(words[0], "neigh") == 0 || strcmp(words[0], "neighbor") == 0)
		return cmd_neigh(eng, words + 1, n - 1, err, errlen);
	if (strcmp(words[0], "sysctl") == 0)
		return cmd_sysctl(eng, words + 1, n - 1, err, errlen);
	return fail(err, errlen, -EINVAL, "unknown command \"%s\"", words[0]);
}
