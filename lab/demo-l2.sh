#!/bin/sh
# The L2 guest's part of `make demo` (lab/demo-guest.sh): the seed's query
# with Debian's cpuid, then exitstat's table.  The query comes first so that
# its host log line is not lost to the log's rate limit (10 per 5 s) behind
# exitstat's own queries.  Then it waits for a line on its console while L1
# shows the host's view of it (exitstat --host).
if grep -q '^vendor_id.*AuthenticAMD' /proc/cpuinfo; then r=0x72; else r=10; fi
echo "DEMO-CPUID-CMD cpuid -1 -r -l 0x4FFFFFFD -s $r"
echo "DEMO-CPUID $(cpuid -1 -r -l 0x4FFFFFFD -s $r | grep -a '^ *0x' | sed 's/^ *//')"
echo "DEMO-TABLE-BEGIN"
exitstat
st=$?
echo "DEMO-TABLE-END $st"
echo "DEMO-PAUSE"
read -r _ || sleep 5
exit $st
