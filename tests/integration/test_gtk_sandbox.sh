#!/usr/bin/env bash
# mlops-gtk under Xvfb against a real mlopsd on the SLURM sandbox. The app
# runs in its test driver, mlops-gtk-test (tests/gtk/), which follows a
# script of steps through the app's own actions and widgets: the app
# shows both clusters with their GPUs, marks a field the daemon rejects,
# warns about a dirty tree, previews the sbatch script, launches a job from
# the Launch dialog, sees it reach COMPLETED through the daemon's events
# (no refresh), follows and opens its log on stdout and stderr, offers the
# job's W&B run and hands it to the desktop's browser, notifies the
# desktop (a notification server on the test's session bus) when the job
# ends while the window is not focused and not when it is, cancels a job
# after confirmation, syncs the project, filters its job list, says so
# when the daemon goes away and reconnects by itself, then switches to the
# daemon's tls+tcp:// listener in Preferences, where a remote daemon's
# exit is seen and survived the same way.
# Screenshots of every screen land in $MLOPS_BUILD_DIR/screenshots/.
. "$(dirname "$0")/lib.sh"
itest_init gtk
. "$(dirname "$0")/sandbox.sh"

GTK_TEST=${MLOPS_GTK_TEST:-$MLOPS_BUILD_DIR/tests/gtk/mlops-gtk-test}
SHOTS=${MLOPS_SCREENSHOT_DIR:-$MLOPS_BUILD_DIR/screenshots}
if [ ! -x "$GTK_TEST" ]; then
	not_ok "mlops-gtk-test is built ($GTK_TEST)"
	itest_done
fi
NOTIFYD=$MLOPS_BUILD_DIR/tests/fake-notifyd
for tool in xvfb-run dbus-run-session openssl "$NOTIFYD"; do
	if ! command -v "$tool" >/dev/null; then
		not_ok "$tool is installed (scripts/setup)"
		itest_done
	fi
done

# The daemon listens locally and on tls+tcp:// with a test CA, for the
# Preferences step.
(cd "$T" && tls_make_ca ca &&
	printf 'subjectAltName=IP:127.0.0.1\n' >san.ext &&
	tls_make_cert server ca san.ext && tls_make_cert client ca)
port=$((20000 + RANDOM % 20000))
tls="tls+tcp://127.0.0.1:$port"
daemon() {
	"$MLOPSD" --reconnect-max 2 --listen "$URL" --listen "$tls" \
		--tls-cert "$T/server.pem" --tls-key "$T/server.key" --tls-ca "$T/ca.pem"
}

# The desktop's browser: an https handler that writes down what it got.
mkdir -p "$T/xdg/applications"
printf '#!/bin/sh\necho "$1" >>"%s"\n' "$T/browser.log" >"$T/browser"
chmod +x "$T/browser"
cat >"$T/xdg/applications/mlops-test-browser.desktop" <<EOF
[Desktop Entry]
Type=Application
Name=Test browser
Exec=$T/browser %u
MimeType=x-scheme-handler/https;
EOF
printf '[Default Applications]\nx-scheme-handler/https=mlops-test-browser.desktop\n' \
	>"$XDG_CONFIG_HOME/mimeapps.list"
export XDG_DATA_HOME="$T/xdg"

sandbox_config
daemon
m() { "$MLOPS" --no-autostart "$@"; }
wait_for 20 "alpha connects" '[ "$(cluster_state alpha)" = connected ]'
wait_for 20 "beta connects" '[ "$(cluster_state beta)" = connected ]'

# A project whose training prints its arguments and obeys exit=N sleep=S;
# then an uncommitted change, so that the Launch dialog must warn.
repo="$T/src/toy"
mkdir -p "$repo"
cat >"$repo/train.py" <<'PY'
import sys, time
print("hello from the gtk test", sys.argv[1:], flush=True)
opts = dict(a.split("=", 1) for a in sys.argv[1:] if "=" in a)
# As wandb itself does: the run URL on stderr.
print("wandb: View run gtk-run at: https://wandb.example.org/acme/gtk/runs/r1",
      file=sys.stderr, flush=True)
time.sleep(float(opts.get("sleep", "0")))
sys.exit(int(opts.get("exit", "0")))
PY
git -C "$repo" init -q -b main
git -C "$repo" add train.py
git -C "$repo" commit -q -m "toy trainer"
echo "# work in progress" >>"$repo/train.py"
m project add "$repo" >/dev/null
tag="g$$"

rm -rf "$SHOTS"
mkdir -p "$SHOTS"
script="$T/gtk-script.txt"
cat >"$script" <<EOF
# Overview: both clusters, each with GPU lines; the project. The window
# is not focused, as when the user looks elsewhere.
focus out
wait-connected 30
wait-clusters 2 60
wait-project toy
screenshot overview
expect-accel <Control>n win.show-launch
expect-accel <Control>f win.search
expect-accel <Control>r win.refresh
expect-accel F5 win.refresh

