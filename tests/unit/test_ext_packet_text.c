/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The packet-field extensions as text: parse -> save, and the -L / -L -n
 * rule line, for dscp/DSCP, tos/TOS, ecn, length, ttl/TTL, mac, pkttype,
 * u32, string, tcpmss/TCPMSS and CHECKSUM.
 *
 * Every row was taken from the real iptables 1.8.9 (nf_tables backend,
 * kernel 6.18) on this machine: in a fresh network namespace,
 * `iptables -t T -A C RULE`, then `iptables -t T -S C`, `-L C` and
 * `-L C -n` (the rule's line); NULL in the save column means iptables or
 * the kernel refused the rule.  One rule of that run is left out on
 * purpose: `-m length --length 4:3`, which 1.8.9 accepts and iptables
 * >= 1.8.10 refuses (libxt_length.t expects the refusal).
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "xt_build.h"
#include "rules/model.h"
#include "rules/ext.h"
#include "rules/rules.h"

static const struct {
	const char *table, *chain, *rule;
	const char *save;	/* NULL: refused */
	const char *list, *num; /* -L and -L -n rule lines */
} rows[] = {
    {"filter", "INPUT", "-m dscp --dscp 0x2e", "-A INPUT -m dscp --dscp 0x2e",
     "           all  --  anywhere             anywhere             DSCP match 0x2e",
     "           0    --  0.0.0.0/0            0.0.0.0/0            DSCP match 0x2e"},
    {"filter", "INPUT", "-m dscp ! --dscp-class AF41", "-A INPUT -m dscp ! --dscp 0x22",
     "           all  --  anywhere             anywhere             DSCP match !0x22",
     "           0    --  0.0.0.0/0            0.0.0.0/0            DSCP match !0x22"},
    {"filter", "INPUT", "-m tos --tos Minimize-Delay", "-A INPUT -m tos --tos 0x10/0x3f",
     "           all  --  anywhere             anywhere             tos match Minimize-Delay",
     "           0    --  0.0.0.0/0            0.0.0.0/0            tos match0x10/0x3f"},
    {"filter", "INPUT", "-m tos ! --tos 0x0f/0x0f", "-A INPUT -m tos ! --tos 0x0f/0x0f",
     "           all  --  anywhere             anywhere             tos match!0x0f/0x0f",
     "           0    --  0.0.0.0/0            0.0.0.0/0            tos match!0x0f/0x0f"},
    {"filter", "INPUT", "-m tos --tos 0xff", "-A INPUT -m tos --tos 0xff/0xff",
     "           all  --  anywhere             anywhere             tos match0xff/0xff",
     "           0    --  0.0.0.0/0            0.0.0.0/0            tos match0xff/0xff"},
    {"filter", "INPUT", "-m tos --tos 0x08/0xff", "-A INPUT -m tos --tos 0x08/0xff",
     "           all  --  anywhere             anywhere             tos match0x08/0xff",
     "           0    --  0.0.0.0/0            0.0.0.0/0            tos match0x08/0xff"},
    {"filter", "INPUT", "-m tos --tos 0x10/0x3f", "-A INPUT -m tos --tos 0x10/0x3f",
     "           all  --  anywhere             anywhere             tos match Minimize-Delay",
     "           0    --  0.0.0.0/0            0.0.0.0/0            tos match0x10/0x3f"},
    {"filter", "INPUT", "-m tos --tos 0x11/0x3f", "-A INPUT -m tos --tos 0x11/0x3f",
     "           all  --  anywhere             anywhere             tos match0x11/0x3f",
     "           0    --  0.0.0.0/0            0.0.0.0/0            tos match0x11/0x3f"},
    {"filter", "INPUT", "-p tcp -m ecn --ecn-tcp-ece --ecn-tcp-cwr --ecn-ip-ect 2",
     "-A INPUT -p tcp -m ecn --ecn-tcp-ece --ecn-tcp-cwr --ecn-ip-ect 2",
     "           tcp  --  anywhere             anywhere             ECN match ECE CWR ECT=2",
     "           6    --  0.0.0.0/0            0.0.0.0/0            ECN match ECE CWR ECT=2"},
    {"filter", "INPUT", "-p tcp -m ecn ! --ecn-tcp-ece ! --ecn-tcp-cwr ! --ecn-ip-ect 2",
     "-A INPUT -p tcp -m ecn ! --ecn-tcp-ece ! --ecn-tcp-cwr ! --ecn-ip-ect 2",
     "           tcp  --  anywhere             anywhere             ECN match !ECE !CWR !ECT=2",
     "           6    --  0.0.0.0/0            0.0.0.0/0            ECN match !ECE !CWR !ECT=2"},
    {"filter", "INPUT", "-m ecn --ecn-ip-ect 1", "-A INPUT -m ecn --ecn-ip-ect 1",
     "           all  --  anywhere             anywhere             ECN match ECT=1",
     "           0    --  0.0.0.0/0            0.0.0.0/0            ECN match ECT=1"},
    {"filter", "INPUT", "-m ecn ! --ecn-ip-ect 3", "-A INPUT -m ecn ! --ecn-ip-ect 3",
     "           all  --  anywhere             anywhere             ECN match !ECT=3",
     "           0    --  0.0.0.0/0            0.0.0.0/0            ECN match !ECT=3"},
    {"filter", "INPUT", "-m ecn --ecn-ip-ect 4", NULL, NULL, NULL},
    {"filter", "INPUT", "-m ecn", NULL, NULL, NULL},
    {"filter", "INPUT", "-m length --length 4:4", "-A INPUT -m length --length 4",
     "           all  --  anywhere             anywhere             length 4",
     "           0    --  0.0.0.0/0            0.0.0.0/0            length 4"},
    {"filter", "INPUT", "-m length ! --length 10:20", "-A INPUT -m length ! --length 10:20",
     "           all  --  anywhere             anywhere             length !10:20",
     "           0    --  0.0.0.0/0            0.0.0.0/0            length !10:20"},
    {"filter", "INPUT", "-m length ! --length 10", "-A INPUT -m length ! --length 10",
     "           all  --  anywhere             anywhere             length !10",
     "           0    --  0.0.0.0/0            0.0.0.0/0            length !10"},
    {"filter", "INPUT", "-m ttl --ttl-eq 5", "-A INPUT -m ttl --ttl-eq 5",
     "           all  --  anywhere             anywhere             TTL match TTL == 5",
     "           0    --  0.0.0.0/0            0.0.0.0/0            TTL match TTL == 5"},
    {"filter", "INPUT", "-m ttl ! --ttl-eq 5", "-A INPUT -m ttl ! --ttl-eq 5",
     "           all  --  anywhere             anywhere             TTL match TTL != 5",
     "           0    --  0.0.0.0/0            0.0.0.0/0            TTL match TTL != 5"},
    {"filter", "INPUT", "-m ttl --ttl-lt 5", "-A INPUT -m ttl --ttl-lt 5",
     "           all  --  anywhere             anywhere             TTL match TTL < 5",
     "           0    --  0.0.0.0/0            0.0.0.0/0            TTL match TTL < 5"},
    {"filter", "INPUT", "-m ttl --ttl-gt 5", "-A INPUT -m ttl --ttl-gt 5",
     "           all  --  anywhere             anywhere             TTL match TTL > 5",
     "           0    --  0.0.0.0/0            0.0.0.0/0            TTL match TTL > 5"},
    {"filter", "INPUT", "-m ttl ! --ttl-lt 5", NULL, NULL, NULL},
    {"filter", "INPUT", "-m ttl ! --ttl-gt 5", NULL, NULL, NULL},
    {"filter", "INPUT", "-m ttl --ttl-gt 5 --ttl-lt 8", NULL, NULL, NULL},
    {"filter", "INPUT", "-m ttl --ttl-eq 0x10", "-A INPUT -m ttl --ttl-eq 16",
     "           all  --  anywhere             anywhere             TTL match TTL == 16",
     "           0    --  0.0.0.0/0            0.0.0.0/0            TTL match TTL == 16"},
    {"filter", "INPUT", "-m mac --mac-source 42:01:02:03:04:05",
     "-A INPUT -m mac --mac-source 42:01:02:03:04:05",
     "           all  --  anywhere             anywhere             MAC 42:01:02:03:04:05",
     "           0    --  0.0.0.0/0            0.0.0.0/0            MAC 42:01:02:03:04:05"},
    {"filter", "INPUT", "-m mac ! --mac-source 42:01:02:03:04:0A",
     "-A INPUT -m mac ! --mac-source 42:01:02:03:04:0a",
     "           all  --  anywhere             anywhere             MAC ! 42:01:02:03:04:0a",
     "           0    --  0.0.0.0/0            0.0.0.0/0            MAC ! 42:01:02:03:04:0a"},
    {"filter", "INPUT", "-m mac --mac-source 42:01:2:03:04:05",
     "-A INPUT -m mac --mac-source 42:01:02:03:04:05",
     "           all  --  anywhere             anywhere             MAC 42:01:02:03:04:05",
     "           0    --  0.0.0.0/0            0.0.0.0/0            MAC 42:01:02:03:04:05"},
    {"filter", "OUTPUT", "-m mac --mac-source 42:01:02:03:04:05", NULL, NULL, NULL},
    {"filter", "INPUT", "-m pkttype --pkt-type unicast", "-A INPUT -m pkttype --pkt-type unicast",
     "           all  --  anywhere             anywhere             PKTTYPE = unicast",
     "           0    --  0.0.0.0/0            0.0.0.0/0            PKTTYPE = unicast"},
    {"filter", "INPUT", "-m pkttype ! --pkt-type broadcast",
     "-A INPUT -m pkttype ! --pkt-type broadcast",
     "           all  --  anywhere             anywhere             PKTTYPE != broadcast",
     "           0    --  0.0.0.0/0            0.0.0.0/0            PKTTYPE != broadcast"},
    {"filter", "INPUT", "-m pkttype --pkt-type Multicast",
     "-A INPUT -m pkttype --pkt-type multicast",
     "           all  --  anywhere             anywhere             PKTTYPE = multicast",
     "           0    --  0.0.0.0/0            0.0.0.0/0            PKTTYPE = multicast"},
    {"filter", "INPUT", "-m pkttype --pkt-type host", "-A INPUT -m pkttype --pkt-type unicast",
     "           all  --  anywhere             anywhere             PKTTYPE = unicast",
     "           0    --  0.0.0.0/0            0.0.0.0/0            PKTTYPE = unicast"},
    {"filter", "INPUT", "-m pkttype --pkt-type otherhost",
     "-A INPUT -m pkttype --pkt-type otherhost",
     "           all  --  anywhere             anywhere             PKTTYPE = otherhost",
     "           0    --  0.0.0.0/0            0.0.0.0/0            PKTTYPE = otherhost"},
    {"filter", "INPUT", "-m u32 --u32 \"0x0=0x0&&0x0=0x1\"",
     "-A INPUT -m u32 --u32 \"0x0=0x0&&0x0=0x1\"",
     "           all  --  anywhere             anywhere             u32 \"0x0=0x0&&0x0=0x1\"",
     "           0    --  0.0.0.0/0            0.0.0.0/0            u32 \"0x0=0x0&&0x0=0x1\""},
    {"filter", "INPUT", "-m u32 ! --u32 \"0 >> 28 = 4 && 8 & 0xFF0000 >> 16 = 6, 17\"",
     "-A INPUT -m u32 ! --u32 \"0x0>>0x1c=0x4&&0x8&0xff0000>>0x10=0x6,0x11\"",
     "           all  --  anywhere             anywhere             u32 ! "
     "\"0x0>>0x1c=0x4&&0x8&0xff0000>>0x10=0x6,0x11\"",
     "           0    --  0.0.0.0/0            0.0.0.0/0            u32 ! "
     "\"0x0>>0x1c=0x4&&0x8&0xff0000>>0x10=0x6,0x11\""},
    {"filter", "INPUT", "-m u32 --u32 \"6&0xFF=1&&4&0x3FFF=0&&0>>22&0x3C@4>>16=0x0:0x100,5\"",
     "-A INPUT -m u32 --u32 "
     "\"0x6&0xff=0x1&&0x4&0x3fff=0x0&&0x0>>0x16&0x3c@0x4>>0x10=0x0:0x100,0x5\"",
     "           all  --  anywhere             anywhere             u32 "
     "\"0x6&0xff=0x1&&0x4&0x3fff=0x0&&0x0>>0x16&0x3c@0x4>>0x10=0x0:0x100,0x5\"",
     "           0    --  0.0.0.0/0            0.0.0.0/0            u32 "
     "\"0x6&0xff=0x1&&0x4&0x3fff=0x0&&0x0>>0x16&0x3c@0x4>>0x10=0x0:0x100,0x5\""},
    {"filter", "INPUT", "-m u32 --u32 \"0=1&&0=2&&0=3&&0=4&&0=5&&0=6&&0=7&&0=8&&0=9&&0=10&&0=11\"",
     NULL, NULL, NULL},
    {"filter", "INPUT",
     "-m u32 --u32 \"0=1&&0=2&&0=3&&0=4&&0=5&&0=6&&0=7&&0=8&&0=9&&0=10&&0=11&&0=12\"", NULL, NULL,
     NULL},
    {"filter", "INPUT", "-m u32 --u32 \"0=1,2,3,4,5,6,7,8,9,10,11\"", NULL, NULL, NULL},
    {"filter", "INPUT", "-m u32 --u32 \"0=1,2,3,4,5,6,7,8,9,10,11,12\"", NULL, NULL, NULL},
    {"filter", "INPUT", "-m u32 --u32 \"0&1&1&1&1&1&1&1&1&1&1=1\"", NULL, NULL, NULL},
    {"filter", "INPUT", "-m u32 --u32 \"0&1&1&1&1&1&1&1&1&1&1&1=1\"", NULL, NULL, NULL},
    {"filter", "INPUT", "-m u32 --u32 \"0x100000000=1\"", NULL, NULL, NULL},
    {"filter", "INPUT", "-m u32 --u32 \"0=\"", NULL, NULL, NULL},
    {"filter", "INPUT", "-m u32 --u32 \"=1\"", NULL, NULL, NULL},
    {"filter", "INPUT", "-m string --string \"te\\\"st\" --algo kmp --icase --from 10 --to 100",
     "-A INPUT -m string --string \"te\\\"st\" --algo kmp --from 10 --to 100 --icase",
     "           all  --  anywhere             anywhere             STRING match  \"te\\\"st\" "
     "ALGO name kmp FROM 10 TO 100 ICASE",
     "           0    --  0.0.0.0/0            0.0.0.0/0            STRING match  \"te\\\"st\" "
     "ALGO name kmp FROM 10 TO 100 ICASE"},
    {"filter", "INPUT", "-m string ! --hex-string \"|41 42|c|0a|\" --algo bm",
     "-A INPUT -m string ! --hex-string \"|4142630a|\" --algo bm",
     "           all  --  anywhere             anywhere             STRING match ! \"|4142630a|\" "
     "ALGO name bm",
     "           0    --  0.0.0.0/0            0.0.0.0/0            STRING match ! \"|4142630a|\" "
     "ALGO name bm"},
    {"filter", "INPUT", "-m string --hex-string \"ab\\\\c\" --algo bm",
     "-A INPUT -m string --string \"abc\" --algo bm",
     "           all  --  anywhere             anywhere             STRING match  \"abc\" ALGO "
     "name bm",
     "           0    --  0.0.0.0/0            0.0.0.0/0            STRING match  \"abc\" ALGO "
     "name bm"},
    {"filter", "INPUT", "-m string --string \"ab\\\\\" --algo bm",
     "-A INPUT -m string --hex-string \"|61625c|\" --algo bm",
     "           all  --  anywhere             anywhere             STRING match  \"|61625c|\" "
     "ALGO name bm",
     "           0    --  0.0.0.0/0            0.0.0.0/0            STRING match  \"|61625c|\" "
     "ALGO name bm"},
    {"filter", "INPUT", "-m string --string \"\" --algo bm", NULL, NULL, NULL},
    {"filter", "INPUT", "-m string --string \"\" --algo kmp", NULL, NULL, NULL},
    {"filter", "INPUT", "-m string --string \"a\" --algo fsm", NULL, NULL, NULL},
    {"filter", "INPUT", "-m string --string \"abc\" --algo bm --from 100 --to 10", NULL, NULL,
     NULL},
    {"filter", "INPUT", "-m string --string \"abc\" --algo bm --to 0",
     "-A INPUT -m string --string \"abc\" --algo bm --to 0",
     "           all  --  anywhere             anywhere             STRING match  \"abc\" ALGO "
     "name bm TO 0",
     "           0    --  0.0.0.0/0            0.0.0.0/0            STRING match  \"abc\" ALGO "
     "name bm TO 0"},
    {"filter", "INPUT", "-m string --string \"abc\" --algo bm --icase",
     "-A INPUT -m string --string \"abc\" --algo bm --icase",
     "           all  --  anywhere             anywhere             STRING match  \"abc\" ALGO "
     "name bm ICASE",
     "           0    --  0.0.0.0/0            0.0.0.0/0            STRING match  \"abc\" ALGO "
     "name bm ICASE"},
    {"filter", "INPUT", "-p tcp -m tcpmss --mss 42:12345",
     "-A INPUT -p tcp -m tcpmss --mss 42:12345",
     "           tcp  --  anywhere             anywhere             tcpmss match 42:12345",
     "           6    --  0.0.0.0/0            0.0.0.0/0            tcpmss match 42:12345"},
    {"filter", "INPUT", "-p tcp -m tcpmss ! --mss 42", "-A INPUT -p tcp -m tcpmss ! --mss 42",
     "           tcp  --  anywhere             anywhere             tcpmss match !42",
     "           6    --  0.0.0.0/0            0.0.0.0/0            tcpmss match !42"},
    {"filter", "INPUT", "-p tcp -m tcpmss ! --mss 42:50", "-A INPUT -p tcp -m tcpmss ! --mss 42:50",
     "           tcp  --  anywhere             anywhere             tcpmss match !42:50",
     "           6    --  0.0.0.0/0            0.0.0.0/0            tcpmss match !42:50"},
    {"mangle", "PREROUTING", "-j DSCP --set-dscp 0x2e", "-A PREROUTING -j DSCP --set-dscp 0x2e",
     "DSCP       all  --  anywhere             anywhere             DSCP set 0x2e",
     "DSCP       0    --  0.0.0.0/0            0.0.0.0/0            DSCP set 0x2e"},
    {"mangle", "PREROUTING", "-j DSCP --set-dscp-class af11",
     "-A PREROUTING -j DSCP --set-dscp 0x0a",
     "DSCP       all  --  anywhere             anywhere             DSCP set 0x0a",
     "DSCP       0    --  0.0.0.0/0            0.0.0.0/0            DSCP set 0x0a"},
    {"filter", "INPUT", "-j DSCP --set-dscp 1", NULL, NULL, NULL},
    {"mangle", "PREROUTING", "-j TOS --set-tos 0x1f", "-A PREROUTING -j TOS --set-tos 0x1f/0xff",
     "TOS        all  --  anywhere             anywhere             TOS set 0x1f/0xff",
     "TOS        0    --  0.0.0.0/0            0.0.0.0/0            TOS set 0x1f/0xff"},
    {"mangle", "PREROUTING", "-j TOS --set-tos Minimize-Delay",
     "-A PREROUTING -j TOS --set-tos 0x10/0x3f",
     "TOS        all  --  anywhere             anywhere              TOS setMinimize-Delay",
     "TOS        0    --  0.0.0.0/0            0.0.0.0/0            TOS set 0x10/0x3f"},
    {"mangle", "PREROUTING", "-j TOS --set-tos 0x10/0x3f",
     "-A PREROUTING -j TOS --set-tos 0x10/0x3f",
     "TOS        all  --  anywhere             anywhere              TOS setMinimize-Delay",
     "TOS        0    --  0.0.0.0/0            0.0.0.0/0            TOS set 0x10/0x3f"},
    {"mangle", "PREROUTING", "-j TOS --set-tos 0x05/0x3f",
     "-A PREROUTING -j TOS --set-tos 0x05/0x3f",
     "TOS        all  --  anywhere             anywhere             TOS set 0x05/0x3f",
     "TOS        0    --  0.0.0.0/0            0.0.0.0/0            TOS set 0x05/0x3f"},
    {"mangle", "PREROUTING", "-j TOS --and-tos 0x12", "-A PREROUTING -j TOS --set-tos 0x00/0xed",
     "TOS        all  --  anywhere             anywhere             TOS and 0x12",
     "TOS        0    --  0.0.0.0/0            0.0.0.0/0            TOS set 0x00/0xed"},
    {"mangle", "PREROUTING", "-j TOS --or-tos 0x12", "-A PREROUTING -j TOS --set-tos 0x12/0x12",
     "TOS        all  --  anywhere             anywhere             TOS or 0x12",
     "TOS        0    --  0.0.0.0/0            0.0.0.0/0            TOS set 0x12/0x12"},
    {"mangle", "PREROUTING", "-j TOS --xor-tos 0x12", "-A PREROUTING -j TOS --set-tos 0x12/0x00",
     "TOS        all  --  anywhere             anywhere             TOS xor 0x12",
     "TOS        0    --  0.0.0.0/0            0.0.0.0/0            TOS set 0x12/0x00"},
    {"mangle", "PREROUTING", "-j TOS --set-tos 0x00/0x00",
     "-A PREROUTING -j TOS --set-tos 0x00/0x00",
     "TOS        all  --  anywhere             anywhere             TOS and 0xff",
     "TOS        0    --  0.0.0.0/0            0.0.0.0/0            TOS set 0x00/0x00"},
    {"mangle", "PREROUTING", "-j TOS --set-tos 0xff", "-A PREROUTING -j TOS --set-tos 0xff/0xff",
     "TOS        all  --  anywhere             anywhere             TOS or 0xff",
     "TOS        0    --  0.0.0.0/0            0.0.0.0/0            TOS set 0xff/0xff"},
    {"mangle", "PREROUTING", "-j TOS --set-tos 0x100", NULL, NULL, NULL},
    {"mangle", "PREROUTING", "-j TTL --ttl-set 42", "-A PREROUTING -j TTL --ttl-set 42",
     "TTL        all  --  anywhere             anywhere             TTL set to 42",
     "TTL        0    --  0.0.0.0/0            0.0.0.0/0            TTL set to 42"},
    {"mangle", "PREROUTING", "-j TTL --ttl-inc 1", "-A PREROUTING -j TTL --ttl-inc 1",
     "TTL        all  --  anywhere             anywhere             TTL increment by 1",
     "TTL        0    --  0.0.0.0/0            0.0.0.0/0            TTL increment by 1"},
    {"mangle", "PREROUTING", "-j TTL --ttl-dec 3", "-A PREROUTING -j TTL --ttl-dec 3",
     "TTL        all  --  anywhere             anywhere             TTL decrement by 3",
     "TTL        0    --  0.0.0.0/0            0.0.0.0/0            TTL decrement by 3"},
    {"mangle", "PREROUTING", "-j TTL --ttl-set 0", "-A PREROUTING -j TTL --ttl-set 0",
     "TTL        all  --  anywhere             anywhere             TTL set to 0",
     "TTL        0    --  0.0.0.0/0            0.0.0.0/0            TTL set to 0"},
    {"filter", "INPUT", "-j TTL --ttl-set 3", NULL, NULL, NULL},
    {"mangle", "FORWARD", "-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j TCPMSS --set-mss 42",
     "-A FORWARD -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j TCPMSS --set-mss 42",
     "TCPMSS     tcp  --  anywhere             anywhere             tcp flags:FIN,SYN,RST,ACK/SYN "
     "TCPMSS set 42",
     "TCPMSS     6    --  0.0.0.0/0            0.0.0.0/0            tcp flags:0x17/0x02 TCPMSS set "
     "42"},
    {"mangle", "FORWARD",
     "-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j TCPMSS --clamp-mss-to-pmtu",
     "-A FORWARD -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j TCPMSS --clamp-mss-to-pmtu",
     "TCPMSS     tcp  --  anywhere             anywhere             tcp flags:FIN,SYN,RST,ACK/SYN "
     "TCPMSS clamp to PMTU",
     "TCPMSS     6    --  0.0.0.0/0            0.0.0.0/0            tcp flags:0x17/0x02 TCPMSS "
     "clamp to PMTU"},
    {"mangle", "PREROUTING",
     "-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j TCPMSS --clamp-mss-to-pmtu", NULL, NULL,
     NULL},
    {"mangle", "FORWARD", "-p tcp -j TCPMSS --set-mss 42",
     "-A FORWARD -p tcp -j TCPMSS --set-mss 42",
     "TCPMSS     tcp  --  anywhere             anywhere             TCPMSS set 42",
     "TCPMSS     6    --  0.0.0.0/0            0.0.0.0/0            TCPMSS set 42"},
    {"mangle", "FORWARD", "-j TCPMSS --set-mss 42", NULL, NULL, NULL},
    {"mangle", "FORWARD", "-p tcp -j TCPMSS --set-mss 42 --clamp-mss-to-pmtu",
     "-A FORWARD -p tcp -j TCPMSS --clamp-mss-to-pmtu",
     "TCPMSS     tcp  --  anywhere             anywhere             TCPMSS clamp to PMTU",
     "TCPMSS     6    --  0.0.0.0/0            0.0.0.0/0            TCPMSS clamp to PMTU"},
    {"mangle", "FORWARD", "-p tcp -j TCPMSS --set-mss 65535", NULL, NULL, NULL},
    {"mangle", "FORWARD", "-p tcp -j TCPMSS --set-mss 0", "-A FORWARD -p tcp -j TCPMSS --set-mss 0",
     "TCPMSS     tcp  --  anywhere             anywhere             TCPMSS set 0",
     "TCPMSS     6    --  0.0.0.0/0            0.0.0.0/0            TCPMSS set 0"},
    {"filter", "FORWARD", "-p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu",
     "-A FORWARD -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu",
     "TCPMSS     tcp  --  anywhere             anywhere             tcp flags:SYN,RST/SYN TCPMSS "
     "clamp to PMTU",
     "TCPMSS     6    --  0.0.0.0/0            0.0.0.0/0            tcp flags:0x06/0x02 TCPMSS "
     "clamp to PMTU"},
    {"mangle", "POSTROUTING", "-p udp -j CHECKSUM --checksum-fill",
     "-A POSTROUTING -p udp -j CHECKSUM --checksum-fill",
     "CHECKSUM   udp  --  anywhere             anywhere             CHECKSUM fill",
     "CHECKSUM   17   --  0.0.0.0/0            0.0.0.0/0            CHECKSUM fill"},
    {"filter", "OUTPUT", "-p udp -j CHECKSUM --checksum-fill", NULL, NULL, NULL},
    {"filter", "INPUT", "-m tos ! --tos Minimize-Cost", "-A INPUT -m tos ! --tos 0x02/0x3f",
     "           all  --  anywhere             anywhere             tos match! Minimize-Cost",
     "           0    --  0.0.0.0/0            0.0.0.0/0            tos match!0x02/0x3f"},
    {"filter", "INPUT", "-m tos --tos 0x100", NULL, NULL, NULL},
    {"filter", "INPUT", "-m tos --tos 0x10/0x100", NULL, NULL, NULL},
    {"filter", "INPUT", "-m dscp --dscp-class XX", NULL, NULL, NULL},
    {"filter", "INPUT", "-m dscp --dscp 0x40", NULL, NULL, NULL},
    {"filter", "INPUT", "-m dscp --dscp 63", "-A INPUT -m dscp --dscp 0x3f",
     "           all  --  anywhere             anywhere             DSCP match 0x3f",
     "           0    --  0.0.0.0/0            0.0.0.0/0            DSCP match 0x3f"},
    {"filter", "INPUT", "-m dscp --dscp-class cs7", "-A INPUT -m dscp --dscp 0x38",
     "           all  --  anywhere             anywhere             DSCP match 0x38",
     "           0    --  0.0.0.0/0            0.0.0.0/0            DSCP match 0x38"},
    {"mangle", "FORWARD", "-p tcp -j TCPMSS --clamp-mss-to-pmtu --set-mss 42",
     "-A FORWARD -p tcp -j TCPMSS --set-mss 42",
     "TCPMSS     tcp  --  anywhere             anywhere             TCPMSS set 42",
     "TCPMSS     6    --  0.0.0.0/0            0.0.0.0/0            TCPMSS set 42"},
    {"mangle", "FORWARD", "-p tcp -j TCPMSS --set-mss 42 --set-mss 43", NULL, NULL, NULL},
    {"mangle", "FORWARD", "! -p tcp -j TCPMSS --set-mss 42", NULL, NULL, NULL},
    {"filter", "INPUT", "-m tcpmss --mss 42", NULL, NULL, NULL},
    {"filter", "INPUT", "-p tcp -m tcpmss --mss 42:65536", NULL, NULL, NULL},
    {"filter", "INPUT", "-p tcp -m tcpmss --mss 65535:1000", NULL, NULL, NULL},
    {"filter", "INPUT", "! -p tcp -m tcpmss --mss 42", NULL, NULL, NULL},
    {"filter", "INPUT", "-p udp -m tcpmss --mss 42", NULL, NULL, NULL},
    {"filter", "INPUT", "-m length --length 0:65536", NULL, NULL, NULL},
    {"filter", "INPUT", "-m length --length 5:", "-A INPUT -m length --length 5:65535",
     "           all  --  anywhere             anywhere             length 5:65535",
     "           0    --  0.0.0.0/0            0.0.0.0/0            length 5:65535"},
    {"filter", "INPUT", "-m ttl --ttl-eq 256", NULL, NULL, NULL},
    {"filter", "INPUT", "-m ttl --ttl-eq 5 --ttl-gt 3", NULL, NULL, NULL},
    {"filter", "INPUT", "-m pkttype --pkt-type wrong", NULL, NULL, NULL},
    {"filter", "INPUT", "-m pkttype --pkt-type 3", NULL, NULL, NULL},
    {"filter", "INPUT", "-m mac --mac-source 42:01:02:03:04", NULL, NULL, NULL},
    {"filter", "INPUT", "-m mac --mac-source 4201:02:03:04:05", NULL, NULL, NULL},
    {"filter", "INPUT", "-m mac --mac-source 142:01:02:03:04:05", NULL, NULL, NULL},
    {"filter", "FORWARD", "-m mac --mac-source 42:01:02:03:04:05",
     "-A FORWARD -m mac --mac-source 42:01:02:03:04:05",
     "           all  --  anywhere             anywhere             MAC 42:01:02:03:04:05",
     "           0    --  0.0.0.0/0            0.0.0.0/0            MAC 42:01:02:03:04:05"},
    {"mangle", "POSTROUTING", "-m mac --mac-source 42:01:02:03:04:05", NULL, NULL, NULL},
    {"filter", "INPUT", "-m string --string \"x\" --algo abcdefghijklmnopq", NULL, NULL, NULL},
    {"filter", "INPUT", "-m string --string \"x\" --algo kmp --from 65536", NULL, NULL, NULL},
    {"filter", "INPUT", "-m string --algo bm --string \"a b\" --string c", NULL, NULL, NULL},
    {"filter", "INPUT", "-m string --hex-string \"|4|\" --algo bm", NULL, NULL, NULL},
    {"filter", "INPUT", "-m string --hex-string \"|41\" --algo bm", NULL, NULL, NULL},
    {"filter", "INPUT", "-m string --hex-string \"a|41|\" --algo bm",
     "-A INPUT -m string --string \"aA\" --algo bm",
     "           all  --  anywhere             anywhere             STRING match  \"aA\" ALGO name "
     "bm",
     "           0    --  0.0.0.0/0            0.0.0.0/0            STRING match  \"aA\" ALGO name "
     "bm"},
    {"filter", "INPUT", "-m string --hex-string \"|zz|\" --algo bm", NULL, NULL, NULL},
    {"filter", "INPUT", "-m string --hex-string \"|00|\" --algo bm",
     "-A INPUT -m string --hex-string \"|00|\" --algo bm",
     "           all  --  anywhere             anywhere             STRING match  \"|00|\" ALGO "
     "name bm",
     "           0    --  0.0.0.0/0            0.0.0.0/0            STRING match  \"|00|\" ALGO "
     "name bm"},
    {"filter", "INPUT", "-m string --string \"é\" --algo bm",
     "-A INPUT -m string --hex-string \"|c3a9|\" --algo bm",
     "           all  --  anywhere             anywhere             STRING match  \"|c3a9|\" ALGO "
     "name bm",
     "           0    --  0.0.0.0/0            0.0.0.0/0            STRING match  \"|c3a9|\" ALGO "
     "name bm"},
    {"filter", "INPUT", "-m string --string \"a|b\" --algo bm",
     "-A INPUT -m string --string \"a|b\" --algo bm",
     "           all  --  anywhere             anywhere             STRING match  \"a|b\" ALGO "
     "name bm",
     "           0    --  0.0.0.0/0            0.0.0.0/0            STRING match  \"a|b\" ALGO "
     "name bm"},
    {"filter", "INPUT", "-m string --string \"a'b c\" --algo bm",
     "-A INPUT -m string --string \"a'b c\" --algo bm",
     "           all  --  anywhere             anywhere             STRING match  \"a'b c\" ALGO "
     "name bm",
     "           0    --  0.0.0.0/0            0.0.0.0/0            STRING match  \"a'b c\" ALGO "
     "name bm"},
    {"mangle", "PREROUTING", "-j DSCP --set-dscp 0x3f --set-dscp-class CS0", NULL, NULL, NULL},
    {"mangle", "PREROUTING", "-j DSCP --set-dscp-class CS8", NULL, NULL, NULL},
    {"mangle", "PREROUTING", "-j TOS --set-tos 0x10 --and-tos 1", NULL, NULL, NULL},
    {"mangle", "PREROUTING", "-j TOS --set-tos Normal-Service",
     "-A PREROUTING -j TOS --set-tos 0x00/0x3f",
     "TOS        all  --  anywhere             anywhere              TOS setNormal-Service",
     "TOS        0    --  0.0.0.0/0            0.0.0.0/0            TOS set 0x00/0x3f"},
    {"mangle", "PREROUTING", "-j TOS --set-tos 0x1f/0x3f",
     "-A PREROUTING -j TOS --set-tos 0x1f/0x3f",
     "TOS        all  --  anywhere             anywhere             TOS set 0x1f/0x3f",
     "TOS        0    --  0.0.0.0/0            0.0.0.0/0            TOS set 0x1f/0x3f"},
    {"mangle", "PREROUTING", "-j TOS --set-tos normal-service",
     "-A PREROUTING -j TOS --set-tos 0x00/0x3f",
     "TOS        all  --  anywhere             anywhere              TOS setNormal-Service",
     "TOS        0    --  0.0.0.0/0            0.0.0.0/0            TOS set 0x00/0x3f"},
    {"mangle", "PREROUTING", "-j TTL --ttl-set 5 --ttl-set 6", NULL, NULL, NULL},
    {"mangle", "PREROUTING", "-j TTL", NULL, NULL, NULL},
    {"mangle", "PREROUTING", "-j CHECKSUM", NULL, NULL, NULL},
    {"mangle", "PREROUTING", "-j CHECKSUM --checksum-fill",
     "-A PREROUTING -j CHECKSUM --checksum-fill",
     "CHECKSUM   all  --  anywhere             anywhere             CHECKSUM fill",
     "CHECKSUM   0    --  0.0.0.0/0            0.0.0.0/0            CHECKSUM fill"},
    {"raw", "PREROUTING", "-j CHECKSUM --checksum-fill", NULL, NULL, NULL},
    {"nat", "POSTROUTING", "-j CHECKSUM --checksum-fill", NULL, NULL, NULL},
    {"filter", "OUTPUT", "-m u32 --u32 \"0 = 1 , 2\"", "-A OUTPUT -m u32 --u32 \"0x0=0x1,0x2\"",
     "           all  --  anywhere             anywhere             u32 \"0x0=0x1,0x2\"",
     "           0    --  0.0.0.0/0            0.0.0.0/0            u32 \"0x0=0x1,0x2\""},
    {"filter", "OUTPUT", "-m u32 --u32 \"0<1=2\"", NULL, NULL, NULL},
    {"filter", "OUTPUT", "-m u32 --u32 \"0=1&2\"", NULL, NULL, NULL},
    {"filter", "OUTPUT", "-m u32 --u32 \"0=1&&\"", NULL, NULL, NULL},
    {"filter", "OUTPUT", "-m u32 --u32 \"\"", NULL, NULL, NULL},
    {"filter", "OUTPUT", "-m u32 --u32 \"0=0xffffffff\"",
     "-A OUTPUT -m u32 --u32 \"0x0=0xffffffff\"",
     "           all  --  anywhere             anywhere             u32 \"0x0=0xffffffff\"",
     "           0    --  0.0.0.0/0            0.0.0.0/0            u32 \"0x0=0xffffffff\""},
    {"filter", "OUTPUT", "-m u32 --u32 \"0=-1\"", NULL, NULL, NULL},
    {"filter", "OUTPUT", "-m u32 --u32 \"0=010\"", "-A OUTPUT -m u32 --u32 \"0x0=0x8\"",
     "           all  --  anywhere             anywhere             u32 \"0x0=0x8\"",
     "           0    --  0.0.0.0/0            0.0.0.0/0            u32 \"0x0=0x8\""},
    {"filter", "OUTPUT", "-m u32 --u32 \"0x=1\"", NULL, NULL, NULL},
    {"filter", "OUTPUT", "-m u32 --u32 \"0=5:1\"", "-A OUTPUT -m u32 --u32 \"0x0=0x5:0x1\"",
     "           all  --  anywhere             anywhere             u32 \"0x0=0x5:0x1\"",
     "           0    --  0.0.0.0/0            0.0.0.0/0            u32 \"0x0=0x5:0x1\""},
    {"filter", "INPUT", "-m pkttype --pkt-type bcast", "-A INPUT -m pkttype --pkt-type broadcast",
     "           all  --  anywhere             anywhere             PKTTYPE = broadcast",
     "           0    --  0.0.0.0/0            0.0.0.0/0            PKTTYPE = broadcast"},
    {"filter", "INPUT", "-m pkttype --pkt-type mcast", "-A INPUT -m pkttype --pkt-type multicast",
     "           all  --  anywhere             anywhere             PKTTYPE = multicast",
     "           0    --  0.0.0.0/0            0.0.0.0/0            PKTTYPE = multicast"},
    {"filter", "INPUT", "-m pkttype --pkt-type outgoing", NULL, NULL, NULL},
    {"filter", "INPUT", "-m pkttype --pkt-type loopback", NULL, NULL, NULL},
    {"filter", "INPUT", "-m pkttype --pkt-type UNICAST", "-A INPUT -m pkttype --pkt-type unicast",
     "           all  --  anywhere             anywhere             PKTTYPE = unicast",
     "           0    --  0.0.0.0/0            0.0.0.0/0            PKTTYPE = unicast"},
    {"filter", "INPUT", "-m ecn --ecn-tcp-ece", NULL, NULL, NULL},
    {"filter", "INPUT", "! -p tcp -m ecn --ecn-ip-ect 1", "-A INPUT ! -p tcp -m ecn --ecn-ip-ect 1",
     "          !tcp  --  anywhere             anywhere             ECN match ECT=1",
     "          !6    --  0.0.0.0/0            0.0.0.0/0            ECN match ECT=1"},
    {"filter", "INPUT", "-m length --length 0x10:020", "-A INPUT -m length --length 16",
     "           all  --  anywhere             anywhere             length 16",
     "           0    --  0.0.0.0/0            0.0.0.0/0            length 16"},
    {"filter", "INPUT", "-m tos --tos 0x10/0x3f --tos 0x10", NULL, NULL, NULL},
    {"mangle", "PREROUTING", "-j TOS --and-tos 0x100", NULL, NULL, NULL},
    {"mangle", "PREROUTING", "-j TOS --and-tos Minimize-Delay", NULL, NULL, NULL},
    {"mangle", "PREROUTING", "-j TTL --ttl-inc 255", "-A PREROUTING -j TTL --ttl-inc 255",
     "TTL        all  --  anywhere             anywhere             TTL increment by 255",
     "TTL        0    --  0.0.0.0/0            0.0.0.0/0            TTL increment by 255"},
    {"mangle", "PREROUTING", "-j TTL --ttl-dec 0", NULL, NULL, NULL},
};

TEST(rule_text_is_what_iptables_1_8_9_lists)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct upt_rules *rs = upt_rules_create();
		char text[1024], err[512] = "", line[1024];
		int t = upt_rules_table_by_name(rows[i].table), rc;

		snprintf(text, sizeof(text), "*%s\n-A %s %s\nCOMMIT\n", rows[i].table,
			 rows[i].chain, rows[i].rule);
		rc = upt_rules_restore(rs, text, strlen(text), 0, NULL, err, sizeof(err));
		if (!rows[i].save) {
			CHECK_MSG(rc != 0, "[%s %s] %s: accepted, iptables refuses it",
				  rows[i].table, rows[i].chain, rows[i].rule);
			upt_rules_destroy(rs);
			continue;
		}
		CHECK_MSG(rc == 0, "[%s %s] %s: refused (%s)", rows[i].table, rows[i].chain,
			  rows[i].rule, err);
		if (rc == 0) {
			struct upt_sb sb;
			struct upt_list_opts o = {0};
			char head[64];
			const char *s;

			upt_sb_init(&sb);
			upt_rules_save(rs, rows[i].table, 0, &sb);
			snprintf(head, sizeof(head), "\n-A %s ", rows[i].chain);
			s = strstr(upt_sb_str(&sb), head);
			CHECK_STR(s ? xt_nth_line(s + 1, 0, line, sizeof(line)) : "", rows[i].save);
			upt_sb_free(&sb);
			for (int numeric = 0; numeric < 2; numeric++) {
				upt_sb_init(&sb);
				o.flags = numeric ? UPT_LIST_NUMERIC : 0;
				upt_rules_list(rs, (enum upt_table)t, rows[i].chain, 0, &o, &sb);
				CHECK_STR(xt_nth_line(upt_sb_str(&sb), 2, line, sizeof(line)),
					  numeric ? rows[i].num : rows[i].list);
				upt_sb_free(&sb);
			}
		}
		upt_rules_destroy(rs);
	}
}

