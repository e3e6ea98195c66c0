# Plots of one vendor's timeline for docs/report (lab/report-doc.sh).
# Called with: dir (the analysis of lab/report-doc.sh), out (docs/report),
# vendor (amd|intel), title, fmt (png|svg).
if (fmt eq "png") {
	set terminal pngcairo size 1000,560 font "DejaVu Sans,10" noenhanced
} else {
	set terminal svg size 1000,560 font "DejaVu Sans,10" noenhanced dynamic
}
set datafile separator "\t"
set grid ytics lc rgb "gray85"
set key outside right top
set border 3
set tics nomirror

# 1. cumulative exits per reason (top 8) over the whole run, with the phases
set output out."/cumulative-".vendor.".".fmt
set title "Cumulative exits per reason, top ".ncum." by count — ".title
set xlabel "L1 time since QEMU started (s)"
set ylabel "exits (cumulative, log scale)"
set logscale y
set yrange [1:*]
load dir."/marks.gp"
plot for [i=0:ncum-1] dir."/cum.dat" index i using 1:($2 > 0 ? $2 : NaN) with steps lw 2 title columnheader(1)
unset logscale y
set yrange [*:*]

# 2. exit rate per sampling interval over time: the bursts
set output out."/rate-".vendor.".".fmt
set title "Exit rate per sampling interval (all reasons) — ".title
set ylabel "exits/s (log scale)"
set logscale y
set yrange [10:*]
set style fill solid 0.8 noborder
plot dir."/rate.dat" using 1:($2 > 0 ? $2 : NaN):3 with boxes lc rgb "#3060a0" notitle
unset logscale y
set yrange [*:*]
unset arrow
unset label

# 3. exit rate per phase, stacked by reason
set output out."/phases-".vendor.".".fmt
set title "Exit rate per phase, by reason — ".title
set xlabel "phase"
set ylabel "exits/s of L1 time"
set style data histograms
set style histogram rowstacked
set style fill solid 0.85 border -1
set boxwidth 0.7
set yrange [0:*]
plot for [c=2:7] dir."/phases.dat" using c:xtic(1) title columnheader(c)
set yrange [*:*]

# 4. top reasons by count and by cycles
set output out."/top-".vendor.".".fmt
set multiplot layout 1,2 title "Top reasons over the whole run — ".title
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set key off
set xtics rotate by -40 left font ",9"
set xlabel ""
set logscale y
set yrange [1:*]
set title "by count"
set ylabel "exits (log scale)"
plot dir."/count.dat" using 2:xtic(1) lc rgb "#3060a0"
set title "by cycles"
set ylabel "million cycles of L1's TSC (log scale)"
set yrange [0.01:*]
plot dir."/cycles.dat" using 2:xtic(1) lc rgb "#c05020"
unset multiplot
