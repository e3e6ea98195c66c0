# Sourced by tests/hardware/: PASS/FAIL tallies, and what every build of
# our modules must give.
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS: $*"; }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
PATH=$PATH:/usr/sbin:/sbin	# modinfo
modinfo_f() { modinfo -F "$2" "$1"; }	# one field of a module file

# Every build must give modules for the release of the tree it was built
# against, with our parameters in kvm.ko.
check_modules() {	# DIR RELEASE
	local m v
	for m in kvm kvm-intel kvm-amd; do
		v=$(modinfo_f "$1/$m.ko" vermagic | cut -d' ' -f1)
		[ "$v" = "$2" ] || { echo "$m.ko: vermagic $v, expected $2"; return 1; }
	done
	v=$(modinfo_f "$1/kvm.ko" parm | sed -n 's/^\(exitstat_[a-z]*\):.*/\1/p' | sort | tr '\n' ' ')
	[ "$v" = "exitstat_enable exitstat_global exitstat_leaves exitstat_log " ] ||
		{ echo "kvm.ko has the parameters '$v', expected exitstat_enable, _global, _leaves, _log"; return 1; }
	case ,$(modinfo_f "$1/kvm-amd.ko" depends), in
	*,kvm,*) ;;
	*) echo "kvm-amd.ko depends on '$(modinfo_f "$1/kvm-amd.ko" depends)', not on kvm"; return 1 ;;
	esac
}
