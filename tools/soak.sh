#!/bin/bash
# Soak test (issue 16), outside CI: SIGKILLs the real CLI at random points of
# imports, appends, corrections, rebuilds and backups of one store. After
# every kill `annals verify` (with projections) must be clean, and every
# statement reported durable must be in the store: each input line up to
# the highest `durable ... line=N` an import reported on --progress-fd, and
# each `append` that exited 0 (appends sync by default), and each line of
# a fresh slice (new ids) up to the highest durable line its import reported.
#
#   tools/soak.sh [KILLS]        default 1000; resumes where a run stopped
#
# Environment: ANNALS (binary, default build/tools/annals), SOAK_DIR (work
# directory, default /tmp/annals-soak; delete it to start afresh), SOAK_SEED.
# Writes SOAK_DIR/soak.log (one line per kill) and, on a finding, stops
# with exit 1, keeping the store as SOAK_DIR/finding-<kill> and the details
# in SOAK_DIR/findings.log. Run it under `nice -n 10`.
set -u
want=${1:-1000}
annals=$(realpath "${ANNALS:-build/tools/annals}")
dir=${SOAK_DIR:-/tmp/annals-soak}
RANDOM=${SOAK_SEED:-$$}
mkdir -p "$dir"
store=$dir/store input=$dir/input.jsonl
log=$dir/soak.log
touch "$dir/appended.ids" "$dir/durable_line" "$dir/kills"
kills=$(cat "$dir/kills"); kills=${kills:-0}

if [ ! -s "$input" ]; then
  /usr/bin/python3 - "$input" <<'PY'
import random, sys
r = random.Random(16)
with open(sys.argv[1], "w") as f:
    for i in range(1, 40001):
        f.write('{"id":"soak-%d","speaker":"Speaker %d","targets":["Target %d"],'
                '"verb":"said","topics":["topic %d"],"content":"%s %d",'
                '"occurred_at":"%d-0%d-1%d"}\n' % (i, r.randint(0, 300), r.randint(0, 300),
                r.randint(0, 40), "x" * r.randint(40, 400), i, r.randint(1990, 2025),
                r.randint(1, 9), r.randint(0, 9)))
PY
fi

finding() {  # $1: what went wrong
  echo "kill $kills: $1" >>"$dir/findings.log"
  cp -a "$store" "$dir/finding-$kills" 2>/dev/null
  echo "FINDING at kill $kills: $1 (store kept as $dir/finding-$kills)" | tee -a "$log"
  exit 1
}

# Runs "$@" in the background, SIGKILLs it after $delay seconds; sets
# $status (137 when killed).
run_and_kill() {
  "$@" >"$dir/out" 2>"$dir/err" &
  local pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null
  wait "$pid"
  status=$?
}

random_delay() {  # seconds, up to $1 ms
  delay=$(printf '0.%03d' $((RANDOM % $1)))
  [ "$1" -gt 999 ] && delay=$((RANDOM % ($1 / 1000))).$(printf '%03d' $((RANDOM % 1000)))
}

check() {
  local line; line=$(cat "$dir/durable_line"); line=${line:-0}
  "$annals" --db "$store" verify >"$dir/verify.out" 2>&1
  local v=$?
  # Killed while creating the store: no store yet, and nothing durable.
  [ "$v" -eq 1 ] && [ "$line" -eq 0 ] && grep -q "no store" "$dir/verify.out" && return
  [ "$v" -eq 0 ] || finding "verify after $op: $(tail -3 "$dir/verify.out" | tr '\n' ' ')"
  "$annals" --db "$store" log --format jsonl 2>"$dir/err" |
    grep -o '"id":"[^"]*"' | sed 's/"id":"//; s/"$//' | sort -u >"$dir/stored.ids" ||
    finding "log after $op: $(cat "$dir/err")"
  { seq 1 "$line" | sed 's/^/soak-/'; cat "$dir/appended.ids"; } | sort -u >"$dir/durable.ids"
  local missing; missing=$(comm -23 "$dir/durable.ids" "$dir/stored.ids" | head -5)
  [ -z "$missing" ] || finding "after $op, reported durable but missing: $missing"
}

