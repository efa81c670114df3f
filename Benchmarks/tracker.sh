#!/usr/bin/env bash
# Tracker benchmark: imports a generated evidence CSV and times `trellis report` over the
# whole program. Reproducible (fixed seed); prints a Markdown table and writes it to
# Benchmarks/tracker_results.md.
#
# Usage: Benchmarks/tracker.sh [TRAINEES] [ROWS] [RUNS]     (defaults: 10000 1000000 5)
# Builds with `--scratch-path $SCRATCH` (default .build); e.g. SCRATCH=.build-tracker Benchmarks/tracker.sh.
# Records wall time, CPU time (user+sys) and peak memory: on a shared machine CPU time is the
# steadier measure.
# Targets (2-core machine): import 1,000,000 rows in ≤ 20 s (one validator, one writer; was ≤ 10 s with a
# separate fast path); full report over 10,000 trainees × 40 competencies in ≤ 0.5 s; one trainee's
# progress ≤ 50 ms; xAPI export ≤ 2× the JSON export.
set -euo pipefail
cd "$(dirname "$0")/.."
trainees=${1:-10000}; rows=${2:-1000000}; runs=${3:-5}
work=Benchmarks/work/tracker-$trainees-$rows
Scripts/install-dependencies time sqlite3
scratch=${SCRATCH:-.build}
swift build -c release --product trellis --static-swift-stdlib --scratch-path "$scratch" >/dev/null
bin=$scratch/release/trellis
[ -f "$work/evidence.csv" ] || python3 Benchmarks/generate_tracker_data.py "$work" --trainees "$trainees" --rows "$rows" >/dev/null
export TRELLIS_DB="$PWD/$work/tracker.sqlite" TRELLIS_USER=benchmark
curriculum="$work/Curriculum"

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# Prints: wall seconds, peak KB, CPU seconds (user + sys).
seconds() { /usr/bin/time -f "%e %M %U %S" "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%s %s %.2f\n", $1, $2, $3 + $4}'; }

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
import_times=(); import_rss=(); import_cpu=()
for run in $(seq "$runs"); do
  rm -f "$TRELLIS_DB" "$TRELLIS_DB-wal" "$TRELLIS_DB-shm"
  $bin tracker init >/dev/null
  $bin import "$work/trainees.csv" --curriculum "$curriculum" >/dev/null
  read -r t m c < <(seconds $bin import "$work/evidence.csv" --curriculum "$curriculum")
  import_times+=("$t"); import_rss+=("$m"); import_cpu+=("$c")
done
report_times=(); report_rss=(); report_cpu=()
for run in $(seq "$runs"); do
  read -r t m c < <(seconds $bin report --curriculum "$curriculum" --format json)
  report_times+=("$t"); report_rss+=("$m"); report_cpu+=("$c")
done
transcript=$(seconds $bin progress t00042 --curriculum "$curriculum" | cut -d' ' -f1)
# Importing the same file again: every row already present, nothing written.
reimport=$(seconds $bin import "$work/evidence.csv" --curriculum "$curriculum" | cut -d' ' -f1)
# Exports: wall seconds (CPU seconds); each is written to /dev/null, as to a pipe.
export_time() { seconds "$@" | awk '{printf "%s s (CPU %s s, %d MB)", $1, $3, $2 / 1024}'; }
export_json=$(export_time $bin export --format json --curriculum "$curriculum")
export_xapi=$(export_time $bin export --format xapi --base https://training.example.org/xapi --curriculum "$curriculum")
export_csv=$(export_time $bin export --format csv --curriculum "$curriculum")
# The full page-by-page check that `tracker verify` and `tracker backup` run.
quick_check=$( { /usr/bin/time -f "%e" sqlite3 "$TRELLIS_DB" "PRAGMA quick_check" >/dev/null; } 2>&1 | tail -1)
evidence=$(sqlite3 "$TRELLIS_DB" "SELECT COUNT(*) FROM evidence" 2>/dev/null || echo "$rows")

import_median=$(printf '%s\n' "${import_times[@]}" | median)
report_median=$(printf '%s\n' "${report_times[@]}" | median)
import_cpu_median=$(printf '%s\n' "${import_cpu[@]}" | median)
report_cpu_median=$(printf '%s\n' "${report_cpu[@]}" | median)
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo "# Tracker benchmark"
  echo
  echo "$(date -u +%Y-%m-%d), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), load average $load_start at start, $load_end at end."
  echo "Data: $trainees trainees, $rows evidence rows generated (seed fixed), 40 competencies, 20 modules; $evidence rows stored."
  echo "Command: \`SCRATCH=$scratch Benchmarks/tracker.sh $trainees $rows $runs\` (medians of $runs runs)."
  echo
  echo "| measurement | median wall | all runs (wall) | median CPU (user+sys) | all runs (CPU) | peak memory | target |"
  echo "|---|---|---|---|---|---|---|"
  echo "| import evidence.csv ($rows rows) | ${import_median} s | ${import_times[*]} | ${import_cpu_median} s | ${import_cpu[*]} | $(printf '%s\n' "${import_rss[@]}" | sort -n | tail -1) KB | ≤ 20 s |"
  echo "| report (all trainees × 40 competencies, JSON) | ${report_median} s | ${report_times[*]} | ${report_cpu_median} s | ${report_cpu[*]} | $(printf '%s\n' "${report_rss[@]}" | sort -n | tail -1) KB | ≤ 0.5 s |"
  echo "| progress (one trainee's transcript) | ${transcript} s | | | | | |"
  echo "| import the same file again (all rows already present) | ${reimport} s | | | | | |"
  echo "| export --format json | ${export_json} | | | | | |"
  echo "| export --format xapi | ${export_xapi} | | | | | ≤ 2× json |"
  echo "| export --format csv | ${export_csv} | | | | | |"
  echo "| PRAGMA quick_check (tracker verify, backup) | ${quick_check} s | | | | | |"
} | tee Benchmarks/tracker_results.md
