#!/usr/bin/env bash
# Issue 7 on the real SLURM sandbox, the Hydra config and override checks:
# `mlops project config` (text and --json), launches refused for a bad key,
# option, type or a missing ??? value with nothing stored or uploaded,
# --no-validate passing the same bad override to the cluster, a checked
# launch whose log shows its overrides and whose `job show` prints the
# resolved overrides and the composed config, and a project without conf/
# launching unchecked as before.
. "$(dirname "$0")/lib.sh"
itest_init hydra
. "$(dirname "$0")/sandbox.sh"

sandbox_config
"$MLOPSD" --reconnect-max 2
m() { "$MLOPS" --no-autostart "$@"; }
wait_for 20 "alpha connects" '[ "$(cluster_state alpha)" = connected ]'

# A project with a Hydra tree; its "training" prints every argument it got.
repo="$T/src/toy"
mkdir -p "$repo/conf/model" "$repo/conf/optimizer"
cat >"$repo/train.py" <<'PY'
import sys
print("ARGS-BEGIN")
for a in sys.argv[1:]:
    print(repr(a))
print("ARGS-END")
PY
cat >"$repo/conf/config.yaml" <<'YAML'
defaults:
  - model: small
  - optimizer: adam
  - _self_

seed: 42
lr: 0.001
trainer:
  max_epochs: 10
  devices: ???
tags: [a, b]
YAML
printf 'name: small\nhidden: 256\n' >"$repo/conf/model/small.yaml"
printf 'name: large\nhidden: 1024\n' >"$repo/conf/model/large.yaml"
printf 'name: adam\nbeta: 0.9\n' >"$repo/conf/optimizer/adam.yaml"
printf 'name: sgd\nmomentum: 0.9\n' >"$repo/conf/optimizer/sgd.yaml"
git -C "$repo" init -q -b main
git -C "$repo" add -A
git -C "$repo" commit -q -m toy
m project add "$repo" >/dev/null
tag="h$$"

job_field() { # ID FIELD
	m --json job show "$1" | json "j['$2']"
}
njobs() { m --json jobs --limit 1000 | json 'len(j)'; }
ndirs() { sandbox_ssh alpha "ls -1 '$MLOPS_SANDBOX_ALPHA_WORKSPACE/toy' 2>/dev/null | wc -l"; }

# --- project config ----------------------------------------------------------------
expect_status 0 "project config prints the composed tree" m project config toy
check "...with each value's type and source" \
	grep -Eq '^seed: 42 +# int, config\.yaml:6$' <<<"$OUT"
check "...the group's values in place" \
	grep -Eq '^  hidden: 256 +# int, model/small\.yaml:2$' <<<"$OUT"
check "...the mandatory value marked" \
	grep -Eq '^  devices: \?\?\? +# \?\?\? mandatory, config\.yaml:10$' <<<"$OUT"
check "...list items" grep -Eq '^  - a +# string' <<<"$OUT"
check "...the group choices with their options" \
	grep -Eq '^model +small +- +large, small$' <<<"$OUT"
check "...for every group" grep -Eq '^optimizer +adam +- +adam, sgd$' <<<"$OUT"
expect_status 0 "project config --json" m --json project config toy
check "...the plain values" [ "$(json "j['config']['model']['hidden']" <<<"$OUT")" = 256 ]
check "...the choices" [ "$(json "j['choices']['optimizer']" <<<"$OUT")" = adam ]
check "...the groups" [ "$(json "j['groups']['model']" <<<"$OUT")" = "['large', 'small']" ]
check "...the typed schema" \
	[ "$(json "[e['type'] for e in j['schema'] if e['key']=='lr'][0]" <<<"$OUT")" = float ]
expect_status 1 "project config of an unknown config name" \
	m project config toy --config-name nope
check "...names it" grep -q "no primary config 'nope'" <<<"$ERR"
expect_status 1 "project config of an unknown project" m project config nope
check "...says so" grep -q "nope" <<<"$ERR"

# --- refused launches: named, suggested, nothing stored or uploaded ---------------------
n_before=$(njobs)
d_before=$(ndirs)
expect_status 1 "an unknown key is refused" \
	m launch toy --cluster alpha --partition cpu -- trainer.devices=1 trainer.max_epoch=3
check "...naming the key and the closest one" \
	grep -qF "unknown key 'trainer.max_epoch' (did you mean 'trainer.max_epochs'?)" <<<"$ERR"
check "...and the field" grep -q "overrides" <<<"$ERR"
expect_status 1 "an unknown option is refused" \
	m launch toy --cluster alpha --partition cpu -- trainer.devices=1 model=huge
check "...listing the options" \
	grep -qF "model=huge: no option 'huge' in group 'model' (options: large, small)" <<<"$ERR"
expect_status 1 "a value of the wrong type is refused" \
	m launch toy --cluster alpha --partition cpu -- trainer.devices=1 seed=abc
check "...naming the type" grep -qF "seed=abc: expected an int" <<<"$ERR"
expect_status 1 "a missing ??? value is refused" \
	m launch toy --cluster alpha --partition cpu -- seed=1
check "...naming it" grep -qF "'trainer.devices' is mandatory" <<<"$ERR"
expect_status 1 "a dry run checks too" \
	m launch toy --cluster alpha --partition cpu --dry-run -- trainer.devices=1 lr=x
check "...and refuses" grep -qF "lr=x: expected a float" <<<"$ERR"
expect_status 1 "an unknown --config-name is refused" \
	m launch toy --cluster alpha --partition cpu --config-name train -- trainer.devices=1