# Launch: the dirty tree is refused until "allow dirty" is on, and a
# field the daemon rejects is marked on the field.
action win.show-launch
wait-launch-ready 60
launch-set project toy
launch-set cluster alpha
launch-set partition gpu
launch-set gpu_type a100
launch-set gpus 2
launch-set description "gtk $tag"
launch-set overrides "sleep=15 exit=0"
action launch.preview
wait-field-error allow_dirty 60
screenshot launch-dirty
launch-set allow_dirty true
launch-set time_limit "ten minutes"
action launch.preview
wait-field-error time_limit 60
screenshot launch-field-error
launch-set time_limit ""
action launch.preview
wait-preview 60
screenshot launch-preview

# The launch itself, and COMPLETED arriving by events alone.
action launch.submit
wait-launched 180
wait-toast "Launched job"
screenshot job-submitted

# The log viewer follows the running job (reads on each job event).
action job.open-log
wait-log-text "hello from the gtk test" 90
wait-job-state RUNNING 60
screenshot job-log-running

# While it runs, the overview's GPU counts follow (events, no polling).
action win.show-overview
wait-gpu-free alpha gpu a100 4 90
screenshot overview-busy
action win.show-job \$JOB
wait-job-state COMPLETED 180
screenshot job
action job.open-log
wait-log 30
wait-log-text "sleep=15" 30
screenshot job-log
# It ended while the window was not focused: one desktop notification.
expect-notifications 1

# stderr carries the W&B run; the page offers it, and the desktop's
# browser gets it.
job-stream stderr
wait-log-text "View run gtk-run" 60
screenshot job-log-stderr
wait-wandb 60
action job.open-wandb
wait-file $T/browser.log 30

# Focused this time: a job cancelled after confirmation, no notification.
focus in
action win.show-launch
wait-launch-ready 60
launch-set project toy
launch-set cluster alpha
launch-set partition gpu
launch-set gpu_type a100
launch-set gpus 1
launch-set allow_dirty true
launch-set description "gtk cancel $tag"
launch-set overrides "sleep=600"
action launch.submit
wait-launched 180
wait-job-state RUNNING 120
action job.cancel
dialog-response cancel-job 10
wait-toast "Cancelled job"
wait-job-state CANCELLED 60
screenshot job-cancelled
expect-notifications 1
focus out

# Sync reads the git state again.
action win.show-project toy
action project.sync
wait-toast "Synced toy" 30

# The project page narrows its history as 'mlops jobs' does.
action win.show-project toy
wait-project-jobs 1 30
project-filter "gtk $tag" COMPLETED
expect-project-jobs 1
project-filter "gtk $tag" FAILED
expect-project-jobs 0
project-filter "no-such-job-$tag" ""
expect-project-jobs 0
project-filter "" ""
screenshot project

# The daemon goes away: the window says so, and reconnects by itself.
action win.show-overview
touch $T/stop-daemon
wait-disconnected 30
screenshot disconnected
touch $T/daemon-stopped-seen
wait-connected 60
wait-clusters 2 60
screenshot reconnected

# A remote daemon, set in Preferences: the same daemon's TLS listener.
prefs-set url $tls
prefs-set ca $T/ca.pem
prefs-set cert $T/client.pem
prefs-set key $T/client.key
screenshot preferences
action prefs.apply
wait-connected 30
expect-url $tls
prefs-close
wait-clusters 2 60
screenshot remote
# Its exit shows without a call (the event link drops), and it is found
# again when back.
touch $T/stop-daemon-2
wait-disconnected 30
screenshot remote-disconnected
touch $T/daemon-stopped-seen-2
wait-connected 60
expect-url $tls
wait-clusters 2 60
quit
EOF

# The daemon's side of the reconnect steps, while the app runs.
(
	for round in "" -2; do
		for _ in $(seq 1200); do [ -e "$T/stop-daemon$round" ] && break; sleep 0.5; done
		itest_stop_daemon
		for _ in $(seq 120); do [ -e "$T/daemon-stopped-seen$round" ] && break; sleep 0.5; done
		daemon
	done
) >"$T/restart.log" 2>&1 &
restarter=$!

