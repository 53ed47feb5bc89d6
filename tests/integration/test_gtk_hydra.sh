#!/usr/bin/env bash
# The Launch dialog's Hydra form (issue 7) under Xvfb, against a real
# mlopsd on the SLURM sandbox, driven by mlops-gtk-test (tests/gtk/). A
# project with a conf/ tree (two config groups, typed values, a mandatory
# ??? value): the form shows its groups and fields; choosing a group
# option and a number makes exactly those overrides; the ??? field is
# marked (and Launch held back) until it is given; values the daemon
# rejects are marked on their field with its message; a sweep counts its
# tasks; the launch goes through and `mlops job show` records exactly the
# overrides the form showed; a config the daemon cannot read is said in
# words, and can be skipped. Screenshots (launch-hydra-*.png) land in
# $MLOPS_BUILD_DIR/screenshots/.
. "$(dirname "$0")/lib.sh"
itest_init gtk_hydra
. "$(dirname "$0")/sandbox.sh"

GTK_TEST=${MLOPS_GTK_TEST:-$MLOPS_BUILD_DIR/tests/gtk/mlops-gtk-test}
SHOTS=${MLOPS_SCREENSHOT_DIR:-$MLOPS_BUILD_DIR/screenshots}
if [ ! -x "$GTK_TEST" ]; then
	not_ok "mlops-gtk-test is built ($GTK_TEST)"
	itest_done
fi
for tool in xvfb-run dbus-run-session; do
	if ! command -v "$tool" >/dev/null; then
		not_ok "$tool is installed (scripts/setup)"
		itest_done
	fi
done

sandbox_config
"$MLOPSD" --reconnect-max 2
m() { "$MLOPS" --no-autostart "$@"; }
wait_for 20 "alpha connects" '[ "$(cluster_state alpha)" = connected ]'

# The project: its trainer prints the overrides it was given.
repo="$T/src/hy"
mkdir -p "$repo/conf/model" "$repo/conf/optimizer"
cat >"$repo/train.py" <<'PY'
import sys
print("hydra form args:", " ".join(sys.argv[1:]), flush=True)
PY
cat >"$repo/conf/config.yaml" <<'YAML'
defaults:
  - model: small
  - optimizer: adam
  - _self_

seed: 42
epochs: 3
debug: false
run_name: baseline
notes: ${model.name}-${optimizer.name}
trainer:
  devices: ???
  precision: 32
  accelerator: gpu
YAML
printf 'name: small\nhidden: 256\ndropout: 0.1\n' >"$repo/conf/model/small.yaml"
printf 'name: large\nhidden: 1024\ndropout: 0.2\n' >"$repo/conf/model/large.yaml"
printf 'name: adam\nlr: 0.001\n' >"$repo/conf/optimizer/adam.yaml"
printf 'name: sgd\nlr: 0.1\nmomentum: 0.9\n' >"$repo/conf/optimizer/sgd.yaml"
git -C "$repo" init -q -b main
git -C "$repo" add -A
git -C "$repo" commit -q -m "toy trainer with a Hydra config"
m project add "$repo" >/dev/null
tag="h$$"

# A project whose config Mission Control cannot read (a YAML error).
bad="$T/src/unreadable"
mkdir -p "$bad/conf"
cp "$repo/train.py" "$bad/"
printf 'defaults:\n  - _self_\nseed: [1, 2\n' >"$bad/conf/config.yaml"
git -C "$bad" init -q -b main
git -C "$bad" add -A
git -C "$bad" commit -q -m "a config with a YAML error"
m project add "$bad" >/dev/null

# The daemon reads the config the form is built from.
expect_status 0 "the daemon answers project_config" m --json project config hy
check "...with the mandatory trainer.devices" \
	[ "$(echo "$OUT" | json "[s['key'] for s in j['schema'] if s['value'] == '???']")" = "['trainer.devices']" ]

mkdir -p "$SHOTS"
rm -f "$SHOTS"/launch-hydra-*.png
script="$T/gtk-script.txt"
cat >"$script" <<EOF
wait-connected 30
wait-project hy 60
action win.show-launch
wait-launch-ready 60
launch-set project hy
launch-set cluster alpha
launch-set description "hydra $tag"

# The form: both groups, every leaf, the ??? field marked; no override
# while nothing is changed.
wait-hydra state ready 30
wait-hydra groups 2
wait-hydra fields 15
wait-hydra missing trainer.devices
wait-hydra overrides ""

# A group option and a number: exactly those overrides, live.
launch-set hydra:model large
launch-set hydra:epochs 5
wait-hydra overrides "model=large epochs=5"
wait-hydra missing trainer.devices
launch-set show hydra
sleep 0.5
screenshot launch-hydra-form

# The daemon's word on a value: marked on its field, with its message.
launch-set hydra:optimizer.lr fast
action launch.preview
wait-field-error overrides 60
wait-hydra error optimizer.lr
screenshot launch-hydra-error
launch-set hydra:optimizer.lr 0.001
wait-hydra overrides "model=large epochs=5"

# The mandatory value given: no longer marked.
launch-set hydra:trainer.devices 2
wait-hydra missing ""
launch-set hydra:run_name "final run"
launch-set overrides "seed=7"
wait-hydra overrides "model=large epochs=5 'run_name=final run' trainer.devices=2 seed=7"

