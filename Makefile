# uptables build.  Everything lands in build/ (or $(BUILD)); the library is
# dependency-free, programs and tests link against it.
#
#   make            library, examples, test binaries
#   make test       everything CI runs: unit tests, the same under ASan+UBSan,
#                   kernel tests; ends with "N passed, M failed"
#   make unit       unit tests only;  make asan: unit tests under ASan+UBSan

CC      ?= cc
BUILD   ?= build
CSTD    := -std=c11 -D_GNU_SOURCE
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wno-unused-parameter -Wvla
OPT     ?= -O2 -g
SAN     ?=
CFLAGS_ALL = $(CSTD) $(WARN) $(OPT) $(SAN) -Iinclude -Isrc -MMD -MP $(CFLAGS)
LDFLAGS_ALL = $(SAN) $(LDFLAGS)

LIB_SRC := $(sort $(wildcard src/base/*.c src/pkt/*.c src/rules/*.c src/rules/match/*.c \
             src/rules/target/*.c src/ct/*.c src/nat/*.c src/core/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB     := $(BUILD)/libuptables.a

TEST_SRC  := $(sort $(wildcard tests/unit/test_*.c))
TEST_BIN  := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TEST_LIB_SRC := $(filter-out $(TEST_SRC),$(wildcard tests/unit/*.c))
TEST_LIB_OBJ := $(TEST_LIB_SRC:%.c=$(BUILD)/%.o)

FUZZ_SRC := $(sort $(wildcard tests/fuzz/*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)

SIM_SRC := $(sort $(wildcard src/sim/*.c))
SIM_OBJ := $(SIM_SRC:%.c=$(BUILD)/%.o)
SIM     := $(BUILD)/uptables-sim
# uptables, uptables-save and uptables-restore are one program chosen by argv[0].
CLI_SRC := $(sort $(wildcard src/cli/*.c))
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
CLI     := $(if $(CLI_SRC),$(BUILD)/uptables $(BUILD)/uptables-save $(BUILD)/uptables-restore)
PROGRAMS := $(SIM) $(CLI)

EXAMPLE_SRC := $(sort $(wildcard examples/*.c))
EXAMPLE_BIN := $(EXAMPLE_SRC:examples/%.c=$(BUILD)/examples/%)

.PHONY: all lib tests test unit asan clean demo format kernel-test
all: lib $(PROGRAMS) tests $(FUZZ_BIN) $(EXAMPLE_BIN)
lib: $(LIB)
tests: $(TEST_BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(SIM): $(SIM_OBJ) $(LIB)
	$(CC) $(SIM_OBJ) $(LIB) $(LDFLAGS_ALL) -lpcap -o $@

$(BUILD)/uptables: $(CLI_OBJ) $(LIB)
	$(CC) $(CLI_OBJ) $(LIB) $(LDFLAGS_ALL) -o $@

$(BUILD)/uptables-save $(BUILD)/uptables-restore: $(BUILD)/uptables
	ln -sf uptables $@

$(BUILD)/tests/%: tests/unit/%.c $(TEST_LIB_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests/unit $< $(TEST_LIB_OBJ) $(LIB) $(LDFLAGS_ALL) -o $@

$(BUILD)/fuzz/%: tests/fuzz/%.c $(TEST_LIB_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests/unit $< $(TEST_LIB_OBJ) $(LIB) $(LDFLAGS_ALL) -o $@

$(BUILD)/examples/%: examples/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $< $(LIB) $(LDFLAGS_ALL) -o $@

# Unit tests and fuzz smoke runs; tests/run-unit prints per-binary and total counts.
unit: tests $(FUZZ_BIN)
	@tests/run-unit $(BUILD)

asan:
	$(MAKE) BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer" \
	    SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" unit

kernel-test: all
	@tests/kernel/run $(BUILD)

# Everything CI runs, with one summary line at the end.
test:
	@tests/run-all

# The seed port forward: the captured traffic of one TCP connection replayed
# through the simulated gateway, with the trace and the final conntrack table.
demo: all
	@$(SIM) --config examples/seed/gateway.conf --rules examples/seed/rules.v4 \
	    --in eth0=examples/seed/eth0-in.pcap --in eth1=examples/seed/eth1-in.pcap \
	    --out $(BUILD)/demo --trace text
	@echo; echo "conntrack table ($(BUILD)/demo/conntrack.txt):"; cat $(BUILD)/demo/conntrack.txt
	@echo; echo "frames out: $$(ls $(BUILD)/demo/*.pcap)"

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-asan

-include $(LIB_OBJ:.o=.d) $(TEST_LIB_OBJ:.o=.d) $(SIM_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
