#!/usr/bin/env bash
# mlops-gtk under Xvfb against a real mlopsd on the SLURM sandbox. The app
# runs a --test-script of its own actions (client-gtk/mlops-test-script.c):
# it shows both clusters with their GPUs, marks a field the daemon rejects,
# warns about a dirty tree, previews the sbatch script, launches a job from
# the Launch dialog, sees it reach COMPLETED through the daemon's events
# (no refresh), follows and opens its log, filters the project's job list, and says so
# when the daemon goes away, reconnecting by itself when it is back.
# Screenshots of every screen land in $MLOPS_BUILD_DIR/screenshots/.
. "$(dirname "$0")/lib.sh"
itest_init gtk
. "$(dirname "$0")/sandbox.sh"

GTK=${MLOPS_GTK:-$MLOPS_BUILD_DIR/client-gtk/mlops-gtk}
SHOTS=${MLOPS_SCREENSHOT_DIR:-$MLOPS_BUILD_DIR/screenshots}
if [ ! -x "$GTK" ]; then
	not_ok "mlops-gtk is built ($GTK)"
	itest_done
fi
if ! command -v xvfb-run >/dev/null; then
	not_ok "xvfb-run is installed (Debian package xvfb)"
	itest_done
fi

sandbox_config
"$MLOPSD" --reconnect-max 2
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
# Overview: both clusters, each with GPU lines; the project.
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
quit
EOF

# The daemon's side of the reconnect steps, while the app runs.
(
	for _ in $(seq 600); do [ -e "$T/stop-daemon" ] && break; sleep 0.5; done
	itest_stop_daemon
	for _ in $(seq 120); do [ -e "$T/daemon-stopped-seen" ] && break; sleep 0.5; done
	"$MLOPSD" --reconnect-max 2
) >"$T/restart.log" 2>&1 &
restarter=$!

# GTK leaks by design at exit; real ASan errors still land in $T/sanitizer.
run=(xvfb-run -a -s "-screen 0 1280x900x24")
if command -v dbus-run-session >/dev/null; then
	run=(dbus-run-session -- "${run[@]}")
fi
st=0
ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" GSK_RENDERER=cairo \
	GTK_A11Y=none NO_AT_BRIDGE=1 GDK_BACKEND=x11 \
	timeout 480 "${run[@]}" "$GTK" --test-script "$script" \
	--screenshot-dir "$SHOTS" >"$T/gtk.out" 2>"$T/gtk.err" || st=$?
wait "$restarter" || true
sed 's/^/    /' "$T/gtk.out"
grep -v -e "^$" -e "Failed to set fd limit" "$T/gtk.err" | sed 's/^/    stderr: /' | head -40

check "the app's script passed (exit $st)" [ "$st" -eq 0 ]
check "no failed step" [ "$(grep -c "^not ok" "$T/gtk.out")" -eq 0 ]
check "the launch went through the dialog" grep -q "^ok - action launch.submit" "$T/gtk.out"
check "the GPU counts followed the job" grep -q "^ok - wait-gpu-free alpha gpu a100 4" "$T/gtk.out"
check "COMPLETED arrived without a refresh" grep -q "^ok - wait-job-state COMPLETED" "$T/gtk.out"
check "the log viewer followed the running job" grep -q "^ok - wait-log-text hello from the gtk test" "$T/gtk.out"
check "the log viewer settled" grep -q "^# log: " "$T/gtk.out"
check "the reconnect was seen" grep -q "^ok - wait-connected 60" "$T/gtk.out"
for shot in overview launch-field-error launch-dirty launch-preview \
	job-submitted job-log-running overview-busy job job-log project \
	disconnected \
	reconnected; do
	check "screenshot $shot.png" [ -s "$SHOTS/$shot.png" ]
done
check "screenshots are PNG" \
	bash -c "head -c 8 '$SHOTS/overview.png' | od -An -c | grep -q 'P   N   G'"

# What the daemon recorded for the job the app launched.
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

itest_done