while [ "$kills" -lt "$want" ]; do
  ops=(import import append correct rebuild backup)
  [ -e "$store/CURRENT" ] || ops=(import)
  op=${ops[$((RANDOM % ${#ops[@]}))]}
  case $op in
    import)
      # Once an import has reported anything durable, half the rounds import
      # a fresh slice of 1,000-6,000 lines under new ids, so that kills also
      # land while new events are written (before 2026-12-06 only the first
      # rounds did that); the others import the whole corpus again (mostly
      # duplicates: kills in reading, checking and settling).
      random_delay 3000
      file=$input prefix=""
      if [ -s "$dir/durable_line" ] && [ $((RANDOM % 2)) -eq 0 ]; then
        prefix="r$kills-$RANDOM-"
        file=$dir/slice.jsonl
        head -n $((1000 + RANDOM % 5001)) "$input" |
          sed "s/\"id\":\"soak-/\"id\":\"soak-$prefix/" >"$file"
      fi
      run_and_kill "$annals" --db "$store" import "$file" --progress-fd 3 \
        --progress-every 65536 3>"$dir/progress"
      line=$(grep -o 'line=[0-9]*' "$dir/progress" | tail -1 | cut -d= -f2)
      [ "$status" -eq 0 ] && line=$(wc -l <"$file")
      if [ -n "$prefix" ]; then
        [ -n "$line" ] && seq 1 "$line" | sed "s/^/soak-$prefix/" >>"$dir/appended.ids"
      else
        old=$(cat "$dir/durable_line"); old=${old:-0}
        [ -n "$line" ] && [ "$line" -gt "$old" ] && echo "$line" >"$dir/durable_line"
      fi ;;
    append)
      # An append opens the store writable, and its projections first catch
      # up with what a killed import left: that can take seconds, so a short
      # window kills every append before it writes (142 kills, 0 appends
      # finished). Half the windows are short, half long.
      random_delay $(( RANDOM % 2 ? 400 : 4000 ))
      id="soak-append-$kills-$RANDOM"
      run_and_kill "$annals" --db "$store" append --id "$id" --speaker "Appender" \
        --verb said --at 2024-05-0$((RANDOM % 9 + 1)) --content "appended $id"
      [ "$status" -eq 0 ] && echo "$id" >>"$dir/appended.ids" ;;
    correct)
      random_delay $(( RANDOM % 2 ? 400 : 4000 ))
      head=$("$annals" --db "$store" stats --format jsonl | grep -o '"head":[0-9]*' | cut -d: -f2)
      run_and_kill "$annals" --db "$store" correct $((RANDOM % ${head:-1} + 1)) \
        --content "corrected at kill $kills" --reason soak ;;
    rebuild)
      random_delay 2000
      run_and_kill "$annals" --db "$store" rebuild actors ;;
    backup)
      random_delay 1500
      run_and_kill "$annals" --db "$store" backup "$dir/backup-$kills"
      if [ "$status" -eq 0 ]; then
        # A backup is not a store: restore it, then verify what it gives.
        { "$annals" --db "$dir/restored-$kills" restore "$dir/backup-$kills" &&
          "$annals" --db "$dir/restored-$kills" verify; } >"$dir/verify.out" 2>&1 ||
          finding "restore and verify of a finished backup: $(tail -3 "$dir/verify.out" | tr '\n' ' ')"
      fi
      # Made by this script: the backup, its restore, and the work directory
      # a killed backup leaves beside its destination.
      rm -rf "$dir/backup-$kills" "$dir/restored-$kills" "$dir"/.backup-"$kills".annals-backup-* ;;
  esac
  # A command that fails other than by the kill (or a correction of a
  # retracted or non-statement seq, exit 1) is a finding.
  if [ "$status" -ne 137 ] && [ "$status" -ne 0 ] && ! { [ "$op" = correct ] && [ "$status" -eq 1 ]; }; then
    finding "$op exited $status: $(tail -3 "$dir/err" | tr '\n' ' ')"
  fi
  check
  if [ "$status" -eq 137 ]; then
    kills=$((kills + 1))
    echo "$kills" >"$dir/kills"
  fi
  echo "$(date -u +%FT%TZ) kill $kills op $op delay $delay status $status durable_line $(cat "$dir/durable_line") appended $(wc -l <"$dir/appended.ids")" >>"$log"
done
echo "done: $kills kills, no findings" | tee -a "$log"
