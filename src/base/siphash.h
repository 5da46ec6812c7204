/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SipHash-2-4 (Aumasson & Bernstein), the keyed hash for tables that
 * attackers feed (conntrack).  The key is the engine's secret.
 */
#ifndef UPT_BASE_SIPHASH_H
#define UPT_BASE_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t upt_siphash(const uint64_t key[2], const void *data, size_t len);

#endif
