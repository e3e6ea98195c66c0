#!/usr/bin/env bash
# `make series`: the kernel side as a `git format-patch` series against the
# pristine Debian tree, one logical change per patch, for hardware users and
# upstream review.  Every patch is committed in a worktree of the lab tree,
# KVM is compiled (with -Werror) after each one, each patch passes
# checkpatch --strict, and the series is checked to `git am` onto pristine
# and to end exactly where the lab's tree is.
set -euo pipefail
. "$(dirname "$0")/env.sh"

out=$TOP/build/series-$KVER
wt=$EXITSTAT_CACHE/series-$KVER
hooks=$TOP/kernel/linux-$KVER/hooks.patch
selmk=tools/testing/selftests/kvm
arch=$(selftest_arch "$KTREE/$selmk")	# x86_64 before 7.x, x86 since
sel=$selmk/$arch
[ -f "$KTREE/.config" ] || { echo "build the lab kernel first (make kernel)" >&2; exit 1; }

git_wt() { git -C "$wt" -c user.name="kvm-exitstat developers" \
	-c user.email="kvm-exitstat@users.noreply.example" "$@"; }

if [ ! -d "$wt" ]; then
	echo "series: creating worktree $wt at pristine"
	git -C "$KTREE" worktree add -q --detach "$wt" pristine
fi
git_wt checkout -q --detach -f pristine
cp "$KTREE/.config" "$wt/.config"

# MAINTAINERS: our section, right after KVM/x86's, lists the files so far
# (checkpatch asks for it in every patch that adds a file).
maintainers() {
	python3 - "$wt/MAINTAINERS" "$@" <<'EOF'
import sys, subprocess
path, files = sys.argv[1], sorted(sys.argv[2:])
text = subprocess.run(['git', '-C', path.rsplit('/', 1)[0], 'show', 'pristine:MAINTAINERS'],
                      capture_output=True, text=True, check=True).stdout
anchor = text.index('KERNEL VIRTUAL MACHINE FOR X86 (KVM/x86)\n')
end = text.index('\n\n', anchor) + 2
section = ('KERNEL VIRTUAL MACHINE FOR X86 EXIT STATISTICS (KVM-EXITSTAT)\n'
           'L:\tkvm@vger.kernel.org\nS:\tMaintained\n' +
           ''.join('F:\t%s\n' % f for f in files) + '\n')
open(path, 'w').write(text[:end] + section + text[end:])
EOF
}

# The object list of arch/x86/kvm/Makefile at a given step: a line of its
# own after Xen's, built with CONFIG_KVM_EXITSTAT, as the hooks have it.
kvm_objects() {
	git_wt show pristine:arch/x86/kvm/Makefile |
		sed "s|^kvm-\$(CONFIG_KVM_XEN)\t+= xen.o\$|&\nkvm-\$(CONFIG_KVM_EXITSTAT) += $*|" > "$wt/arch/x86/kvm/Makefile"
	grep -q "^kvm-\$(CONFIG_KVM_EXITSTAT) += $*\$" "$wt/arch/x86/kvm/Makefile"
}

