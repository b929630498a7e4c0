#!/bin/bash
# test-smoke.sh: starts the real field-notes binary on demo data, waits for its
# window and saves a screenshot; then types a note, waits for autosave, kills
# the app with SIGKILL and checks that the note is in the store.
#
# SPDX-FileCopyrightText: 2026 Field Notes authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Needs: FIELD_NOTES, STORE_TOOL, OUT_DIR; runs inside Xvfb (DISPLAY set).

set -u

echo "1..2"

DATA=$(mktemp -d)
APP=
cleanup () {
  [ -n "$APP" ] && kill -9 "$APP" 2>/dev/null
  rm -rf "$DATA"
}
trap cleanup EXIT

fail () {
  echo "not ok $1 - $2"
  echo "Bail out! $2"
  exit 1
}

start_app () {
  "$FIELD_NOTES" --data-dir "$DATA" >&2 &
  APP=$!
  WIN=
  for _ in $(seq 100); do
    WIN=$(xdotool search --pid "$APP" --name '^Field Notes$' 2>/dev/null | head -1)
    [ -n "$WIN" ] && break
    kill -0 "$APP" 2>/dev/null || fail "$1" "field-notes exited early"
    sleep 0.1
  done
  [ -n "$WIN" ] || fail "$1" "no window appeared within 10 s"
  # Let it draw its first frames.
  sleep 1
}

"$STORE_TOOL" demo "$DATA" || fail 1 "could not load demo data"

# 1: the window appears and draws something that looks like an app.
start_app 1
SHOT="$OUT_DIR/smoke-main-window.png"
rm -f "$SHOT"
import -window root "$SHOT" || fail 1 "import failed"
read -r W H COLORS < <(identify -format '%w %h %k\n' "$SHOT")
echo "# screenshot $SHOT: ${W}x${H}, $COLORS colours"
[ "$W" -ge 800 ] && [ "$H" -ge 600 ] || fail 1 "screenshot too small"
# A blank or single-colour screen has a handful of colours; text and icons
# give hundreds.
[ "$COLORS" -ge 100 ] || fail 1 "screenshot looks empty ($COLORS colours)"
echo "ok 1 - window shown and screenshot saved"

# 2: type a note, wait past the autosave delay, SIGKILL, check the store.
TITLE="Typed before SIGKILL $$"
xdotool windowfocus --sync "$WIN" 2>/dev/null || xdotool windowfocus "$WIN"
xdotool key --clearmodifiers ctrl+f
sleep 0.3
xdotool key Return          # opens the first patient
sleep 0.5
xdotool key --clearmodifiers ctrl+n
sleep 0.5
xdotool type --delay 20 "$TITLE"
sleep 2                     # > 1.5 s: the autosave must have happened
kill -9 "$APP"
wait "$APP" 2>/dev/null
APP=
"$STORE_TOOL" find-note "$DATA" "$TITLE" | sed "s/^/# /"; [ "${PIPESTATUS[0]}" -eq 0 ] || fail 2 "the note typed before SIGKILL is lost"
echo "ok 2 - autosaved note survives SIGKILL"
