#!/usr/bin/env bash
# Mutation testing (never run by .ci/run, like fuzzing): cargo-mutants plants one small bug at
# a time in the areas where a wrong answer is silent (rules, the policy model/evaluator/linter/
# fix, URL parsing and redaction, the probe guard, the lint config and baseline) and runs the
# fast tests of that area; a mutant the tests do not notice is a gap. Results are summarised
# per area (see MUTANTS.md for the last run and what each survivor means).
#
# Usage: bash scripts/mutants.sh [--in-diff] [--budget MINUTES] [--timeout SECONDS] [--sample K/N | --rest] [AREA...]
#   AREA       one or more of: guard url resolve config rules kops policy policy-core
#              (default: all, in order)
#   --in-diff  mutate only the lines changed against `main` (git diff)
#   --budget   wall-clock cap for the whole run, in minutes (default 120); when it is reached
#              the running area is interrupted and the summary says so
#   --timeout  per-mutant test timeout in seconds (default 60: the unmutated tests of any area
#              take under 10 s, so a mutant still running after 60 s is looping; each one
#              that times out costs the whole wait)
#   --list     only list the mutants of each area and count them
#   --tally    run nothing: add up the slices already run of each area (every
#              target/mutants-out/<area>-<K>of<N>) and list their survivors
#   --sample K/N  run only every N-th mutant of each area, starting at the K-th (K from 0):
#              a spread sample for the large areas when the whole run does not fit the time
#              (cargo-mutants --shard K/N --sharding round-robin); the summary says so
#   --rest     run only the mutants of each area that no earlier run recorded in
#              target/mutants-out/<area>-* has tried. Slices run hours apart: when the code
#              changes between them, the round-robin split shifts and some mutants fall between
#              slices. A mutant counts as tried when an outcome names its file and description
#              (not its line, which moves with any edit above it), once per outcome.
#              Each --rest run keeps its own folder (<area>-rest1, -rest2, ...)
#
# Sized for a shared two-core machine: one mutant at a time (-j 1), under `nice -n 15`, with a
# separate target directory (target/mutants) whose dependencies are seeded from target/debug
# on the first run so only statelint itself is rebuilt for each mutant.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
version=27.1.0
tool="$root/.tools/cargo-mutants/bin/cargo-mutants"

in_diff=0
list=0
tally=0
budget_min=120
timeout_s=60
sample=""
rest=0
areas=()
while [ $# -gt 0 ]; do
  case "$1" in
    --in-diff) in_diff=1 ;;
    --list) list=1 ;;
    --tally) tally=1 ;;
    --budget) budget_min=${2:?--budget needs minutes}; shift ;;
    --timeout) timeout_s=${2:?--timeout needs seconds}; shift ;;
    --sample) sample=${2:?--sample needs K/N}; shift
      [[ "$sample" =~ ^[0-9]+/[1-9][0-9]*$ ]] || { echo "mutants.sh: --sample wants K/N, e.g. 0/8" >&2; exit 2; } ;;
    --rest) rest=1 ;;
    -h|--help) sed -n '2,32p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "mutants.sh: unknown option $1" >&2; exit 2 ;;
    *) areas+=("$1") ;;
  esac
  shift
done
[ -z "$sample" ] || [ "$rest" = 0 ] || { echo "mutants.sh: --sample and --rest do not go together" >&2; exit 2; }
[ ${#areas[@]} -gt 0 ] || areas=(guard url resolve config rules kops policy policy-core)

# Each area: the files to mutate and the tests that guard them (none needs a server).
area_files() {
  case "$1" in
    guard) echo "src/probes/guard.rs" ;;
    url) echo "src/resolve/url.rs" ;;
    resolve) echo "src/resolve/mod.rs src/resolve/near_miss.rs src/resolve/diags.rs" ;;
    config) echo "src/config.rs src/baseline.rs" ;;
    rules) echo "src/rules/*.rs src/rules/mod.rs" ;;
    kops) echo "src/rules/kops/*.rs src/rules/instancegroup/*.rs" ;;
    # The globs are expanded by this script's bash, where `**` is only `*`: each names the
    # folder depth it means. policy: the linter's rules, the access map, the facts tables and
    # fix's Terraform; policy-core: the model, parser, evaluator, ARNs, JSON positions and fix.
    policy) echo "src/policy/*/*.rs" ;;
    policy-core) echo "src/policy/*.rs" ;;
    *) return 1 ;;
  esac
}
area_tests() {
  case "$1" in
    guard) echo "--lib --test safe_defaults" ;;
    url|resolve) echo "--lib --test redaction --test hostile_store --test fuzz_regressions" ;;
    config) echo "--lib --test cli" ;;
    rules|kops) echo "--lib --test rules --test rule_edges --test kops_validation --test kops_instancegroups" ;;
    policy|policy-core) echo "--lib --test policy_lint --test policy_edges --test policy_templates --test policy_parity --test hostile_policy --test fix_policy --test access" ;;
    *) return 1 ;;
  esac
}
for area in "${areas[@]}"; do
  area_files "$area" >/dev/null || { echo "mutants.sh: unknown area $area" >&2; exit 2; }
