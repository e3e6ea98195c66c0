# Sourced by the lab scripts: where the kernel tree and lab outputs live.
# The tree lives outside git, in a cache that survives `git clean`; its path
# must stay the same between runs or Kbuild rebuilds everything.
# The default kernel: the one this machine's Debian release runs (6.1 on
# Debian 12, 6.12 on Debian 13 and later).
if [ -z "${KVER:-}" ]; then
	case $(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}") in
	bullseye | bookworm | "") KVER=6.1 ;;
	*) KVER=6.12 ;;
	esac
fi
EXITSTAT_CACHE=${EXITSTAT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kvm-exitstat}
KTREE=${KTREE:-$EXITSTAT_CACHE/linux-$KVER}
LABDIR=${LABDIR:-$EXITSTAT_CACHE/lab-$KVER}
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export KVER EXITSTAT_CACHE KTREE LABDIR TOP
# Run as if typed by the user even under `make`: the selftests' lib.mk only
# sets OUTPUT in a top-level make (MAKELEVEL 0), and a parent's jobserver
# flags must not leak into the kernel's builds.
unset MAKELEVEL MAKEFLAGS MFLAGS
# selftest_arch SELFTESTS-DIR: the x86 directory of a tree's KVM selftests,
# also the suffix of the make variable listing its tests: x86_64 before
# Linux 7.x, x86 since.
selftest_arch() { if [ -d "$1/x86" ]; then echo x86; else echo x86_64; fi; }
