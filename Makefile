# mocker — build, test and install.
#
# Sources are discovered by folder, so adding a file never needs a Makefile edit:
#   common/*.c spec/*.c        -> shared static libraries
#   mocker-runtime/**/*.c      -> mocker-runtime (main.c holds main())
#   mocker/**/*.c              -> mocker-heavy   (main.c holds main()), except:
#   mocker/light/*.c           -> only in mocker (the proxies for heavy code)
#   mocker: main.c again with -DMOCKER_LIGHT, the mocker/ sources that are not
#                                 in MOCKER_HEAVY_SRC, and mocker/light/; static, libc
#                                 and yajl only, so every command starts fast. Heavy commands
#                                 exec mocker-heavy (docs/architecture.md "Two binaries")
#   mocker-net: the same with the real network code (libnl, libnftables) in
#                                 place of mocker/light/network_proxy.c
#   mocker/monitor/*.c         -> mocker-monitor (static, common/ + yajl only, with
#                                 mocker/container/{state,remove}.c: it must stay tiny)
#   tests/unit/test_*.c        -> one cmocka binary each, linked with everything
# `make SANITIZE=1 ...` builds with ASan+UBSan into build-asan/.

PREFIX  ?= /usr/local
CC      ?= gcc
CFLAGS  ?= -O2 -g
SANITIZE ?= 0

ifeq ($(SANITIZE),1)
BUILD   := build-asan
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD   := build
SANFLAGS :=
endif

PKGS_COMMON  := yajl
PKGS_RUNTIME := libcap libseccomp
PKGS_MOCKER  := libcrypto libcurl libarchive libnl-3.0 libnl-route-3.0 libnftables
PKGS_ALL     := $(PKGS_COMMON) $(PKGS_RUNTIME) $(PKGS_MOCKER)

# pkg-config is asked only once the dependencies are there (make deps).
pkgcflags = $(shell pkg-config --cflags $(1) 2>/dev/null)
pkglibs   = $(shell pkg-config --libs $(1) 2>/dev/null)

WARN     := -Wall -Wextra -Wformat=2 -Wshadow -Wmissing-prototypes
ALL_CFLAGS = -std=gnu11 -D_GNU_SOURCE -fvisibility=hidden -ffunction-sections -fdata-sections -I. $(WARN) $(CFLAGS) $(SANFLAGS) -MMD -MP \
             $(call pkgcflags,$(PKGS_ALL))
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)

