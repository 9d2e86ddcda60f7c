#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages (make deb: dist/knat_*.deb, dist/knat-dkms_*.deb)
# on a host as an operator would have them: installed with dpkg in the VM
# (its root is an overlay), DKMS installs knat.ko for the VM's kernel
# (built by DKMS from the same package's source on the host, where it
# takes under a minute and not 20 under TCG: make deb packs it as DKMS's
# binary tarball, loaded here with dkms ldtarball), modprobe loads that
# one, knat.service's own
# commands (no systemd as init here: run as the unit states them) bring up
# /etc/knat/knat.conf, and traffic flows through it; reload applies a
# changed file (knat restore --flush: what it does not name goes), stop
# flushes; systemd-analyze verify passes on the unit.
#
#   [ c 10.7.0.2 ] --- 10.7.0.1 [ init ns: knat ] 10.6.0.1 --- [ b 10.6.0.2 ]
#   forward tcp 10.7.0.1:8080 -> b:8080; service tcp 203.0.113.10:80 -> b:8080
. "$(dirname "$0")/lib.sh"
tap_begin
require_cmd ip dpkg dkms modinfo

debs=("$TOP_DIR"/dist/knat_*.deb "$TOP_DIR"/dist/knat-dkms_*.deb)
krel=$(uname -r)
tarball=$TOP_DIR/dist/knat-dkms-$krel.tar.gz
[ -r "${debs[0]}" ] && [ -r "${debs[1]}" ] && [ -r "$tarball" ] ||
	skip_all "no packages in dist/ (make deb)"
unit=/lib/systemd/system/knat.service
VIP=203.0.113.10

# Whatever happens, the next test finds the tree's knat.ko loaded again.
restore_module() {
	rmmod knat 2>/dev/null
	dpkg -P knat knat-dkms >/dev/null 2>&1
	local dep
	for dep in $(modinfo -F depends "$KNAT_KO" | tr ',' ' '); do modprobe "$dep"; done
	insmod "$KNAT_KO"
}
on_exit restore_module
module_loaded && rmmod knat

# The VM's /lib/modules/KREL is the kernel image's, without the headers'
# "build" link: knat-dkms's postinst registers the source with DKMS and
# skips the build, as on a host without headers.
# man-db's trigger rebuilds its index after each dpkg run: a minute
# under TCG for nothing the test reads.
rm -f /var/lib/man-db/auto-update
t0=$(date +%s)
out=$(dpkg -i "${debs[@]}" 2>&1)
rc=$?
expect_eq "dpkg -i knat knat-dkms ($(($(date +%s) - t0)) s)" 0 "$rc"
[ "$rc" = 0 ] || printf '%s\n' "$out" | tail -30 | sed 's/^/#   /'
ver=$(dpkg-query -W -f '${Version}' knat-dkms)
expect_match "dkms status: knat $ver added" "knat/$ver" "$(dkms status knat 2>&1)"
# The tarball brings the binaries.  dkms 3.0.10 loads them, then also
# tries to add the source the package added already and says so (exit 3):
# what counts is that DKMS now has the module built for this kernel.
t0=$(date +%s)
out=$(dkms ldtarball --force --archive "$tarball" 2>&1)
echo "# dkms ldtarball: $(($(date +%s) - t0)) s"
expect_match "dkms ldtarball: knat $ver built for $krel" "knat/$ver, $krel, x86_64: built" \
	"$(dkms status knat 2>&1)" || printf '%s\n' "$out" | tail -20 | sed 's/^/#   /'
t0=$(date +%s)
out=$(dkms install -m knat -v "$ver" -k "$krel" 2>&1)
rc=$?
expect_eq "dkms install ($(($(date +%s) - t0)) s)" 0 "$rc"
[ "$rc" = 0 ] || printf '%s\n' "$out" | tail -30 | sed 's/^/#   /'
expect_match "dkms status: installed for $krel" "knat/$ver, $krel, x86_64: installed" \
	"$(dkms status knat 2>&1)"
path=$(modinfo -n knat 2>/dev/null)
expect_match "modinfo finds DKMS's knat.ko" "/updates/dkms/knat.ko" "$path"
expect_eq "its version is the package's" "$ver" \
	"$(modinfo -F version knat 2>/dev/null)"
expect_eq "the CLI's version is the package's" \
	"knat utility, $(dpkg-query -W -f '${Version}' knat)" "$(/usr/sbin/knat -V)"
