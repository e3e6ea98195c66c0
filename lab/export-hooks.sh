#!/usr/bin/env bash
# Developer tool: after editing the hooks in the kernel tree, writes them back
# to kernel/linux-$KVER/hooks.patch as a mail-ready patch (the commit message
# is kept from the current hooks.patch).  The tree itself is left as it was.
set -euo pipefail
. "$(dirname "$0")/env.sh"

patch=$TOP/kernel/linux-$KVER/hooks.patch
msg=$(mktemp)
trap 'rm -f "$msg"' EXIT
# git mailinfo splits a mail-form patch into its subject and message body.
git mailinfo "$msg.body" /dev/null < "$patch" > "$msg.info"
{ sed -n 's/^Subject: //p' "$msg.info"; echo; cat "$msg.body"; } > "$msg"
rm -f "$msg.body" "$msg.info"

cd "$KTREE"
files=$(git diff --name-only pristine)
git add -f $files
git -c user.name="kvm-exitstat developers" \
    -c user.email="kvm-exitstat@users.noreply.example" commit -q -F "$msg"
git format-patch -1 --stdout --no-signature > "$patch"
git reset -q --soft pristine
git reset -q
sha256sum "$patch" | cut -d' ' -f1 > .exitstat-hooks
echo "wrote $patch: $(grep -c '^+[^+]' "$patch") lines added in $(echo $files | wc -w) files"
