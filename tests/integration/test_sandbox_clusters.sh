#!/usr/bin/env bash
# Issue 3 on the real SLURM sandbox: status, cluster check and gpus on every
# cluster, one daemon watching Slurm 22.05 (alpha, beta) and 24.11 (gamma)
# at once, a running job lowering free GPUs on both versions, strict host
# keys (changed and unknown keys refused, trust), an unreachable cluster
# that comes back by itself, and clusters that never block each other.
. "$(dirname "$0")/lib.sh"
itest_init clusters
. "$(dirname "$0")/sandbox.sh"

# keychanged: alpha's sshd, but known_hosts holds beta's key for it (changed).
# keyunknown: alpha's sshd with an empty known_hosts (unknown key).
# slow: a port that accepts TCP and never speaks SSH.
kh_wrong="$T/known_hosts_wrong"
sed -n "s/^\[127.0.0.1\]:$MLOPS_SANDBOX_BETA_SSH_PORT /[127.0.0.1]:$MLOPS_SANDBOX_ALPHA_SSH_PORT /p" \
	"$MLOPS_SANDBOX_KNOWN_HOSTS" >"$kh_wrong"
kh_empty="$T/known_hosts_empty"
: >"$kh_empty"
python3 - "$T/slow.port" <<'PY' &
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
conns = []
end = time.time() + 600
while time.time() < end:
    s.settimeout(1)
    try:
        conns.append(s.accept()[0])
    except socket.timeout:
        pass
PY
blackhole=$!
for _ in $(seq 50); do [ -s "$T/slow.port" ] && break; sleep 0.1; done
slow_port=$(cat "$T/slow.port")

common="    workspace: /home/mlops/ws-alpha
    ssh_key_path: $MLOPS_SANDBOX_CLIENT_KEY
    poll_interval: 2
    gpu_cache_ttl: 3"
sandbox_config "  - name: keychanged
    host: mlops@127.0.0.1
    port: $MLOPS_SANDBOX_ALPHA_SSH_PORT
    known_hosts: $kh_wrong
$common
  - name: keyunknown
    host: mlops@127.0.0.1
    port: $MLOPS_SANDBOX_ALPHA_SSH_PORT
    known_hosts: $kh_empty
$common
  - name: slow
    host: mlops@127.0.0.1
    port: $slow_port
    known_hosts: $kh_empty
$common"

"$MLOPSD" --reconnect-max 2
m() { "$MLOPS" --no-autostart "$@"; }

wait_for 20 "alpha connects" '[ "$(cluster_state alpha)" = connected ]'
wait_for 20 "beta connects" '[ "$(cluster_state beta)" = connected ]'
wait_for 20 "gamma connects" '[ "$(cluster_state gamma)" = connected ]'
expect_status 0 "status --json" m --json status
version_of() { echo "$OUT" | json "[c['slurm_version'] for c in j['clusters'] if c['name']=='$1'][0]"; }
check "Slurm version read at connect" [ "$(version_of alpha)" = 22.05.8 ]
check "one daemon watches Slurm 22.05 and 24.11 at once ($(version_of gamma))" \
	[ "$(version_of gamma)" = "$MLOPS_SANDBOX_GAMMA_SLURM_VERSION" ]
check "...gamma is a 24.11" grep -q '^24\.11\.' <<<"$(version_of gamma)"
check "last contact recorded" \
	[ "$(echo "$OUT" | json "[c['last_contact_at'] for c in j['clusters'] if c['name']=='alpha'][0] is not None")" = True ]

