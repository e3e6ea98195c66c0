#!/usr/bin/env bash
# make check's look at every kernel series Debian's archive offers: for
# each, the newest point release is fetched (lab/kernel-source.sh) and, if
# kernel/linux-X.Y/hooks.patch exists, the hooks are applied and KVM is
# compiled with them (arch/x86/kvm and what it includes of virt/kvm, with
# the lab's configuration and KVM's -Werror: minutes, not a kernel), or the
# series is reported as one without hooks.  A series without hooks is not a
# failure - Debian publishing 7.4 must not turn CI red, it must be seen
# here first; hooks that no longer apply or build are.  Series that
# FULL_KVERS names are checked whole by other stages and only listed.
# usage: lab/archive-kernels.sh    (last line: N passed, N failed)
set -uo pipefail
. "$(dirname "$0")/env.sh"
. "$TOP/lab/debian-archive.sh"

full=" ${FULL_KVERS:-} "
pass=0 fail=0
table=()
mapfile -t series < <(archive_sources) || true
[ ${#series[@]} -gt 0 ] || { echo "archive-kernels: Debian's archive lists no linux-source-X.Y"; echo "0 passed, 1 failed"; exit 1; }

build_kvm() {	# build_KVM SERIES: hooks applied and KVM compiled in a scratch tree
	local s=$1 tree=$EXITSTAT_CACHE/archive-$1 tarball=/usr/src/linux-source-$1.tar.xz log
	log=$EXITSTAT_CACHE/archive-$s.log
	rm -rf "$tree" && mkdir -p "$tree"
	tar -xf "$tarball" -C "$tree" --strip-components=1 || return 1
	(cd "$tree" && git apply --whitespace=error-all "$TOP/kernel/linux-$s/hooks.patch") || {
		echo "archive-kernels: kernel/linux-$s/hooks.patch does not apply to $(cd "$tree" && make -s kernelversion)"
		return 1
	}
	"$TOP/lab/put-sources.sh" "$tree"
	"$TOP/lab/configure.sh" "$tree" || return 1
	# A directory target compiles every object of it (no link, no modpost):
	# all that the hooks and our files can break.
	if ! make -C "$tree" -j"$(nproc)" arch/x86/kvm/ >"$log" 2>&1; then
		grep -E 'error|Error' "$log" | head -20
		echo "archive-kernels: KVM of $s does not build with the hooks; see $log"
		return 1
	fi
	if grep -E 'warning:' "$log"; then
		echo "archive-kernels: KVM of $s builds with warnings; see $log"
		return 1
	fi
	rm -rf "$tree"
}

for line in "${series[@]}"; do
	s=${line%% *} v=${line#* } t0=$SECONDS
	if [[ $full == *" $s "* ]]; then
		have=$(dpkg-query -W -f='${Version}' "linux-source-$s" 2>/dev/null)
		table+=("$(printf '%-6s %-22s %s' "$s" "$v" "checked whole by this make check's other stages, on $have$([ "${have%%-*}" = "${v%%-*}" ] || echo ", an older release than this")")")
		continue
	fi
	if [ ! -f "$TOP/kernel/linux-$s/hooks.patch" ]; then
		table+=("$(printf '%-6s %-22s %s' "$s" "$v" "no hooks for this series: not supported (reported, not failed)")")
		continue
	fi
	echo "archive-kernels: $s: fetching Debian's $v, applying kernel/linux-$s/hooks.patch, compiling KVM"
	# The release's own build of the same upstream version will do (6.12.118
	# is 6.12.118-1 in trixie, 6.12.118-1~deb12u1 in bookworm-security).
	if got=$("$TOP/lab/kernel-source.sh" "$s") && got=${got##* } &&
		{ [ "${got%%-*}" = "${v%%-*}" ] || { echo "archive-kernels: $s: got $got, not $v"; false; }; } &&
		build_kvm "$s"; then
		table+=("$(printf '%-6s %-22s %s' "$s" "$v" "hooks apply to $got, KVM builds with them, no warnings ($((SECONDS - t0)) s)")")
		pass=$((pass + 1))
	else
		table+=("$(printf '%-6s %-22s %s' "$s" "$v" "FAILED: see above ($((SECONDS - t0)) s)")")
		fail=$((fail + 1))
	fi
done
echo "archive-kernels: the kernel series in Debian's archive ($(echo $ARCHIVE_SUITES))"
printf '%s\n' "${table[@]}"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
