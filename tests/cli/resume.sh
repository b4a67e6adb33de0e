#!/bin/bash
# A sweep killed with SIGKILL and rerun gives the same outputs, byte for byte, as an uninterrupted
# run, and says how many finished instances it reused (issue: "sweeps that survive").
# Usage: resume.sh FREELUNCH WORKDIR
set -euo pipefail
exe=$1
work=$2
rm -rf "$work"
mkdir -p "$work/whole" "$work/killed"
args=(check l1 --precision exact,fp16,bf16 --jobs 1 --quiet --out out --tables tables)

cd "$work/whole"
"$exe" "${args[@]}" > stdout.txt 2> stderr.txt || [ $? -eq 1 ]

cd "$work/killed"
"$exe" "${args[@]}" > /dev/null 2>&1 &
pid=$!
finished=0
for _ in $(seq 1 2400); do
  n=$(cat out/.store/*.jsonl 2>/dev/null | grep -c '"index"' || true)
  if [ "$n" -ge 3 ]; then break; fi
  sleep 0.025
done
if ! kill -9 "$pid" 2>/dev/null; then finished=1; fi
wait "$pid" 2>/dev/null || true
if [ "$finished" -eq 1 ]; then echo "the run finished before it could be killed"; exit 1; fi
[ -e out/l1.jsonl ] && { echo "the killed run wrote its final output"; exit 1; }
# A torn record, as a kill in the middle of a write leaves.
store=$(ls out/.store/*.jsonl)
printf '{"index": 5, "count": ' >> "$store"

"$exe" "${args[@]}" > stdout.txt 2> stderr.txt || [ $? -eq 1 ]
grep -E "^l1: reused [0-9]+ of [0-9]+ finished instances" stderr.txt
cmp "$work/whole/out/l1.jsonl" out/l1.jsonl
diff -r "$work/whole/tables" tables
cmp "$work/whole/stdout.txt" stdout.txt
# A third run reuses everything; --fresh reuses nothing.
"$exe" "${args[@]}" > /dev/null 2> stderr2.txt || [ $? -eq 1 ]
grep -qE "^l1: reused ([0-9]+) of \1 finished" stderr2.txt
"$exe" "${args[@]}" --fresh > /dev/null 2> stderr3.txt || [ $? -eq 1 ]
if grep -q reused stderr3.txt; then echo "--fresh reused instances"; exit 1; fi
cmp "$work/whole/out/l1.jsonl" out/l1.jsonl
echo "resume: identical outputs after SIGKILL"
