#!/usr/bin/env bash
# Batch-build benchmarks (issue 6). Not a test: it prints figures and ratios.
#
#   scripts/bench-batch.sh [N] [RUNS]      (defaults: 1000 briefs, 3 runs per measurement)
#
# Builds the release binary and the generator (honours CARGO_TARGET_DIR), writes N briefs
# with examples/gen_briefs.rs, then measures, with SOURCE_DATE_EPOCH fixed:
#   - a full build of the N briefs to PDF + EPUB with --jobs 1 and --jobs 2, the two
#     interleaved, each run into a fresh folder, on the disk and on tmpfs;
#   - the no-op rebuild (everything up to date);
#   - peak memory of the full --jobs 2 build (/usr/bin/time -v);
#   - the example brief alone (whole process, both formats) against pandoc making its EPUB
#     and Typst making its PDF (pandoc → .typ → typst compile), when those are installed,
#     the three run interleaved by scripts/interleave.py (one run of each in turn), so the
#     machine's drift cannot favour one of them.
# The no-op rebuild uses hyperfine when installed (median of its runs), else repeated runs.
# The work folder (thousands of files) is deleted at the end: on an ext4 without a journal,
# leave six minutes before the next run (see the full builds below).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
RUNS=${2:-3}
TARGET=${CARGO_TARGET_DIR:-target}
cargo build --release --quiet --bin brief --example gen_briefs
BRIEF="$TARGET/release/brief"
GEN="$TARGET/release/examples/gen_briefs"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/brief-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export SOURCE_DATE_EPOCH=1700000000
EXAMPLE=sources/uzbekistan-kazakhstan-visit.md

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "brief: $("$BRIEF" --version)"
"$GEN" "$N" "$WORK/briefs" 2>/dev/null
echo "corpus: $N generated briefs, $(du -sh "$WORK/briefs" | cut -f1)"

# median SECONDS of RUNS runs of a shell command (after PREPARE, untimed, before each run;
# WARMUP untimed runs first, default none)
median() {
  local prepare=$1 cmd=$2 runs=$3 warmup=${4:-0}
  if command -v hyperfine >/dev/null; then
    # -N: run the commands without a shell (no shell start-up to subtract from processes
    # of a few milliseconds); every command here is a plain program with arguments.
    hyperfine -N --style none --warmup "$warmup" --runs "$runs" --prepare "$prepare" --export-json "$WORK/h.json" "$cmd" >/dev/null 2>&1
    python3 -c 'import json,sys; print("%.4f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$WORK/h.json"
  else
    local times=()
    for _ in $(seq "$runs"); do
      bash -c "$prepare"
      local t0 t1
      t0=$(date +%s.%N); bash -c "$cmd" >/dev/null 2>&1; t1=$(date +%s.%N)
      times+=("$(echo "$t1 - $t0" | bc)")
    done
    printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.4f\n", m}'
  fi
}
ratio() { python3 -c "import sys; print('%.2f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$1" "$2"; }

echo "timer: $(command -v hyperfine >/dev/null && echo hyperfine || echo 'date, median of runs')"
# Full builds: --jobs 1 and --jobs 2 interleaved (one warm-up round), each run into a
# folder of its own, and nothing on this disk is deleted before the end of the script:
# an ext4 without a journal (like this machine's) skips every inode freed in the last
# minute one by one when it creates a file, so deleting a run's 2,000 outputs before the
# next build makes that build's file creation (and the example's below) slow; kernel
# time that would be timed as brief's (a fifth of a --jobs 1 build).
full() {  # OUT_ROOT -> "J1 J2" medians in seconds
  python3 scripts/interleave.py "$RUNS" 1 \
    "$BRIEF build $WORK/briefs -o $1/{run}-j1 --jobs 1 --quiet" \
    "$BRIEF build $WORK/briefs -o $1/{run}-j2 --jobs 2 --quiet" >"$WORK/full.json"
  python3 -c 'import json,sys; print(" ".join("%.4f" % m for m in json.load(open(sys.argv[1]))["medians_s"]))' "$WORK/full.json"
}
read -r J1 J2 <<<"$(full "$WORK/full")"
echo "full build, --jobs 1: ${J1} s  ($(python3 -c "print('%.0f' % ($N / $J1))") briefs/s)"
echo "full build, --jobs 2: ${J2} s  ($(python3 -c "print('%.0f' % ($N / $J2))") briefs/s)   speed-up $(ratio "$J1" "$J2")x"
# The same with the outputs on tmpfs: what brief itself costs, without the disk's.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
  SHM=$(mktemp -d /dev/shm/brief-bench.XXXXXX)
  read -r S1 S2 <<<"$(full "$SHM/full")"
  rm -rf "$SHM"  # (tmpfs: deleting there costs the disk nothing)
  echo "  outputs on tmpfs: --jobs 1 ${S1} s, --jobs 2 ${S2} s ($(python3 -c "print('%.0f' % ($N / $S2))") briefs/s)   speed-up $(ratio "$S1" "$S2")x"