/* The saved form restores to itself (save is the exact inverse of parse). */
TEST(saved_rule_restores_to_the_same_text)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct upt_rules *rs;
		struct upt_sb sb;
		char text[1024], err[512] = "", line[1024], head[64];
		const char *s;

		if (!rows[i].save)
			continue;
		rs = upt_rules_create();
		snprintf(text, sizeof(text), "*%s\n%s\nCOMMIT\n", rows[i].table, rows[i].save);
		CHECK_MSG(upt_rules_restore(rs, text, strlen(text), 0, NULL, err, sizeof(err)) == 0,
			  "%s: refused (%s)", rows[i].save, err);
		upt_sb_init(&sb);
		upt_rules_save(rs, rows[i].table, 0, &sb);
		snprintf(head, sizeof(head), "\n-A %s ", rows[i].chain);
		s = strstr(upt_sb_str(&sb), head);
		CHECK_STR(s ? xt_nth_line(s + 1, 0, line, sizeof(line)) : "", rows[i].save);
		upt_sb_free(&sb);
		upt_rules_destroy(rs);
	}
}

/* Save the one rule of `text`'s table into line; false when the restore refuses it. */
static bool restore_save(const char *text, char *line, size_t len)
{
	struct upt_rules *rs = upt_rules_create();
	char err[512];
	struct upt_sb sb;
	const char *s;
	bool ok = upt_rules_restore(rs, text, strlen(text), 0, NULL, err, sizeof(err)) == 0;

	line[0] = '\0';
	if (ok) {
		upt_sb_init(&sb);
		upt_rules_save(rs, "filter", 0, &sb);
		s = strstr(upt_sb_str(&sb), "\n-A INPUT ");
		if (s)
			xt_nth_line(s + 1, 0, line, len);
		upt_sb_free(&sb);
	}
	upt_rules_destroy(rs);
	return ok;
}