commit() {	# commit SUBJECT BODY [NEW-FILE...]: then compile KVM
	local subject=$1 body=$2
	shift 2
	git_wt add -u			# tracked files; build output stays out
	[ $# -eq 0 ] || git_wt add -f -- "$@"	# Debian ignores the top level
	git_wt commit -q -s -m "$subject" -m "$body"
	echo "series: [$(git_wt rev-list --count pristine..HEAD)] $subject"
	# The lab's config each time: before the patch that adds
	# CONFIG_KVM_EXITSTAT, olddefconfig drops the option; after, it is on.
	cp "$KTREE/.config" "$wt/.config"
	make -C "$wt" -s -j"$(nproc)" olddefconfig modules_prepare >/dev/null
	make -C "$wt" -s -j"$(nproc)" arch/x86/kvm/ > "$out.build.log" 2>&1 || {
		cat "$out.build.log" >&2
		echo "series: KVM does not build after: $subject" >&2
		exit 1
	}
}

uapi=arch/x86/include/uapi/asm/kvm_exitstat.h
cp "$TOP/include/uapi/asm/kvm_exitstat.h" "$wt/$uapi"
maintainers "$uapi"
commit "KVM: x86: define the kvm-exitstat CPUID leaves" \
"A guest cannot run perf kvm stat or kvm_stat, but it can execute CPUID.
Define leaves through which it reads how many VM exits of each exit
reason its VM caused and how many host TSC cycles KVM spent on them,
plus a discovery leaf so that tools can tell this ABI from garbage." "$uapi"

vcpuh=arch/x86/include/asm/kvm_exitstat_vcpu.h
cp "$TOP"/kernel/exitstat_core.[ch] "$wt/arch/x86/kvm/"
cp "$TOP/include/asm/kvm_exitstat_vcpu.h" "$wt/$vcpuh"
maintainers "$uapi" "$vcpuh" arch/x86/kvm/exitstat_core.*
git -C "$wt" apply --include=arch/x86/kvm/Kconfig "$hooks"
kvm_objects exitstat_core.o
commit "KVM: x86: add kvm-exitstat reason tables and CPUID answer" \
"Which exit reasons the Intel SDM and the AMD APM define, how they map to
a dense counter index (AMD's exit codes are sparse), the per-vCPU
counters, how a query of the leaves is answered and how the leaf binding
is validated.  This part has no state and no locking, so it is also
built into user-space tests.  All of kvm-exitstat is built only with
CONFIG_KVM_EXITSTAT, default n: a kernel without it is KVM as before." \
	arch/x86/kvm/exitstat_core.c arch/x86/kvm/exitstat_core.h "$vcpuh"

# The binary stats come in a patch of their own, after debugfs: until then
# the hooked files are without them (their text, found by what it says).
without_stats() {
	python3 - "$wt" <<'EOF'
import re, sys
cut = {
    'arch/x86/kvm/exitstat.c': [r'/\*\n \* The part of a read of @vcpu.*?\n}\n\n'],
    'arch/x86/kvm/exitstat.h': [r'/\*\n \* The counters in each vCPU.*?_SLOTS, 0\)\n\n'],
    'arch/x86/kvm/x86.c': [r'#ifdef CONFIG_KVM_EXITSTAT\n\tKVM_EXITSTAT_STATS_DESC\(cycles.*?KVM_EXITSTAT_STATS_EXITS\),\n#endif\n'],
    'include/linux/kvm_host.h': [r'(?<=\n)\n?/\* A vCPU stat named @stat_name.*?\n\t?}\n',
                                 r'\n/\*\n \* Whether a vCPU stat is a field.*?#endif\n'],
}
for f, pats in cut.items():
    path = sys.argv[1] + '/' + f
    text = open(path).read()
    for p in pats:
        text, n = re.subn(p, '', text, count=1, flags=re.S)
        assert n == 1, (f, p)
    open(path, 'w').write(text)
EOF
}
stats_files=(arch/x86/kvm/x86.c include/linux/kvm_host.h virt/kvm/kvm_main.c)

cp "$TOP"/kernel/exitstat.[ch] "$wt/arch/x86/kvm/"
git -C "$wt" apply --exclude=arch/x86/kvm/debugfs.c --exclude=arch/x86/kvm/Makefile \
	--exclude=arch/x86/kvm/Kconfig --exclude=virt/kvm/kvm_main.c "$hooks"
without_stats
maintainers "$uapi" "$vcpuh" arch/x86/kvm/exitstat_core.* arch/x86/kvm/exitstat.*
kvm_objects exitstat.o exitstat_core.o
commit "KVM: x86: count VM exits per reason and answer the kvm-exitstat leaves" \
"Count every VM exit of a vCPU by reason, with the host TSC cycles from
the exit until KVM has handled it, and answer the leaves from
kvm_cpuid() when the guest's CPUID model lacks them, so that the leaves
it has cost nothing.  The vendor run loops record each exit as soon as
its reason is known, so fastpath exits count too; x86.c closes the cycle
interval after the handler or before a fastpath re-entry.  Counters are
per vCPU, at the end of struct kvm_vcpu so that code built into the
kernel sees the layout it was built with: no atomic operation, no
pointer and no shared cache line on the exit path, and a static key
turns counting off.  Each vendor registers its exit
handler table, so \"handled by KVM\" is read off KVM itself." \
	arch/x86/kvm/exitstat.c arch/x86/kvm/exitstat.h

cp "$TOP/kernel/exitstat_debugfs.c" "$wt/arch/x86/kvm/"
git -C "$wt" apply --include=arch/x86/kvm/debugfs.c "$hooks"
git_wt checkout -q pristine -- arch/x86/kvm/Makefile
git -C "$wt" apply --include=arch/x86/kvm/Makefile "$hooks"
maintainers "$uapi" "$vcpuh" arch/x86/kvm/exitstat_core.* arch/x86/kvm/exitstat.* \
	arch/x86/kvm/exitstat_debugfs.c
commit "KVM: x86: show kvm-exitstat counters in debugfs" \
"Host operators get the same counters as text in KVM's debugfs
directories: per VM, per vCPU and for all VMs since kvm was loaded." \
	arch/x86/kvm/exitstat_debugfs.c

cp "$TOP"/kernel/exitstat.[ch] "$wt/arch/x86/kvm/"
for f in "${stats_files[@]}"; do cp "$KTREE/$f" "$wt/$f"; done
commit "KVM: x86: kvm-exitstat counters in the vCPU binary stats" \
"Each vCPU's binary stats file, which VMMs read (QEMU's query-stats),
gains two cumulative arrays, exits and host TSC cycles per counter slot.
The counters stay at the end of struct kvm_vcpu: their descriptors carry
offsets past struct kvm_vcpu_stat and the vCPU stats read serves that
part of the file from them.  KVM's per-stat debugfs files read
vcpu->stat and element 0 only, so they skip these; the exitstat debugfs
files show every reason."

cp "$TOP/tests/lab/exitstat_test.c" "$wt/$sel/exitstat_test.c"
# The list of x86 tests: in the Makefile before 7.x, in Makefile.kvm since.
mk=$wt/$selmk/Makefile
[ -f "$mk.kvm" ] && mk=$mk.kvm
sed -i -E "s|^TEST_GEN_PROGS_$arch \+?= $arch/cpuid_test\$|&\nTEST_GEN_PROGS_$arch += $arch/exitstat_test|" "$mk"
grep -q exitstat_test "$mk"
maintainers "$uapi" "$vcpuh" arch/x86/kvm/exitstat_core.* arch/x86/kvm/exitstat.* \
	arch/x86/kvm/exitstat_debugfs.c "$sel/exitstat_test.c"
commit "KVM: selftests: add exitstat_test" \
"Exact counts of CPUID, I/O, MSR and HLT exits as the guest reads them,
the undefined and unhandled reasons, cycles, isolation between VMs, two
vCPUs, and the runtime switch." "$sel/exitstat_test.c"
make -C "$wt" -s headers >/dev/null
make -C "$wt/$selmk" EXTRA_CFLAGS=-static \
	"TEST_GEN_PROGS_$arch=$arch/exitstat_test" > "$out.build.log" 2>&1 || {
	tail -30 "$out.build.log" >&2
	echo "series: the selftest does not build" >&2
	exit 1
}

rm -rf "$out" && mkdir -p "$out"
git_wt format-patch -q --no-signature -o "$out" pristine..HEAD
for p in "$out"/*.patch; do
	PATH=/usr/bin:$PATH "$wt/scripts/checkpatch.pl" --strict --quiet "$p"
done

# The kernel side of the series is exactly what the lab builds and tests.
for f in $(git_wt diff --name-only pristine HEAD -- arch include virt); do
	cmp -s "$wt/$f" "$KTREE/$f" || { echo "series: $f differs from the lab tree" >&2; exit 1; }
done
final=$(git_wt rev-parse HEAD^{tree})
git_wt checkout -q --detach pristine
git_wt am -q "$out"/*.patch
[ "$(git_wt rev-parse HEAD^{tree})" = "$final" ] ||
	{ echo "series: git am gives another tree" >&2; exit 1; }
echo "series: $(ls "$out"/*.patch | wc -l) patches in $out: each builds, checkpatch --strict clean, git am onto Debian's pristine $KVER gives the lab's tree"