# --- cluster check ---------------------------------------------------------
expect_status 0 "cluster check alpha" m --json cluster check alpha
check "alpha partitions gpu and cpu" [ "$(echo "$OUT" | json "sorted(p['name'] for p in j['partitions'])")" = "['cpu', 'gpu']" ]
check "gpu partition time limit" [ "$(echo "$OUT" | json "[p['max_time'] for p in j['partitions'] if p['name']=='gpu'][0]")" = "$MLOPS_SANDBOX_ALPHA_PART_GPU_MAXTIME" ]
check "gpu partition node count" [ "$(echo "$OUT" | json "[p['nodes'] for p in j['partitions'] if p['name']=='gpu'][0]")" = 2 ]
check "alpha GPU types" [ "$(echo "$OUT" | json "sorted(j['gpu_types'])")" = "['a100', 'v100']" ]
check "host key fingerprint shown" [ "$(echo "$OUT" | json "j['host_key_fingerprint']")" = "$MLOPS_SANDBOX_ALPHA_HOST_KEY_FINGERPRINT" ]
expect_status 0 "cluster check beta" m --json cluster check beta
check "beta GPU types" [ "$(echo "$OUT" | json "j['gpu_types']")" = "['h100']" ]
expect_status 0 "cluster check (text)" m cluster check alpha
check "...prints the Slurm version" grep -q "22.05.8" <<<"$OUT"
expect_status 0 "cluster check gamma (Slurm 24.11)" m --json cluster check gamma
check "gamma's Slurm version" [ "$(echo "$OUT" | json "j['slurm_version']")" = "$MLOPS_SANDBOX_GAMMA_SLURM_VERSION" ]
check "...a tested one: no note" [ "$(echo "$OUT" | json "j['slurm_version_note']")" = None ]
check "gamma partitions gpu and cpu" [ "$(echo "$OUT" | json "sorted(p['name'] for p in j['partitions'])")" = "['cpu', 'gpu']" ]
check "gamma's gpu partition time limit" [ "$(echo "$OUT" | json "[p['max_time'] for p in j['partitions'] if p['name']=='gpu'][0]")" = "$MLOPS_SANDBOX_GAMMA_PART_GPU_MAXTIME" ]
check "gamma GPU types" [ "$(echo "$OUT" | json "sorted(j['gpu_types'])")" = "['a100', 'v100']" ]
check "gamma's host key (OpenSSH 10)" [ "$(echo "$OUT" | json "j['host_key_fingerprint']")" = "$MLOPS_SANDBOX_GAMMA_HOST_KEY_FINGERPRINT" ]
expect_status 1 "cluster check of an unknown cluster" m cluster check nosuch

# --- GPUs ------------------------------------------------------------------
gpus_field() { # CLUSTER PARTITION TYPE FIELD
	m --json cluster gpus "$1" | json "[r['$4'] for c in j for r in c['rows'] if r['partition']=='$2' and r['gpu_type']=='$3'][0]"
}
expect_status 0 "cluster gpus alpha" m --json cluster gpus alpha
check "a100 total equals the sandbox (6)" [ "$(gpus_field alpha gpu a100 total)" = "$MLOPS_SANDBOX_ALPHA_PART_GPU_GPUS_A100" ]
check "v100 total equals the sandbox (2)" [ "$(gpus_field alpha gpu v100 total)" = "$MLOPS_SANDBOX_ALPHA_PART_GPU_GPUS_V100" ]
check "h100 total on beta (4)" [ "$(gpus_field beta gpu h100 total)" = "$MLOPS_SANDBOX_BETA_PART_GPU_GPUS_H100" ]
check "a100 total on gamma (6)" [ "$(gpus_field gamma gpu a100 total)" = "$MLOPS_SANDBOX_GAMMA_PART_GPU_GPUS_A100" ]
check "v100 total on gamma (2)" [ "$(gpus_field gamma gpu v100 total)" = "$MLOPS_SANDBOX_GAMMA_PART_GPU_GPUS_V100" ]
check "all a100 free on gamma" [ "$(gpus_field gamma gpu a100 free)" = 6 ]
free_before=$(gpus_field alpha gpu a100 free)
check "all a100 free on an idle cluster" [ "$free_before" = 6 ]
# keychanged, keyunknown and slow cannot be read: exit 1, their reasons on stderr,
# the good clusters still listed.
expect_status 1 "cluster gpus (all, text) with broken clusters" m cluster gpus
check "...names keychanged's refused key" grep -q "keychanged: HOST KEY CHANGED" <<<"$ERR"
check "...lists alpha" grep -q '^alpha' <<<"$OUT"
check "...and beta" grep -q '^beta' <<<"$OUT"

