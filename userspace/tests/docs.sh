#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The man page and the bash completion keep up with the code's name tables:
# the OBJECT list "knat help" prints and the NAME/STATE/KIND/PROTO/FAMILY/
# MAPPING/SCHED lists "knat OBJECT help" prints (built from the tables) must
# match the completion's word lists and appear in knat.8, and so must the counter,
# drop, backend state, backend health and event names the unit tests saved
# in OUTDIR.
# Prints TAP.    KNAT=./knat tests/docs.sh [OUTDIR]
knat=${KNAT:-./knat}
outdir=${1:-tests/out}
here=$(cd "$(dirname "$0")" && pwd)
n=0 fail=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)); fail=$((fail + 1))
	echo "not ok $n - $1"
	echo "  ---"
	shift
	for line in "$@"; do echo "  $line"; done
	echo "  ..."
}
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

echo "TAP version 13"
if [ ! -x "$knat" ]; then
	echo "1..0 # SKIP $knat not built"
	exit 0
fi

# words_of OBJECT LABEL: the names in "LABEL := { a | b }" of knat OBJECT help
# (of knat help when OBJECT is empty)
words_of() {
	"$knat" ${1:+"$1"} help | tr '\n' ' ' | sed -n "s/.*$2 := {\([^}]*\)}.*/\1/p" |
		tr -d '|' | tr -s ' ' '\n' | sed '/^$/d' | sort
}

# The man page as plain text, hyphens and all.
man_text=
if command -v groff >/dev/null 2>&1; then
	man_text=$(groff -man -Tascii -P-cbou "$here/../knat.8" 2>/dev/null)
fi

man_has_all() { # WHAT WORDS
	if [ -z "$man_text" ]; then
		skip "man page names every $1" "groff not installed"
		return
	fi
	missing=
	for w in $2; do
		echo "$man_text" | grep -q -e "$w" || missing="$missing $w"
	done
	if [ -n "$2" ] && [ -z "$missing" ]; then
		ok "man page names every $1"
	else
		not_ok "man page names every $1" "missing:${missing:- (no names given)}"
	fi
}

check_words() { # WHAT OBJECT LABEL COMPLETION-VARIABLE
	help_words=$(words_of "$2" "$3")
	if command -v bash >/dev/null 2>&1; then
		comp_words=$(bash -c ". '$here/../knat.bash-completion'; printf '%s\n' \$$4" | sort)
		if [ -n "$help_words" ] && [ "$help_words" = "$comp_words" ]; then
			ok "completion knows every $1 name"
		else
			not_ok "completion knows every $1 name" "help: $(echo $help_words)" \
				"completion: $(echo $comp_words)"
		fi
	else
		skip "completion knows every $1 name" "bash not installed"
	fi
	man_has_all "$1" "$help_words"
}

check_words timeout config NAME _knat_timeouts
check_words "TCP state" flow STATE _knat_states
check_words mapping snat MAPPING _knat_mappings
check_words "flow kind" flow KIND _knat_kinds
check_words "flow protocol" flow PROTO _knat_flow_protos
check_words family flow FAMILY _knat_families
check_words scheduler service SCHED _knat_scheds
check_words object "" OBJECT _knat_objects

for f in counters drops backend-states backend-health events; do
	if [ -s "$outdir/$f.names" ]; then
		man_has_all "$f" "$(cat "$outdir/$f.names")"
	else
		skip "man page names every $f" "no $outdir/$f.names (run tests/unit first)"
	fi
done

echo "1..$n"
[ "$fail" -eq 0 ]