# GTK leaks by design at exit; real ASan errors still land in $T/sanitizer.
# The app runs on its own session bus, beside a notification server.
cat >"$T/session.sh" <<'EOF'
"$NOTIFYD" "$T/notify.log" &
for _ in $(seq 100); do grep -q '^ready' "$T/notify.log" 2>/dev/null && break; sleep 0.1; done
exec xvfb-run -a -s "-screen 0 1280x900x24" "$@"
EOF
export NOTIFYD T
run=(dbus-run-session -- bash "$T/session.sh")
st=0
ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" GSK_RENDERER=cairo \
	GTK_A11Y=none NO_AT_BRIDGE=1 GDK_BACKEND=x11 MLOPS_GTK_DEBUG=1 \
	timeout 480 "${run[@]}" "$GTK_TEST" --test-script "$script" \
	--screenshot-dir "$SHOTS" >"$T/gtk.out" 2>"$T/gtk.err" || st=$?
# The restarter is done, or waits for a step the app never reached.
kill "$restarter" 2>/dev/null || true
wait "$restarter" 2>/dev/null || true
[ -n "$(itest_daemon_pid || true)" ] || daemon
sed 's/^/    /' "$T/gtk.out"
grep -v -e "^$" -e "Failed to set fd limit" -e "^mlops-gtk: " "$T/gtk.err" | sed 's/^/    stderr: /' | head -40 || true

check "the app's script passed (exit $st)" [ "$st" -eq 0 ]
check "no GTK or GLib criticals or warnings" \
	bash -c "! grep -E -q '(CRITICAL|WARNING) \*\*' '$T/gtk.err'"
check "no failed step" [ "$(grep -c "^not ok" "$T/gtk.out")" -eq 0 ]
check "the launch went through the dialog" grep -q "^ok - action launch.submit" "$T/gtk.out"
check "the GPU counts followed the job" grep -q "^ok - wait-gpu-free alpha gpu a100 4" "$T/gtk.out"
check "COMPLETED arrived without a refresh" grep -q "^ok - wait-job-state COMPLETED" "$T/gtk.out"
check "the log viewer followed the running job" grep -q "^ok - wait-log-text hello from the gtk test" "$T/gtk.out"
check "the log viewer settled" grep -q "^# log: " "$T/gtk.out"
check "the reconnect was seen" grep -q "^ok - wait-connected 60" "$T/gtk.out"
for shot in overview launch-field-error launch-dirty launch-preview \
	job-submitted job-log-running overview-busy job job-log project \
	disconnected job-log-stderr job-cancelled preferences remote \
	remote-disconnected reconnected; do
	check "screenshot $shot.png" [ -s "$SHOTS/$shot.png" ]
done
check "screenshots are PNG" \
	bash -c "head -c 8 '$SHOTS/overview.png' | od -An -c | grep -q 'P   N   G'"

# What reached the desktop.
check "the notification server was up" grep -q '^ready' "$T/notify.log"
sed 's/^/    notify.log: /' "$T/notify.log"
check "one notification reached the desktop" [ "$(grep -c '^notify' "$T/notify.log")" -eq 1 ]
check "...saying the job completed" grep -q "^notify.*	Job [0-9]* completed	toy — gtk $tag on alpha" "$T/notify.log"
check "the browser got the W&B run" \
	[ "$(cat "$T/browser.log" 2>/dev/null)" = https://wandb.example.org/acme/gtk/runs/r1 ]
check "the remote URL was saved" grep -q "$tls" "$XDG_CONFIG_HOME/mlops/gtk.ini"
check "the remote exit was seen without a call (the event link dropped)" \
	grep -q "^mlops-gtk: lost: The connection to the daemon dropped" "$T/gtk.err"

# What the daemon recorded for the jobs the app launched.
wait_for 30 "the daemon answers again" 'm status >/dev/null'
id=$(m --json jobs --search "gtk $tag" | json 'j[0]["id"]' || true)
check "the job exists in the daemon ($id)" [ -n "$id" ]
check "...and COMPLETED" [ "$(m --json job show "$id" | json "j['state']")" = COMPLETED ]
check "...with the dirty tree allowed" [ "$(m --json job show "$id" | json "j['dirty']")" = True ]
check "...and the overrides from the form" \
	[ "$(m --json job show "$id" | json "' '.join(j['overrides'])")" = "sleep=15 exit=0" ]
check "...and 2 a100 GPUs per node" \
	[ "$(m --json job show "$id" | json "'%d:%s' % (j['gpus'], j['gpu_type'])")" = 2:a100 ]
check "...and the description from the form" \
	[ "$(m --json job show "$id" | json "j['description']")" = "gtk $tag" ]
check "...and its W&B run" \
	[ "$(m --json job show "$id" | json "j['wandb_url']")" = https://wandb.example.org/acme/gtk/runs/r1 ]
cid=$(m --json jobs --search "gtk cancel $tag" | json 'j[0]["id"]' || true)
check "the cancelled job is CANCELLED in the daemon" \
	[ "$(m --json job show "$cid" | json "j['state']")" = CANCELLED ]

itest_done