done

# Lines in a cargo-mutants outcome list (0 when it is missing or empty).
count() { if [ -s "$1" ]; then grep -c . "$1"; else echo 0; fi; }

# Every outcome recorded for an area: its slices and its --rest runs.
outcome_dirs() {
  local dir
  for dir in "$root/target/mutants-out/$1"-[0-9]*of[0-9]*/mutants.out \
    "$root/target/mutants-out/$1"-rest[0-9]*/mutants.out; do
    [ -d "$dir" ] && echo "$dir"
  done
  return 0
}

# The area's mutants as cargo-mutants lists them now, less those an outcome already names.
# Names are compared without `:line:col`, and each outcome covers one mutant only.
untried() {
  local tried=() dir list
  for dir in $(outcome_dirs "$1"); do
    for list in caught missed timeout unviable; do
      [ -s "$dir/$list.txt" ] && tried+=("$dir/$list.txt")
    done
  done
  local files=()
  for f in $(area_files "$1"); do files+=(--file "$f"); done
  "$tool" mutants --list "${files[@]}" | awk '
    { key = $0; sub(/:[0-9]+:[0-9]+: /, " ", key) }
    FILENAME != "-" { tried[key]++; next }
    tried[key] > 0 { tried[key]--; next }
    { print }' ${tried[@]+"${tried[@]}"} -
}

# A mutant's name as a regex that matches exactly that name (for cargo-mutants --re).
exact_re() { printf '^%s$' "$(printf '%s' "$1" | sed 's/[][\\.*+?(){}^$|]/\\&/g')"; }

if [ "$tally" = 1 ]; then
  for area in "${areas[@]}"; do
    total_c=0 total_m=0 total_t=0 total_u=0
    for dir in $(outcome_dirs "$area"); do
      c=$(count "$dir/caught.txt"); m=$(count "$dir/missed.txt")
      t=$(count "$dir/timeout.txt"); u=$(count "$dir/unviable.txt")
      slice=$(basename "$(dirname "$dir")")
      printf '%-16s caught %4d  missed %3d  timeout %3d  unviable %3d\n' "$slice" "$c" "$m" "$t" "$u"
      total_c=$((total_c + c)) total_m=$((total_m + m)) total_t=$((total_t + t)) total_u=$((total_u + u))
      sed "s/^/    missed: /" "$dir/missed.txt" 2>/dev/null || true
    done
    viable=$((total_c + total_m + total_t))
    rate=$([ "$viable" -gt 0 ] && echo "$((100 * (total_c + total_t) / viable))%" || echo "-")
    printf '%-16s caught %4d  missed %3d  timeout %3d  unviable %3d  kill rate %s\n' \
      "$area (sum)" "$total_c" "$total_m" "$total_t" "$total_u" "$rate"
    if [ -x "$tool" ]; then
      echo "$area: $(untried "$area" | grep -c . || true) of its mutants not yet tried (--rest runs them)"
    fi
  done
  exit 0
fi

if [ ! -x "$tool" ]; then
  echo "mutants.sh: installing cargo-mutants $version into .tools/cargo-mutants" >&2
  nice -n 15 cargo install --locked --root "$root/.tools/cargo-mutants" "cargo-mutants@$version" >&2
fi