check "...naming it, with the ways out" \
	grep -qF "no primary config 'train' (name the primary config with --config-name, or launch with --no-validate)" <<<"$ERR"
check "no job stored for the refused launches" [ "$(njobs)" = "$n_before" ]
check "nothing uploaded for them" [ "$(ndirs)" = "$d_before" ]

# --- --no-validate hands the same bad override to the cluster ------------------------
expect_status 0 "--no-validate launches the bad key" \
	m launch toy --cluster alpha --partition cpu --no-validate --description "nv $tag" --wait -- trainer.max_epoch=3
id_nv=$(m --json jobs --search "nv $tag" | json 'j[0]["id"]')
check "...COMPLETED" [ "$(job_field "$id_nv" state)" = COMPLETED ]
out=$(sandbox_ssh alpha cat "$(job_field "$id_nv" stdout_path)")
check "...and the override reached the script" grep -qF "'trainer.max_epoch=3'" <<<"$out"
check "...unchecked: no resolved overrides" [ "$(job_field "$id_nv" resolved_overrides)" = "[]" ]
check "...and no config" [ "$(job_field "$id_nv" config)" = None ]
expect_status 0 "job show of the unchecked job" m job show "$id_nv"
check "...says it was not checked" \
	grep -Eq '^resolved_overrides: +\(not checked against Hydra\)$' <<<"$OUT"

# --- a checked launch ---------------------------------------------------------------------
expect_status 0 "a valid launch completes" \
	m launch toy --cluster alpha --partition cpu --description "ok $tag" --wait -- \
	model=large trainer.devices=1 '+run.note=two words' optimizer=sgd
id_ok=$(m --json jobs --search "ok $tag" | json 'j[0]["id"]')
check "...COMPLETED" [ "$(job_field "$id_ok" state)" = COMPLETED ]
out=$(sandbox_ssh alpha cat "$(job_field "$id_ok" stdout_path)")
check "...its log shows the overrides as given" \
	grep -qF "'model=large'" <<<"$out"
check "...each one argument" grep -qF "'+run.note=two words'" <<<"$out"
check "...in order" [ "$(sed -n '/ARGS-BEGIN/,/ARGS-END/p' <<<"$out" | sed '1d;$d' | tr '\n' ' ')" = \
	"'model=large' 'trainer.devices=1' '+run.note=two words' 'optimizer=sgd' " ]
expect_status 0 "job show --json" m --json job show "$id_ok"
check "...the resolved overrides" \
	[ "$(json "j['resolved_overrides']" <<<"$OUT")" = "['model=large', 'trainer.devices=1', '+run.note=two words', 'optimizer=sgd']" ]
check "...the composed config" [ "$(json "j['config']['config']['model']['hidden']" <<<"$OUT")" = 1024 ]
check "...with the override's value" [ "$(json "j['config']['config']['trainer']['devices']" <<<"$OUT")" = 1 ]
check "...the added key" [ "$(json "j['config']['config']['run']['note']" <<<"$OUT")" = "two words" ]
check "...the choices" [ "$(json "j['config']['choices']['optimizer']" <<<"$OUT")" = sgd ]
check "...no longer adam's keys" [ "$(json "'beta' in j['config']['config']['optimizer']" <<<"$OUT")" = False ]
check "the list shows the resolved overrides too" \
	[ "$(m --json jobs --search "ok $tag" | json "j[0]['resolved_overrides'][0]")" = model=large ]
expect_status 0 "job show (text)" m job show "$id_ok"
check "...prints the resolved overrides" \
	grep -Eq "^resolved_overrides: +model=large trainer.devices=1 '\+run.note=two words' optimizer=sgd$" <<<"$OUT"
check "...and the composed config" grep -q '^--- config (composed by Hydra) ---$' <<<"$OUT"
check "...with the chosen option's values" grep -Eq '^  hidden: 1024 +# int, model/large\.yaml:2$' <<<"$OUT"
check "...and the overridden ones" grep -Eq '^  devices: 1 +# int, <override>$' <<<"$OUT"

# --- default_overrides count, and come first ------------------------------------------------
printf 'default_overrides:\n  - trainer.devices=2\n' >"$repo/.mlops-config.yaml"
git -C "$repo" add .mlops-config.yaml
git -C "$repo" commit -q -m defaults
expect_status 0 "the project's default_overrides give the ??? value" \
	m launch toy --cluster alpha --partition cpu --dry-run -- seed=7
printf 'default_overrides:\n  - trainer.devise=2\n' >"$repo/.mlops-config.yaml"
git -C "$repo" commit -q -am "bad default"
expect_status 1 "a bad default override is refused too" \
	m launch toy --cluster alpha --partition cpu --dry-run -- trainer.devices=1
check "...naming it" grep -qF "unknown key 'trainer.devise'" <<<"$ERR"
git -C "$repo" rm -q .mlops-config.yaml
git -C "$repo" commit -q -m "no defaults"

# --- a project without conf/ launches unchecked, as before --------------------------
plain="$T/src/plain"
make_repo "$plain"
m project add "$plain" >/dev/null
expect_status 1 "project config of a project without conf/" m project config plain
check "...names hydra_config_dir" grep -q "hydra_config_dir" <<<"$ERR"
expect_status 0 "it launches any override" \
	m launch plain --cluster alpha --partition cpu --description "plain $tag" --wait -- anything.at=all
id_plain=$(m --json jobs --search "plain $tag" | json 'j[0]["id"]')
check "...COMPLETED" [ "$(job_field "$id_plain" state)" = COMPLETED ]
check "...unchecked" [ "$(job_field "$id_plain" config)" = None ]

itest_done