COMMON_SRC  := $(wildcard common/*.c)
SPEC_SRC    := $(wildcard spec/*.c)
RUNTIME_SRC := $(shell find mocker-runtime -name '*.c' 2>/dev/null | sort)
MOCKER_SRC  := $(shell find mocker -name '*.c' -not -path 'mocker/monitor/*' -not -path 'mocker/light/*' 2>/dev/null | sort)
# The sources that need libcurl, libarchive, libnl, libnftables or libcrypto:
# only mocker-heavy links them. The one place that says which code is heavy.
MOCKER_HEAVY_SRC := $(filter-out mocker/registry/reference.c,$(wildcard mocker/registry/*.c)) \
                    $(filter-out mocker/network/dns.c mocker/network/dns_opts.c mocker/network/ipam.c \
                                 mocker/network/loopback.c mocker/network/ports.c mocker/network/netdef.c, \
                                 $(wildcard mocker/network/*.c)) \
                    $(wildcard mocker/store/layer_create.c mocker/store/layer_extract.c \
                               mocker/store/layer_pack.c mocker/store/layer_unpack.c \
                               mocker/store/layer_blob.c) \
                    $(wildcard mocker/build/*.c mocker/archive/*.c \
                               mocker/image/commit.c mocker/image/commit_config.c) \
                    $(addprefix mocker/commands/image/,cmd__pull.c cmd_pull.c cmd_import.c cmd_init.c \
                                cmd_build.c cmd_push.c cmd_login.c cmd_logout.c cmd_save.c cmd_load.c) \
                    $(addprefix mocker/commands/container/,cmd_commit.c cmd_export.c) \
                    $(addprefix mocker/commands/system/,cmd_network.c cmd_network_user.c)
# cp itself is light (a file or tree copied in ~1 ms of startup); only its tar
# streams (`-`) exec mocker-heavy (mocker/light/cp_tar_light.c)
MOCKER_HEAVY_SRC += $(wildcard mocker/commands/container/cp_tar.c)
LIGHT_SRC   := $(wildcard mocker/light/*.c)
# mocker-net: the light sources with the real network code instead of its
# proxy (libnl and libnftables only), for the light binary's network calls.
NET_SRC     := $(filter mocker/network/% mocker/commands/system/cmd_network.c mocker/commands/system/cmd_network_user.c,$(MOCKER_HEAVY_SRC))
MONITOR_SRC := $(wildcard mocker/monitor/*.c) mocker/container/state.c mocker/container/remove.c \
               mocker/container/events.c \
               mocker/container/restart.c
UNIT_SRC    := $(wildcard tests/unit/test_*.c)
HELPER_SRC  := $(wildcard tests/helpers/*.c)

obj = $(patsubst %.c,$(BUILD)/%.o,$(1))

COMMON_LIB  := $(BUILD)/libcommon.a
SPEC_LIB    := $(BUILD)/libspec.a
RUNTIME_LIB := $(BUILD)/libruntime.a
MOCKER_LIB  := $(BUILD)/libmocker.a
LIGHT_LIB   := $(BUILD)/libmocker-light.a
NET_LIB     := $(BUILD)/libmocker-net.a

RUNTIME_BIN := $(BUILD)/bin/mocker-runtime
MOCKER_BIN  := $(BUILD)/bin/mocker
HEAVY_BIN   := $(BUILD)/bin/mocker-heavy
NET_BIN     := $(BUILD)/bin/mocker-net
MONITOR_BIN := $(BUILD)/bin/mocker-monitor
UNIT_BINS   := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(UNIT_SRC))
HELPER_BINS := $(patsubst tests/helpers/%.c,$(BUILD)/tests/helpers/%,$(HELPER_SRC))

BINS := $(RUNTIME_BIN)
ifneq ($(strip $(filter-out mocker/main.c,$(MOCKER_SRC))),)
BINS += $(MOCKER_BIN) $(HEAVY_BIN) $(NET_BIN) $(MONITOR_BIN)
endif

.PHONY: all deps check check-unit check-v2 check-fresh bench bundles install clean demo run
all: $(BINS)

# Objects depend on the compile flags too: a changed flag rebuilds them
# instead of linking stale objects.
FLAGS_STAMP := $(BUILD)/.cflags
$(shell mkdir -p $(BUILD) && echo '$(ALL_CFLAGS)' | cmp -s - $(FLAGS_STAMP) || echo '$(ALL_CFLAGS)' > $(FLAGS_STAMP))

$(BUILD)/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(COMMON_LIB): $(call obj,$(COMMON_SRC))
$(SPEC_LIB): $(call obj,$(SPEC_SRC))
$(RUNTIME_LIB): $(call obj,$(filter-out mocker-runtime/main.c,$(RUNTIME_SRC)))
$(MOCKER_LIB): $(call obj,$(filter-out mocker/main.c,$(MOCKER_SRC)))
$(LIGHT_LIB): $(call obj,$(filter-out mocker/main.c $(MOCKER_HEAVY_SRC),$(MOCKER_SRC)) $(LIGHT_SRC))
$(NET_LIB): $(call obj,$(filter-out mocker/main.c $(MOCKER_HEAVY_SRC),$(MOCKER_SRC)) \
                       $(filter-out mocker/light/network_proxy.c,$(LIGHT_SRC)) $(NET_SRC))
$(BUILD)/%.a:
	@mkdir -p $(dir $@)
	rm -f $@
	$(if $^,ar rcs $@ $^,ar rcs $@)

# mocker-runtime starts once per container operation: linked statically it
# starts faster and peaks at ~1.3 MiB instead of ~2 MiB (`make bench`).
# RUNTIME_STATIC=0 links it dynamically (for valgrind); ASan needs that too.
RUNTIME_STATIC ?= $(if $(filter 1,$(SANITIZE)),0,1)
ifeq ($(RUNTIME_STATIC),1)
RUNTIME_LDLIBS = -static -lcap -lseccomp -lyajl_s
else
RUNTIME_LDLIBS = $(call pkglibs,$(PKGS_RUNTIME) $(PKGS_COMMON))
endif

# ...and against musl when musl-gcc is there (Debian's musl-tools, which
# `make deps` installs): a static glibc spends ~0.3 ms of CPU before main()
# detecting the CPU and its caches (dozens of cpuid instructions, each a trap
# to the hypervisor on a VM), musl ~0.03 ms; mocker-runtime pays it on every
# container operation. Its own code, spec/ and common/ are compiled again with
# musl's headers (the kernel's UAPI headers and the three libraries' headers
# beside them); yajl, libcap and libseccomp are Debian's static archives,
# which call only plain C and system functions plus five fortified entry
# points (common/glibc_chk.c). mocker-monitor (below) is linked the same way.
# MUSL=0 keeps glibc for both.
MULTIARCH    := $(shell $(CC) -print-multiarch 2>/dev/null)
MUSL         ?= $(if $(filter 1,$(RUNTIME_STATIC)),$(if $(shell command -v musl-gcc),1,0),0)
ifeq ($(MUSL),1)
MUSL_CC      := musl-gcc
MUSL_INC     := $(BUILD)/musl/include
MUSL_CFLAGS   = -std=gnu11 -D_GNU_SOURCE -fvisibility=hidden -ffunction-sections -fdata-sections \
                -I. -isystem $(MUSL_INC) $(WARN) $(CFLAGS) -MMD -MP
MUSL_LIBS    := $(addprefix /usr/lib/$(MULTIARCH)/,libcap.a libseccomp.a libyajl_s.a)
musl_obj      = $(patsubst %.c,$(BUILD)/musl/%.o,$(1))

$(MUSL_INC)/.made:
	@mkdir -p $(MUSL_INC)/sys
	ln -sfn /usr/include/linux $(MUSL_INC)/linux
	ln -sfn /usr/include/asm-generic $(MUSL_INC)/asm-generic
	ln -sfn /usr/include/$(MULTIARCH)/asm $(MUSL_INC)/asm
	ln -sfn /usr/include/yajl $(MUSL_INC)/yajl
	ln -sfn /usr/include/seccomp.h $(MUSL_INC)/seccomp.h
	ln -sfn /usr/include/seccomp-syscalls.h $(MUSL_INC)/seccomp-syscalls.h
	ln -sfn /usr/include/sys/capability.h $(MUSL_INC)/sys/capability.h
	@touch $@

$(BUILD)/musl/%.o: %.c $(FLAGS_STAMP) $(MUSL_INC)/.made
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(MUSL_CFLAGS) -c $< -o $@

$(BUILD)/musl/libcommon.a: $(call musl_obj,$(filter-out common/digest.c,$(COMMON_SRC)))
$(BUILD)/musl/libspec.a: $(call musl_obj,$(SPEC_SRC))
$(BUILD)/musl/libruntime.a: $(call musl_obj,$(filter-out mocker-runtime/main.c,$(RUNTIME_SRC)))

# alloc.o named first: its malloc replaces musl's (mocker-runtime/alloc.c);
# glibc_chk.o last: only the libraries after everything else call it.
$(RUNTIME_BIN): $(call musl_obj,mocker-runtime/main.c mocker-runtime/alloc.c) \
                $(BUILD)/musl/libruntime.a $(BUILD)/musl/libspec.a $(BUILD)/musl/libcommon.a
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(LDFLAGS) -static -Wl,--gc-sections -o $@ $^ $(MUSL_LIBS) \
	  $(call musl_obj,common/glibc_chk.c)
else
$(RUNTIME_BIN): $(call obj,mocker-runtime/main.c) $(RUNTIME_LIB) $(SPEC_LIB) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(RUNTIME_LDLIBS)
endif

$(HEAVY_BIN): $(call obj,mocker/main.c) $(MOCKER_LIB) $(SPEC_LIB) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pkglibs,$(PKGS_MOCKER) $(PKGS_COMMON)) -lpthread

# The light front binary: main.c once more, with the heavy commands as execs.
# --gc-sections drops the functions no light path reaches (the hashing in
# common/digest.c: no libcrypto). Static like the runtime and the monitor (no
# loader at all: ~0.5 ms of cpu for `mocker --version`); LIGHT_STATIC=0 or
# SANITIZE=1 link it dynamically (libc and yajl only). It stays on glibc:
# against musl it starts 0.35 ms sooner, but `mocker logs` of 10,000 lines
# took 9.4 ms instead of 3.6 (musl's malloc, stdio and string functions).
LIGHT_STATIC ?= $(if $(filter 1,$(SANITIZE)),0,1)
ifeq ($(LIGHT_STATIC),1)
LIGHT_LDLIBS = -static -l:libyajl_s.a
else
LIGHT_LDLIBS = -Wl,--as-needed $(call pkglibs,$(PKGS_COMMON))
endif
$(BUILD)/mocker/main-light.o: mocker/main.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DMOCKER_LIGHT -c $< -o $@
$(MOCKER_BIN): $(BUILD)/mocker/main-light.o $(LIGHT_LIB) $(SPEC_LIB) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -Wl,--gc-sections -o $@ $^ $(LIGHT_LDLIBS)

# mocker-net: what the light binary runs for network_attach/detach (~1 ms of
# loader instead of mocker-heavy's ~8); its other heavy commands exec mocker-heavy.
$(BUILD)/mocker/main-net.o: mocker/main.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DMOCKER_LIGHT -DMOCKER_NET -c $< -o $@
$(NET_BIN): $(BUILD)/mocker/main-net.o $(NET_LIB) $(SPEC_LIB) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -Wl,--gc-sections -Wl,--as-needed -o $@ $^ \
	  $(call pkglibs,libnl-3.0 libnl-route-3.0 libnftables $(PKGS_COMMON))

# Static, so no shared library is mapped: the monitor's RSS stays small.
# (ASan builds link it dynamically: the sanitizer runtimes need that.)
ifeq ($(SANITIZE),1)
MONITOR_LINK :=
else
MONITOR_LINK := -static
endif
ifeq ($(MUSL),1)
# Against musl like the runtime (see there): a monitor lives as long as its
# container, and musl's static binary keeps its RSS far below glibc's. It
# keeps musl's own malloc, which gives memory back (alloc.c does not).
$(MONITOR_BIN): $(call musl_obj,$(MONITOR_SRC)) $(BUILD)/musl/libcommon.a
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(LDFLAGS) -static -Wl,--gc-sections -o $@ $^ /usr/lib/$(MULTIARCH)/libyajl_s.a \
	  $(call musl_obj,common/glibc_chk.c)
else
$(MONITOR_BIN): $(call obj,$(MONITOR_SRC)) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) $(MONITOR_LINK) -o $@ $^ $(if $(MONITOR_LINK),-l:libyajl_s.a,$(call pkglibs,$(PKGS_COMMON)))
endif

LIBS_ALL := $(RUNTIME_LIB) $(MOCKER_LIB) $(SPEC_LIB) $(COMMON_LIB)
$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(LIBS_ALL)
	$(CC) $(ALL_LDFLAGS) -o $@ $< -Wl,--start-group $(LIBS_ALL) -Wl,--end-group \
	  $(call pkglibs,$(PKGS_ALL) cmocka) -lpthread

# Small static helpers that tests copy into bundles.
$(BUILD)/tests/helpers/%: tests/helpers/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -D_GNU_SOURCE -O2 -Wall -Wextra -static -o $@ $<

# Debian packages for building, testing and running both tiers.
deps:
	bash tests/deps.sh

# Hand-made bundles get their rootfs from Debian's busybox-static.
bundles:
	bash bundles/make-rootfs.sh

check:
	@bash tests/deps.sh --if-missing
	$(MAKE) all $(UNIT_BINS) $(HELPER_BINS)
	@$(MAKE) --no-print-directory bundles >/dev/null
	BUILD=$(BUILD) bash tests/run-suites.sh $(SUITES)

check-unit: $(UNIT_BINS)
	BUILD=$(BUILD) bash tests/run-suites.sh unit

# The runtime's cgroup and lifecycle suites on a pure cgroup v2 kernel (a VM).
check-v2: all $(HELPER_BINS)
	@$(MAKE) --no-print-directory bundles >/dev/null
	BUILD=$(BUILD) bash tests/v2/run-in-vm.sh

# The README's two commands on a pristine Debian 12 root (debootstrap, pivot_root):
# catches an install step that this machine's leftovers would hide (tests/fresh/run.sh).
check-fresh:
	@bash tests/deps.sh --if-missing
	bash tests/fresh/run.sh

bench: all $(HELPER_BINS)
	@$(MAKE) --no-print-directory bundles >/dev/null
	BUILD=$(BUILD) bash tests/bench/run.sh

# The main job: a container from the embedded busybox default.
demo run:
	@bash tests/deps.sh --if-missing --run
	@$(MAKE) --no-print-directory all bundles
	BUILD=$(BUILD) bash tests/demo.sh

# ---- fuzzing (docs/testing.md "Fuzzing") -------------------------------------
# One libFuzzer harness per parser of outside input (tests/fuzz/fuzz_*.c), built
# with clang into build-fuzz/ (the libraries once, with fuzzer coverage and
# ASan+UBSan). `make fuzz` runs each for FUZZ_SECONDS (FUZZ=name picks some) and
# fails on any finding; `make check` runs a 10-second smoke of each (suite fuzz).
FUZZ_CC      ?= clang
FUZZ_BUILD   := build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_SRC     := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS    := $(patsubst tests/fuzz/%.c,$(FUZZ_BUILD)/tests/fuzz/%,$(FUZZ_SRC))
.PHONY: fuzz fuzz-build
fuzz-build:
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) RUNTIME_STATIC=0 MUSL=0 \
	  SANFLAGS="$(FUZZ_SAN) -fsanitize=fuzzer-no-link" $(FUZZ_BINS)
$(BUILD)/tests/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(wildcard tests/fuzz/*.h) $(MOCKER_LIB) $(SPEC_LIB) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $< -Wl,--start-group $(MOCKER_LIB) $(SPEC_LIB) \
	  $(COMMON_LIB) -Wl,--end-group $(call pkglibs,$(PKGS_MOCKER) $(PKGS_COMMON)) -lpthread
fuzz: fuzz-build
	FUZZ_BUILD=$(FUZZ_BUILD) bash tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/sbin
	install -m 0755 $(RUNTIME_BIN) $(DESTDIR)$(PREFIX)/sbin/mocker-runtime
	if [ -x $(MOCKER_BIN) ]; then install -m 0755 $(MOCKER_BIN) $(DESTDIR)$(PREFIX)/bin/mocker; fi
	if [ -x $(HEAVY_BIN) ]; then install -d $(DESTDIR)$(PREFIX)/libexec/mocker; \
	  install -m 0755 $(HEAVY_BIN) $(DESTDIR)$(PREFIX)/libexec/mocker/mocker-heavy; fi
	if [ -x $(NET_BIN) ]; then install -d $(DESTDIR)$(PREFIX)/libexec/mocker; \
	  install -m 0755 $(NET_BIN) $(DESTDIR)$(PREFIX)/libexec/mocker/mocker-net; fi
	if [ -x $(MONITOR_BIN) ]; then install -m 0755 $(MONITOR_BIN) $(DESTDIR)$(PREFIX)/bin/mocker-monitor; fi
	if [ -d docs/man ]; then \
	  install -d $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man8; \
	  for m in docs/man/*.1; do [ -e "$$m" ] && install -m 0644 $$m $(DESTDIR)$(PREFIX)/share/man/man1/; done; \
	  for m in docs/man/*.8; do [ -e "$$m" ] && install -m 0644 $$m $(DESTDIR)$(PREFIX)/share/man/man8/; done; \
	fi
	install -d $(DESTDIR)$(PREFIX)/lib/systemd/system
	sed 's|/usr/local/|$(PREFIX)/|g' docs/systemd/mocker-restart.service \
	  > $(DESTDIR)$(PREFIX)/lib/systemd/system/mocker-restart.service
	if [ -d docs/completion ]; then \
	  install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions; \
	  for c in docs/completion/*; do install -m 0644 $$c $(DESTDIR)$(PREFIX)/share/bash-completion/completions/; done; \
	fi

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