# A target directory of our own, so mutants never disturb target/debug; its dependencies are
# copied from target/debug once (statelint's own artifacts are rebuilt for each mutant anyway).
export CARGO_TARGET_DIR="$root/target/mutants"
if [ ! -d "$CARGO_TARGET_DIR/debug" ] && [ -d "$root/target/debug/deps" ]; then
  echo "mutants.sh: seeding $CARGO_TARGET_DIR with the dependencies in target/debug" >&2
  for sub in deps build .fingerprint; do
    mkdir -p "$CARGO_TARGET_DIR/debug/$sub"
    find "$root/target/debug/$sub" -mindepth 1 -maxdepth 1 ! -name 'statelint*' ! -name 'libstatelint*' \
      $(for t in tests/*.rs; do printf "! -name %s-* " "$(basename "$t" .rs)"; done) \
      -exec cp -r --preserve=timestamps {} "$CARGO_TARGET_DIR/debug/$sub/" \;
  done
fi

diff_file=""
if [ "$in_diff" = 1 ]; then
  base=$(git merge-base main HEAD)
  diff_file="$root/target/mutants-out/in-diff.patch"
  mkdir -p "$(dirname "$diff_file")"
  git diff "$base" -- src >"$diff_file"
  if [ ! -s "$diff_file" ]; then
    echo "mutants.sh: no change under src/ against main ($base): nothing to mutate"
    exit 0
  fi
fi

deadline=$(($(date +%s) + budget_min * 60))
summary="$root/target/mutants-out/summary.tsv"
mkdir -p "$root/target/mutants-out"
printf 'area%s\tmutants\tcaught\tmissed\ttimeout\tunviable\tnot run\tkill rate\n' "${sample:+ (sample $sample)}" >"$summary"
status=0
for area in "${areas[@]}"; do
  # A slice keeps its own folder, so the slices of one spread add up instead of replacing
  # each other (e.g. target/mutants-out/config-1of8).
  out="$root/target/mutants-out/$area${sample:+-${sample/\//of}}"
  if [ "$rest" = 1 ]; then
    n=1
    while [ -e "$root/target/mutants-out/$area-rest$n" ]; do n=$((n + 1)); done
    out="$root/target/mutants-out/$area-rest$n"
  fi
  # --gitignore: the copy cargo-mutants builds in leaves out .tools/ (servers, virtualenvs)
  # and target/, which would otherwise fill the disk.
  args=(--gitignore=true --no-shuffle -j 1 --timeout "$timeout_s" --build-timeout 1200 --output "$out")
  for f in $(area_files "$area"); do args+=(--file "$f"); done
  for t in $(area_tests "$area"); do args+=(--cargo-arg="$t"); done
  [ -z "$diff_file" ] || args+=(--in-diff "$diff_file")
  [ -z "$sample" ] || args+=(--shard "$sample" --sharding round-robin)
  if [ "$rest" = 1 ]; then
    names=()
    while IFS= read -r name; do names+=("$name"); done < <(untried "$area")
    if [ ${#names[@]} -eq 0 ]; then
      echo "mutants.sh: $area: every mutant has been tried already"
      continue
    fi
    for name in "${names[@]}"; do args+=(--re "$(exact_re "$name")"); done
  fi
  if [ "$list" = 1 ]; then
    echo "$area: $("$tool" mutants --list "${args[@]}" | grep -c .) mutants"
    continue
  fi
  left=$((deadline - $(date +%s)))
  if [ "$left" -le 60 ]; then
    echo "mutants.sh: budget spent, $area not run" >&2
    printf '%s\t-\t-\t-\t-\t-\tall (budget)\t-\n' "$area" >>"$summary"
    continue
  fi
  total=$("$tool" mutants --list "${args[@]}" | grep -c . || true)
  echo "mutants.sh: $area: $total mutants, $((left / 60)) min left" >&2
  rc=0
  timeout -s INT -k 120 "$left" nice -n 15 "$tool" mutants "${args[@]}" || rc=$?
  # cargo-mutants: 0 all caught, 2 some missed, 3 some timed out; 124 is our wall-clock cap.
  case "$rc" in 0|2|3|124|130) ;; *) status=$rc ;; esac
  [ "$rc" = 0 ] || [ "$status" != 0 ] || status=1
  m="$out/mutants.out"
  caught=$(count "$m/caught.txt"); missed=$(count "$m/missed.txt")
  timeouts=$(count "$m/timeout.txt"); unviable=$(count "$m/unviable.txt")
  done_n=$((caught + missed + timeouts + unviable))
  viable=$((caught + missed + timeouts))
  rate=$([ "$viable" -gt 0 ] && echo "$((100 * (caught + timeouts) / viable))%" || echo "-")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$area" "$total" "$caught" "$missed" "$timeouts" \
    "$unviable" "$((total - done_n))" "$rate" >>"$summary"
done
[ "$list" = 1 ] && exit 0
echo
column -t -s $'\t' "$summary" 2>/dev/null || cat "$summary"
echo "mutants.sh: survivors are listed in target/mutants-out/<area>[-<K>of<N>]/mutants.out/missed.txt"
exit "$status"