/*
 * Random u32 expressions and --hex-string arguments: each is refused, or
 * accepted with a saved form that restores to the same text (the parsers
 * never read or write out of bounds: run under ASan in `make test`).
 */
TEST(random_u32_and_hex_strings_are_refused_or_round_trip)
{
	static const char u32_alpha[] = "0123456789x&<>@=:, ";
	static const char hex_alpha[] = "|0a1 9\\fz";
	uint64_t seed = 12345;
	unsigned accepted = 0;

	for (int round = 0; round < 4000; round++) {
		char arg[48], text[640], first[512], again[512];
		bool u32 = round & 1;
		const char *alpha = u32 ? u32_alpha : hex_alpha;
		size_t alen = strlen(alpha), n;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		n = 1 + (seed >> 40) % (sizeof(arg) - 1);
		for (size_t i = 0; i < n; i++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			arg[i] = alpha[(seed >> 33) % alen];
		}
		arg[n] = '\0';
		if (u32)
			snprintf(text, sizeof(text),
				 "*filter\n-A INPUT -m u32 --u32 \"%s\"\nCOMMIT\n", arg);
		else
			snprintf(
			    text, sizeof(text),
			    "*filter\n-A INPUT -m string --algo bm --hex-string \"%s\"\nCOMMIT\n",
			    arg);
		if (!restore_save(text, first, sizeof(first)))
			continue;
		accepted++;
		snprintf(text, sizeof(text), "*filter\n%s\nCOMMIT\n", first);
		CHECK_MSG(restore_save(text, again, sizeof(again)), "%s: saved as %s, refused", arg,
			  first);
		CHECK_STR(again, first);
	}
	CHECK(accepted > 100);
}

