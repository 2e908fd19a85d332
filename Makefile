# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# bes2600 lab and bes2600-top.
#   make            build the lab module for every kernel with headers
#   make ARCH=arm64 the same for Debian's arm64 kernel, cross-compiled from
#                   Debian's arm64 packages (docs/arm64.md)
#   make demo       install what is missing, boot the lab, show the race
#   make check      install what is missing, build, run every test
#   make deb        the Debian packages, in build/deb (debian/)
#   make fuzz       the fuzzers for FUZZ_SECONDS (default 1800) each
#   make bench      bes2600-top's cost and memory figures
#   make install    bes2600-top, its man page, scripts, schemas and docs
#                   under $(DESTDIR)$(PREFIX); make uninstall removes them
#   make dkms-install the lab module's source to /usr/src, built by DKMS
#   make clean
PREFIX ?= /usr/local
PACKAGE := bes2600-lab
VERSION := $(shell cat VERSION)

HOST_ARCH := $(shell uname -m | sed 's/x86_64/x86/; s/aarch64/arm64/')
ARCH ?= $(HOST_ARCH)

ifeq ($(ARCH),$(HOST_ARCH))
# Kernels whose headers are installed, or the ones given: KVERS="a b".
KVERS ?= $(notdir $(patsubst %/build,%,$(wildcard /lib/modules/*/build)))
KDIR_OF = /lib/modules/$(1)/build
BPF_OUT := build/bpf
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
TOOL_VARS :=
else ifeq ($(ARCH),arm64)
# Cross build: headers, BTF and libraries from the arm64 kit, assembled
# first (from Debian's archive, kept in ~/.cache) unless only cleaning.
ARM64_KIT := $(shell scripts/arm64-kit.sh --dir)
ifneq ($(filter-out clean,$(or $(MAKECMDGOALS),all)),)
ifneq ($(shell scripts/arm64-kit.sh >&2 && echo ok),ok)
$(error the arm64 kit could not be assembled)
endif
endif
KVERS ?= $(notdir $(wildcard $(ARM64_KIT)/kdir/*))
KDIR_OF = $(ARM64_KIT)/kdir/$(1)
BPF_OUT := build/arm64/bpf
VMLINUX_BTF ?= $(ARM64_KIT)/kdir/$(lastword $(sort $(KVERS)))/vmlinux
CROSS_CC := aarch64-linux-gnu-gcc --sysroot=$(ARM64_KIT)/root
TOOL_VARS := OUTPUT=$(CURDIR)/build/arm64/bes2600-top \
	UNIT_OUT=$(CURDIR)/build/arm64/unit BPF_OUT=$(CURDIR)/$(BPF_OUT) \
	CC="$(CROSS_CC)" AR=aarch64-linux-gnu-ar
else
$(error ARCH=$(ARCH): this machine builds for $(HOST_ARCH) and arm64 only)
endif
MODULES := $(foreach k,$(KVERS),build/$(k)/driver/bes2600_lab.ko)
DRIVER_SRC := VERSION $(wildcard driver/*.c driver/*.h driver/Kbuild driver/Makefile) \
	$(wildcard include/*/*.h include/*/*/*.h)

# The tests' other event sources (tests/abi-src/): not the lab, a small
# module in three variants of the tracepoint ABI, and one that writes a
# counter from every kind of context.
ABI_SRC := $(foreach k,$(KVERS),build/$(k)/abi-src/abi_v1.ko)

all: modules test-modules bpf tool unit

modules: $(MODULES)

test-modules: $(ABI_SRC)

build/%/abi-src/abi_v1.ko: $(wildcard tests/abi-src/*) $(wildcard include/*/*.h include/*/*/*.h)
	rm -rf build/$*/abi-src
	mkdir -p build/$*
	cp -r tests/abi-src build/$*/abi-src
	cp -r include build/$*/abi-src/include
	$(MAKE) -C build/$*/abi-src KVER=$* KDIR=$(call KDIR_OF,$*)

# bes2600-top: one CO-RE object for every kernel of an architecture.
# vmlinux.h comes from the build machine's BTF, or for ARCH=arm64 from the
# BTF-only vmlinux Debian ships in the arm64 headers.
CLANG ?= clang
BPFTOOL ?= bpftool

$(BPF_OUT)/vmlinux.h:
	mkdir -p $(BPF_OUT)
	$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@

BPF_HDRS := $(wildcard bpf/*.h include/bes2600/*.h)

# bes2600_top: the audit and the dashboard; state: bes2600-top state.
$(BPF_OUT)/%.bpf.o: bpf/%.bpf.c $(BPF_HDRS) $(BPF_OUT)/vmlinux.h
	$(CLANG) -g -O2 -Wall -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -I$(BPF_OUT) \
		-Iinclude -Ibpf -c $< -o $@

$(BPF_OUT)/%.skel.h: $(BPF_OUT)/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $*_bpf > $@

.PRECIOUS: $(BPF_OUT)/%.bpf.o

bpf: $(BPF_OUT)/bes2600_top.skel.h $(BPF_OUT)/state.skel.h

# One copy of the sources per kernel, so builds for 6.1 and 6.12 coexist.
build/%/driver/bes2600_lab.ko: $(DRIVER_SRC)
	rm -rf build/$*/driver build/$*/include
	mkdir -p build/$*
	cp -r driver include VERSION build/$*/
	$(MAKE) -C build/$*/driver KVER=$* KDIR=$(call KDIR_OF,$*)

# bes2600-top itself, and the unit tests of its analysis (cmocka); the
# tool's own Makefile knows its files.
TOOL := build/bes2600-top/bes2600-top
tool: bpf
	$(MAKE) -C tools/bes2600-top bes2600-top $(TOOL_VARS)

unit:
	$(MAKE) -C tools/bes2600-top all $(TOOL_VARS)

# The unit tests again, built with ASan and UBSan (tests/host/unit-asan.sh).
SAN_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all
unit-asan:
	$(MAKE) -C tools/bes2600-top all OUTPUT=$(CURDIR)/build/asan/bes2600-top \
		UNIT_OUT=$(CURDIR)/build/asan/unit CFLAGS="$(SAN_CFLAGS)"

# libFuzzer harnesses (tests/fuzz/): make check runs each for a minute
# (tests/host/fuzz.sh); make fuzz for as long as asked.
FUZZ_SECONDS ?= 1800
fuzz-build:
	$(MAKE) -C tests/fuzz

fuzz: deps fuzz-build
	$(MAKE) -C tests/fuzz run SECONDS=$(FUZZ_SECONDS)

# The porting kit (tools/port/README.md): a patch for the vendor tree at
# VENDOR, in build/port/, that the user reviews and applies.
FLAVOUR ?= plain
port:
	tools/port/port.sh "$(VENDOR)" "$(FLAVOUR)" "$(CURDIR)/build/port"

deps:
	scripts/deps.sh

demo: deps
	$(MAKE) all
	tests/vm/demo.sh

check: deps
	$(MAKE) all unit-asan fuzz-build deb
	$(MAKE) ARCH=arm64 all
	tests/run-tests.sh

# The Debian packages (debian/), built from a copy of the tree so that
# dpkg-buildpackage's clean and its ../ outputs stay inside build/deb.
deb:
	rm -rf build/deb
	mkdir -p build/deb/src
	git ls-files -z | xargs -0 cp --parents -t build/deb/src
	cd build/deb/src && dpkg-buildpackage -us -uc -b >../build.log 2>&1 || \
		{ tail -20 ../build.log; exit 1; }
	rm -rf build/deb/src

# Figures, not tests: memory over 10 million events, CPU per event next to
# bpftrace, drops against the event rate (bench/run.sh).
bench: deps
	$(MAKE) all
	bench/run.sh

# The install layout (the Debian packages use it too, debian/rules):
#   $(SBINDIR)/bes2600-top                 root-only: it loads BPF
#   $(MANDIR)/man8/bes2600-top.8
#   $(DATADIR)/{bpftrace,schemas,port}     scripts, JSON Schemas, porting kit
#   $(DOCDIR)/                             README and docs/*.md
# install-dkms-src puts the lab's source where DKMS looks for it; only
# dkms-install registers and builds it (never make install).
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/bes2600-top
DOCDIR ?= $(PREFIX)/share/doc/bes2600-top
DKMS_SRC := /usr/src/$(PACKAGE)-$(VERSION)
DOCS := README.md $(wildcard docs/*.md docs/*.png)
SCHEMAS := $(wildcard schemas/*.json)

install: tool
	install -D -m 0755 $(TOOL) $(DESTDIR)$(SBINDIR)/bes2600-top
	install -D -m 0644 docs/bes2600-top.8 $(DESTDIR)$(MANDIR)/man8/bes2600-top.8
	install -d $(DESTDIR)$(DATADIR)/bpftrace $(DESTDIR)$(DATADIR)/schemas \
		$(DESTDIR)$(DATADIR)/port $(DESTDIR)$(DOCDIR)
	install -m 0755 tools/bpftrace/*.bt $(DESTDIR)$(DATADIR)/bpftrace/
	install -m 0644 $(SCHEMAS) $(DESTDIR)$(DATADIR)/schemas/
	install -m 0644 $(filter-out %/README.md,$(wildcard tools/port/*)) \
		$(DESTDIR)$(DATADIR)/port/
	chmod 0755 $(DESTDIR)$(DATADIR)/port/port.sh $(DESTDIR)$(DATADIR)/port/sites.py
	install -m 0644 $(DOCS) $(DESTDIR)$(DOCDIR)/
	install -m 0644 tools/port/README.md $(DESTDIR)$(DOCDIR)/port-kit.md

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/bes2600-top $(DESTDIR)$(MANDIR)/man8/bes2600-top.8
	rm -rf $(DESTDIR)$(DATADIR) $(DESTDIR)$(DOCDIR)

# DKMS wants the sources under /usr/src/<package>-<version>.
install-dkms-src:
	install -d $(DESTDIR)$(DKMS_SRC)
	cp -r driver include VERSION $(DESTDIR)$(DKMS_SRC)/
	sed 's/#MODULE_VERSION#/$(VERSION)/' dkms.conf >$(DESTDIR)$(DKMS_SRC)/dkms.conf

dkms-install: install-dkms-src
	dkms install $(PACKAGE)/$(VERSION)

dkms-uninstall:
	-dkms remove $(PACKAGE)/$(VERSION) --all
	rm -rf $(DKMS_SRC)

clean:
	rm -rf build
	$(MAKE) -C driver clean KVER=$(firstword $(KVERS)) 2>/dev/null || true

.PHONY: all modules test-modules bpf tool unit unit-asan fuzz-build fuzz port deps demo check deb bench install uninstall \
	install-dkms-src dkms-install dkms-uninstall clean