# A sweep: lists of values, the task count shown; off again, the same
# overrides as before.
launch-set sweep true
launch-set hydra:optimizer "adam, sgd"
launch-set hydra:epochs "range(1,4)"
launch-set max_parallel 2
wait-hydra tasks 6
launch-set show hydra
sleep 0.5
screenshot launch-hydra-sweep
launch-set show overrides
sleep 0.5
screenshot launch-hydra-sweep-count
launch-set sweep false
wait-hydra overrides "model=large epochs=5 'run_name=final run' trainer.devices=2 seed=7"

# The launch sends what was shown.
action launch.submit
wait-launched 180
wait-toast "Launched job"
wait-job-state COMPLETED 180

# A sweep from the form: one Slurm job array, a job per task.
action win.show-launch
wait-launch-ready 60
launch-set project hy
launch-set cluster alpha
launch-set description "hydra sweep $tag"
wait-hydra state ready 30
launch-set sweep true
launch-set hydra:trainer.devices 1
launch-set hydra:epochs "1,2"
launch-set max_parallel 1
wait-hydra tasks 2
wait-hydra overrides "epochs=1,2 trainer.devices=1"
action launch.submit
wait-launched 180
wait-toast "Launched sweep"

# A config the daemon cannot read: said in words instead of the form;
# the check can be skipped for it.
action win.show-launch
wait-launch-ready 60
launch-set project unreadable
launch-set cluster alpha
wait-hydra state error 30
launch-set show hydra
sleep 0.5
screenshot launch-hydra-unreadable
launch-set no_validate true
action launch.preview
wait-preview 60
quit
EOF

run=(xvfb-run -a -s "-screen 0 1280x1100x24")
if command -v dbus-run-session >/dev/null; then
	run=(dbus-run-session -- "${run[@]}")
fi
st=0
ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" GSK_RENDERER=cairo \
	GTK_A11Y=none NO_AT_BRIDGE=1 GDK_BACKEND=x11 \
	timeout 480 "${run[@]}" "$GTK_TEST" --test-script "$script" \
	--screenshot-dir "$SHOTS" >"$T/gtk.out" 2>"$T/gtk.err" || st=$?
sed 's/^/    /' "$T/gtk.out"
grep -v -e "^$" -e "Failed to set fd limit" "$T/gtk.err" | sed 's/^/    stderr: /' | head -40

check "the app's script passed (exit $st)" [ "$st" -eq 0 ]
check "no failed step" [ "$(grep -c "^not ok" "$T/gtk.out")" -eq 0 ]
check "the form showed the groups and fields" grep -q "^ok - wait-hydra fields 15" "$T/gtk.out"
check "the ??? field was marked until given" grep -q '^ok - wait-hydra missing $' "$T/gtk.out"
check "the daemon's refusal was marked on the field" \
	grep -q "^ok - wait-hydra error optimizer.lr" "$T/gtk.out"
check "the sweep counted its tasks" grep -q "^ok - wait-hydra tasks 6" "$T/gtk.out"
check "the launch went through the dialog" grep -q "^ok - wait-launched" "$T/gtk.out"
check "the sweep went through the dialog" grep -q "^ok - wait-toast Launched sweep" "$T/gtk.out"
check "an unreadable config can be launched unchecked" \
	grep -q "^ok - wait-preview" "$T/gtk.out"
for shot in launch-hydra-form launch-hydra-error launch-hydra-sweep \
	launch-hydra-sweep-count launch-hydra-unreadable; do
	check "screenshot $shot.png" [ -s "$SHOTS/$shot.png" ]
done

# What the daemon recorded: exactly the overrides the form showed.
id=$(m --json jobs --search "hydra $tag" | json 'j[0]["id"]' || true)
check "the job exists in the daemon ($id)" [ -n "$id" ]
show=$(m --json job show "$id")
check "...with exactly the form's overrides" \
	[ "$(echo "$show" | json "j['overrides']")" = "['model=large', 'epochs=5', 'run_name=final run', 'trainer.devices=2', 'seed=7']" ]
check "...COMPLETED" [ "$(echo "$show" | json "j['state']")" = COMPLETED ]
check "...not a sweep" [ "$(echo "$show" | json "j.get('sweep_id') or 0")" = 0 ]
expect_status 0 "its log" m logs "$id"
check "...shows the trainer got them" \
	grep -q "hydra form args: .*model=large.*epochs=5.*trainer.devices=2.*seed=7" <<<"$OUT"

# The sweep: two tasks of one array, each with its own overrides.
sweep=$(m --json jobs --search "hydra sweep $tag" | json 'sorted(set(x.get("sweep_id") or 0 for x in j))' || true)
check "the sweep's tasks share one sweep id ($sweep)" \
	bash -c "[[ '$sweep' =~ ^\[[1-9][0-9]*\]$ ]]"
wait_for 180 "both tasks end COMPLETED" \
	'[ "$(m --json jobs --search "hydra sweep $tag" | json "sorted(x[\"state\"] for x in j)")" = "['"'"'COMPLETED'"'"', '"'"'COMPLETED'"'"']" ]'
check "...each with its own overrides" \
	[ "$(m --json jobs --search "hydra sweep $tag" | json "sorted(' '.join(x['overrides']) for x in j)")" = "['epochs=1 trainer.devices=1', 'epochs=2 trainer.devices=1']" ]

itest_done