fi
"$BRIEF" build "$WORK/briefs" -o "$WORK/out" --quiet
NOOP=$(median "true" "$BRIEF build $WORK/briefs -o $WORK/out --quiet" $((RUNS * 3)) 1)
echo "no-op rebuild: ${NOOP} s"
if [ -x /usr/bin/time ]; then
  /usr/bin/time -v "$BRIEF" build "$WORK/briefs" -o "$WORK/peak" --jobs 2 --quiet 2>"$WORK/time.txt" || true
  echo "peak memory, full --jobs 2 build: $(awk -F: '/Maximum resident/ {printf "%.0f MB", $2/1024}' "$WORK/time.txt")"
else
  echo "peak memory: /usr/bin/time not installed (apt-get install time)"
fi

# The builds above leave about a gigabyte of outputs to be written back to the disk, which
# the kernel does over the next half minute on the same two cores: written back first, so
# that the single processes below are timed on a quiet machine (all of them alike).
sync

# Single processes of 10-100 ms on a shared machine: many runs (and a warm-up), and the
# commands compared are run interleaved (scripts/interleave.py: one run of each in turn),
# so that the machine's drift cannot favour one of them; ratios are of medians.
SINGLE=$((RUNS * 20))
CMDS=("$BRIEF build $EXAMPLE -o $WORK/one --force --quiet")
HAVE_PANDOC=0
HAVE_TYPST=0
if command -v pandoc >/dev/null; then
  HAVE_PANDOC=1
  CMDS+=("$(command -v pandoc) $EXAMPLE -o $WORK/pandoc.epub")
fi
if ! command -v typst >/dev/null || ! command -v pandoc >/dev/null; then
  TYPST_NOTE="typst: not installed (no comparison)"
# (-M keywords=: pandoc 3.9's Typst template writes a keyword list unquoted, which Typst
# rejects; the keywords do not change the typesetting work.)
elif ! pandoc "$EXAMPLE" -s -t typst -M keywords= -o "$WORK/example.typ" 2>/dev/null; then
  TYPST_NOTE="typst: this pandoc cannot write Typst (needs pandoc >= 3; set PATH to one, e.g. from pypandoc-binary)"
elif ! typst compile "$WORK/example.typ" "$WORK/typst.pdf" 2>/dev/null; then
  TYPST_NOTE="typst: could not compile pandoc's Typst output (no comparison)"
else
  HAVE_TYPST=1
  CMDS+=("$(command -v typst) compile $WORK/example.typ $WORK/typst.pdf")
fi
python3 scripts/interleave.py "$SINGLE" 5 "${CMDS[@]}" > "$WORK/single.json"
nth() { python3 -c 'import json,sys; print("%.4f" % json.load(open(sys.argv[1]))["medians_s"][int(sys.argv[2])])' "$WORK/single.json" "$1"; }
ONE=$(nth 0)
echo "example brief, PDF + EPUB (whole process): ${ONE} s  (medians of $SINGLE runs, interleaved with the tools below)"
if [ "$HAVE_PANDOC" = 1 ]; then
  PANDOC=$(nth 1)
  echo "pandoc $(pandoc --version | head -1 | cut -d' ' -f2), EPUB only: ${PANDOC} s  -> brief is $(ratio "$PANDOC" "$ONE")x faster (goal 5x)"
else
  echo "pandoc: not installed"
fi
if [ "$HAVE_TYPST" = 1 ]; then
  TYPST=$(nth $((1 + HAVE_PANDOC)))
  echo "typst $(typst --version | cut -d' ' -f2), PDF only: ${TYPST} s  -> brief is $(ratio "$TYPST" "$ONE")x faster (goal 10x)"
else
  echo "$TYPST_NOTE"
fi
