#!/usr/bin/env bash
# The recorded-AWS ratchet: replays the recorded corpus (test/aws-recorded/corpus, a copy of the
# team's aws-recorded set kept in the project so a clean clone has it) against this checkout and fails
# when a case listed in test/aws-recorded/passing.txt does not pass. Cases that newly pass are printed, to be
# added to the list in the same change (the list only grows).
#
# usage: scripts/replay-ratchet.sh [CORPUS_DIR]   (default: test/aws-recorded/corpus)
set -u -o pipefail
cd "$(dirname "$0")/.."
CORPUS=${1:-test/aws-recorded/corpus}
LIST=test/aws-recorded/passing.txt
if [ ! -x "$CORPUS/replay/run.sh" ] && [ ! -f "$CORPUS/replay/run.sh" ]; then
  echo "replay-ratchet: no corpus at $CORPUS (expected replay/run.sh)" >&2
  exit 2
fi
out=$(mktemp)
# The replay's own closing line ("N passed, M failed") is reworded: CI reads closing lines of that
# form as the test suite's result, and the suite's summary is the one that counts.
bash "$CORPUS/replay/run.sh" . 2>"$out.err" >"$out"
status=$?
sed -E 's/^([0-9]+) passed, ([0-9]+) failed$/recorded AWS cases: \1 pass, \2 do not/' "$out"
if ! grep -Eq '^[0-9]+ passed, [0-9]+ failed' "$out"; then
  echo "replay-ratchet: the replay did not finish (exit $status); its log:" >&2
  tail -40 "$out.err" >&2
  exit 1
fi
lost=0
while IFS= read -r name; do
  [ -n "$name" ] || continue
  if ! grep -qx "PASS $name" "$out"; then
    echo "replay-ratchet: LOST $name (it is in $LIST)"
    lost=$((lost + 1))
  fi
done <"$LIST"
for name in $(sed -n 's/^PASS //p' "$out"); do
  grep -qx "$name" "$LIST" || echo "replay-ratchet: new pass $name (add it to $LIST)"
done
kept=$(grep -c . "$LIST")
if [ "$lost" -gt 0 ]; then
  echo "replay-ratchet: $lost of $kept recorded cases that passed before fail now"
  exit 1
fi
echo "replay-ratchet: all $kept cases in $LIST pass"
