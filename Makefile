# SPDX-License-Identifier: GPL-2.0
#
#   make                  knat.ko for the running kernel (or the pinned test
#                         kernel when this machine has no headers of its own)
#                         and the knat CLI
#   sudo make install     install both; then: sudo modprobe knat
#   make check            everything the project tests, inside a VM
#   make check-debug      the selftests on a debug kernel (KASAN, lockdep,
#                         kmemleak, UBSAN); builds it first (~25 min once)
#   make demo             boot the VM, configure knat, push traffic through it
#   make deb              Debian packages knat and knat-dkms into dist/
#   sudo make dkms-install  register the module's source with DKMS, build
#                         and install it for the running kernel
#   make bench            knat's instructions per packet beside plain routing,
#                         nftables, flowtable and IPVS (one VM boot, -icount);
#                         make bench ARGS=--quick for the short run
#   make profile ARGS="knat-fwd ipvs"
#                         where those arms' instructions go, function by
#                         function (a qemu plugin counts them exactly)
#
# The test kernel is pinned in scripts/kernel.env.

KNAT_KREL := $(shell . scripts/kernel.env && echo $$KNAT_KREL)

RUNNING_KDIR := /lib/modules/$(shell uname -r)/build
ifeq ($(wildcard $(RUNNING_KDIR)/Makefile),)
KDIR ?= /usr/src/linux-headers-$(KNAT_KREL)
else
KDIR ?= $(RUNNING_KDIR)
endif
TEST_KDIR := /usr/src/linux-headers-$(KNAT_KREL)

KBUILD_ARGS := -C $(KDIR) M=$(CURDIR) CONFIG_KNAT=m

.PHONY: all module userspace install clean check demo kunit selftests \
	lint checkpatch sparse w1 test-module deps selftests-prep debug-kernel \
	check-debug bench profile deb dkms-install

all: module userspace

module:
	$(MAKE) $(KBUILD_ARGS) modules

userspace:
	$(MAKE) -C userspace

install: all
	$(MAKE) $(KBUILD_ARGS) modules_install
	depmod -a $(if $(filter $(KDIR),$(RUNNING_KDIR)),,$(KNAT_KREL))
	$(MAKE) -C userspace install

clean:
	$(MAKE) $(KBUILD_ARGS) clean
	$(MAKE) -C userspace clean

deps:
	scripts/deps

# knat.ko for the VM's kernel, warnings fatal.
test-module:
	$(MAKE) -C $(TEST_KDIR) M=$(CURDIR) CONFIG_KNAT=m W=1 \
		KCFLAGS=-Werror modules

checkpatch:
	scripts/lint checkpatch

sparse:
	scripts/lint sparse

lint:
	scripts/lint

kunit:
	scripts/kunit

# What the selftests need built on the host before the VM starts: the
# netlink fuzzer, and hostile.sh's and hostile6.sh's frames (scapy is slow
# under TCG).
selftests-prep: selftests/nlfuzz selftests/hostile.frames selftests/hostile6.frames

selftests/nlfuzz: selftests/nlfuzz.c include/uapi/linux/knat.h
	$(CC) -std=c11 -Wall -Wextra -Werror -O2 -Iinclude -o $@ $< \
		$$(pkg-config --cflags --libs libmnl)

selftests/hostile.frames: selftests/hostile.py
	/usr/bin/python3 selftests/hostile.py gen $@.tmp && mv $@.tmp $@

selftests/hostile6.frames: selftests/hostile6.py
	/usr/bin/python3 selftests/hostile6.py gen $@.tmp && mv $@.tmp $@

selftests: test-module userspace selftests-prep
	scripts/selftests

check:
	scripts/check

# Cached in ~/.cache/knat/debug-*: built once, again when its config changes.
debug-kernel:
	scripts/debug-kernel

check-debug:
	scripts/check-debug

demo:
	scripts/demo

bench:
	scripts/bench $(ARGS)

profile:
	scripts/profile $(ARGS)

deb:
	scripts/deb

KNAT_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)

dkms-install:
	scripts/dkms-src /usr/src/knat-$(KNAT_VERSION)
	dkms add knat/$(KNAT_VERSION)
	dkms build knat/$(KNAT_VERSION)
	dkms install knat/$(KNAT_VERSION)