/*
 * --clamp-mss-to-pmtu in a user chain: refused when the chain is reachable
 * from PREROUTING or INPUT, accepted from FORWARD, OUTPUT, POSTROUTING.
 * This is x_tables' rule (tcpmss_tg4_check on the chain's hook mask, as
 * iptables-legacy loads it).  Deliberately stricter than iptables-nft 1.8.9
 * on kernel 6.18, which was seen to accept the PREROUTING and INPUT cases:
 * there a SYN has no route yet, hence no path MTU to clamp to.
 */
TEST(tcpmss_clamp_in_a_user_chain_follows_the_hooks_it_is_reached_from)
{
	static const struct {
		const char *from;
		bool ok;
	} hooks[] = {{"FORWARD", true},
		     {"POSTROUTING", true},
		     {"OUTPUT", true},
		     {"PREROUTING", false},
		     {"INPUT", false}};

	for (size_t i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++) {
		struct upt_rules *rs = upt_rules_create();
		char text[512], err[512] = "";

		snprintf(text, sizeof(text),
			 "*mangle\n:clamp - [0:0]\n-A %s -j clamp\n"
			 "-A clamp -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS "
			 "--clamp-mss-to-pmtu\nCOMMIT\n",
			 hooks[i].from);
		CHECK_MSG((upt_rules_restore(rs, text, strlen(text), 0, NULL, err, sizeof(err)) ==
			   0) == hooks[i].ok,
			  "from %s: %s", hooks[i].from, err);
		upt_rules_destroy(rs);
		/* --set-mss has no hook limit. */
		rs = upt_rules_create();
		snprintf(text, sizeof(text),
			 "*mangle\n:clamp - [0:0]\n-A %s -j clamp\n"
			 "-A clamp -p tcp -j TCPMSS --set-mss 1000\nCOMMIT\n",
			 hooks[i].from);
		CHECK_MSG(upt_rules_restore(rs, text, strlen(text), 0, NULL, err, sizeof(err)) == 0,
			  "set-mss from %s: %s", hooks[i].from, err);
		upt_rules_destroy(rs);
	}
}

int main(void)
{
	RUN(rule_text_is_what_iptables_1_8_9_lists);
	RUN(saved_rule_restores_to_the_same_text);
	RUN(random_u32_and_hex_strings_are_refused_or_round_trip);
	RUN(tcpmss_clamp_in_a_user_chain_follows_the_hooks_it_is_reached_from);
	return check_report("test_ext_packet_text");
}