jobid=$(sandbox_ssh alpha sbatch --parsable --gres=gpu:a100:1 -p gpu -t 5 --wrap "'sleep 120'")
wait_for 30 "a 1-GPU job starts" '[ "$(sandbox_ssh alpha squeue -h -j $jobid -o %T)" = RUNNING ]'
wait_for 20 "free a100 drops by one while it runs" '[ "$(gpus_field alpha gpu a100 free)" = 5 ]'
check "...and allocated shows it" [ "$(gpus_field alpha gpu a100 allocated)" = 1 ]
sandbox_ssh alpha scancel "$jobid"
jobid=$(sandbox_ssh gamma sbatch --parsable --gres=gpu:v100:1 -p gpu -t 5 --wrap "'sleep 120'")
wait_for 30 "a 1-GPU job starts on gamma" '[ "$(sandbox_ssh gamma squeue -h -j $jobid -o %T)" = RUNNING ]'
wait_for 20 "free v100 on gamma drops by one while it runs" '[ "$(gpus_field gamma gpu v100 free)" = 1 ]'
check "...and allocated shows it" [ "$(gpus_field gamma gpu v100 allocated)" = 1 ]
sandbox_ssh gamma scancel "$jobid"

# --- host keys -------------------------------------------------------------
wait_for 20 "a changed host key makes keychanged unreachable" '[ "$(cluster_state keychanged)" = unreachable ]'
expect_status 1 "cluster check keychanged is refused" m cluster check keychanged
check "...saying the key changed" grep -qi "changed" <<<"$ERR"
check "...with the fingerprint" grep -q "SHA256:" <<<"$ERR"
expect_status 1 "cluster check keyunknown (unknown key) is refused" m cluster check keyunknown
check "...saying how to trust it" grep -q "mlops cluster trust keyunknown" <<<"$ERR"
expect_status 1 "trust without --yes and no terminal refuses" m cluster trust keyunknown </dev/null
expect_status 0 "cluster trust keyunknown --yes" m --json cluster trust keyunknown --yes
check "...added alpha's key" [ "$(echo "$OUT" | json "j['fingerprint']")" = "$MLOPS_SANDBOX_ALPHA_HOST_KEY_FINGERPRINT" ]
check "...to keyunknown's known_hosts" grep -q "$MLOPS_SANDBOX_ALPHA_SSH_PORT" "$kh_empty"
wait_for 15 "keyunknown connects once trusted" '[ "$(cluster_state keyunknown)" = connected ]'
expect_status 1 "trust refuses a changed key" m cluster trust keychanged --yes

# --- isolation ---------------------------------------------------------------
start=$(date +%s%N)
m cluster check slow >/dev/null 2>&1 &
slowpid=$!
expect_status 0 "beta answers while slow is stuck connecting" m cluster check beta
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
check "...within 3 s (took ${elapsed_ms} ms)" [ "$elapsed_ms" -lt 3000 ]
wait "$slowpid" || true

"$CTL" sshd-stop alpha
wait_for 30 "alpha becomes unreachable when its sshd stops" '[ "$(cluster_state alpha)" = unreachable ]'
expect_status 0 "status still answers" m --json status
check "...with alpha's last error" [ -n "$(echo "$OUT" | json "[c['last_error'] for c in j['clusters'] if c['name']=='alpha'][0]")" ]
start=$(date +%s%N)
expect_status 0 "beta keeps answering" m cluster check beta
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
check "...quickly (${elapsed_ms} ms)" [ "$elapsed_ms" -lt 3000 ]
expect_status 1 "alpha's commands fail fast meanwhile" m cluster check alpha
"$CTL" sshd-start alpha
wait_for 30 "alpha reconnects by itself" '[ "$(cluster_state alpha)" = connected ]'
expect_status 0 "alpha answers again" m cluster check alpha

kill "$blackhole" 2>/dev/null || true
itest_done