expect_ok "man page installed" test -s /usr/share/man/man8/knat.8.gz
expect_ok "bash completion installed" test -s /usr/share/bash-completion/completions/knat
t0=$(date +%s)
out=$(systemd-analyze verify "$unit" 2>&1)
echo "# systemd-analyze verify: $(($(date +%s) - t0)) s"
expect_eq "systemd-analyze verify $unit" "0:" "$?:$out"

# exec_lines KEY: the unit's KEY= commands, one a line, as systemd would
# run them (no prefixes are used in this unit: checked).
exec_lines() {
	sed -n "s/^$1=//p" "$unit"
}
for k in ExecStart ExecReload ExecStop; do
	expect_eq "$k lines have no prefix characters" 0 \
		"$(exec_lines $k | grep -c '^[-@:+!]')"
done
run_unit() { # KEY
	local line rc=0
	while IFS= read -r line; do
		eval "$line" || { rc=$?; echo "# $1 failed: $line"; break; }
	done < <(exec_lines "$1")
	return $rc
}

# The topology, in the initial namespace where the unit works.
netns_add c b
ip link add pk-c type veth peer name eth0 netns "$(ns c)"
ip link add pk-b type veth peer name eth0 netns "$(ns b)"
on_exit ip link del pk-c
on_exit ip link del pk-b
ip addr add 10.7.0.1/24 dev pk-c
ip addr add 10.6.0.1/24 dev pk-b
ip link set pk-c up
ip link set pk-b up
in_ns c ip addr add 10.7.0.2/24 dev eth0
in_ns b ip addr add 10.6.0.2/24 dev eth0
in_ns c ip link set eth0 up
in_ns b ip link set eth0 up
in_ns c ip route add default via 10.7.0.1
in_ns b ip route add default via 10.6.0.1
sysctl -qw net.ipv4.ip_forward=1
serve_start b serve-tcp 8080 b
serve_wait b serve-tcp 8080 || fail "server in b"

mkdir -p /etc/knat
cat >/etc/knat/knat.conf <<-EOF
	forward add tcp 10.7.0.1:8080 to 10.6.0.2:8080
	service add tcp $VIP:80 sched rr
	backend add tcp $VIP:80 10.6.0.2:8080
EOF
expect_ok "ExecStart (modprobe knat, knat restore --flush /etc/knat/knat.conf)" run_unit ExecStart
expect_ok "knat is loaded" module_loaded
expect_match "status: the file's rules" "forwards 1 snats 0 services 1" "$(/usr/sbin/knat status)"
out=$(nettool c tcp 10.7.0.1 8080 1000)
expect_eq "traffic through the forward: 1000 bytes echoed by b" "b:True" \
	"$(field name "$out"):$(field match "$out")"
out=$(nettool c tcp $VIP 80 1000)
expect_eq "traffic through the service: 1000 bytes echoed by b" "b:True" \
	"$(field name "$out"):$(field match "$out")"

# The operator's way to persist a change: save into the file, reload.
# A forward added after the save is not in the file: the reload drops it.
/usr/sbin/knat forward add tcp 10.7.0.1:8081 to 10.6.0.2:8080
/usr/sbin/knat save >/etc/knat/knat.conf
/usr/sbin/knat forward add tcp 10.7.0.1:8082 to 10.6.0.2:8080
expect_ok "ExecReload (knat restore --flush /etc/knat/knat.conf)" run_unit ExecReload
expect_match "reloaded: the saved rules" "forwards 2 snats 0 services 1" "$(/usr/sbin/knat status)"
expect_eq "reloaded: the forward the file does not name is gone" "" \
	"$(/usr/sbin/knat forward list | grep ':8082 ')"
out=$(nettool c tcp 10.7.0.1 8081 1000)
expect_eq "traffic through the saved forward" "b:True" \
	"$(field name "$out"):$(field match "$out")"

expect_ok "ExecStop (knat flush)" run_unit ExecStop
expect_match "stopped: no rules" "forwards 0 snats 0 services 0" "$(/usr/sbin/knat status)"
expect_fail "stopped: no forward" nettool c tcp 10.7.0.1 8080 100 --timeout 2

expect_ok "rmmod DKMS's knat" rmmod knat
t0=$(date +%s)
expect_ok "dpkg -P knat knat-dkms" dpkg -P knat knat-dkms
echo "# dpkg -P: $(($(date +%s) - t0)) s"
expect_eq "DKMS's module removed with the package" "" "$(dkms status knat 2>&1)"

tap_end
