# bes2600 lab and bes2600-top.
#   make            build the lab module for every kernel with headers
#   make demo       install what is missing, boot the lab, show the race
#   make check      install what is missing, build, run every test
#   make install    install the module with DKMS (and the tools)
#   make clean
PREFIX ?= /usr/local
PACKAGE := bes2600-lab
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)

# Kernels whose headers are installed, or the ones given: KVERS="a b".
KVERS ?= $(notdir $(patsubst %/build,%,$(wildcard /lib/modules/*/build)))
MODULES := $(foreach k,$(KVERS),build/$(k)/driver/bes2600_lab.ko)
DRIVER_SRC := $(wildcard driver/*.c driver/*.h driver/Kbuild driver/Makefile) \
	$(wildcard include/*/*.h include/*/*/*.h)

all: modules

modules: $(MODULES)

# One copy of the sources per kernel, so builds for 6.1 and 6.12 coexist.
build/%/driver/bes2600_lab.ko: $(DRIVER_SRC)
	rm -rf build/$*
	mkdir -p build/$*
	cp -r driver include build/$*/
	$(MAKE) -C build/$*/driver KVER=$*

deps:
	scripts/deps.sh

demo: deps
	$(MAKE) modules
	tests/vm/demo.sh

check: deps
	$(MAKE) modules
	tests/run-tests.sh

install:
	$(MAKE) dkms-install

# DKMS wants the sources under /usr/src/<package>-<version>.
dkms-src:
	rm -rf /usr/src/$(PACKAGE)-$(VERSION)
	mkdir -p /usr/src/$(PACKAGE)-$(VERSION)
	cp -r dkms.conf driver include /usr/src/$(PACKAGE)-$(VERSION)/

dkms-install: dkms-src
	dkms install $(PACKAGE)/$(VERSION)

dkms-uninstall:
	-dkms remove $(PACKAGE)/$(VERSION) --all
	rm -rf /usr/src/$(PACKAGE)-$(VERSION)

clean:
	rm -rf build
	$(MAKE) -C driver clean KVER=$(firstword $(KVERS)) 2>/dev/null || true

.PHONY: all modules deps demo check install dkms-src dkms-install \
	dkms-uninstall clean
