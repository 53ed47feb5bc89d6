#!/usr/bin/env bash
# Remote clients: a tls+tcp:// listener beside the local socket, with a
# test CA. A client with a certificate from that CA is served; one without
# a certificate, or with a certificate from another CA, is refused (exit
# 3); the listener keeps serving good clients after the refusals; plain
# tcp:// is refused at startup.
. "$(dirname "$0")/lib.sh"
itest_init tls

cd "$T"
tls_make_ca ca
tls_make_ca otherca
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >san.ext
tls_make_cert server ca san.ext
tls_make_cert client ca
tls_make_cert stranger otherca

port=$((20000 + RANDOM % 20000))
tls="tls+tcp://127.0.0.1:$port"
expect_status 2 "plain tcp:// is refused" "$MLOPSD" --foreground --listen "tcp://127.0.0.1:$port"
# Relative certificate paths must survive the daemon leaving its cwd.
"$MLOPSD" --listen "$URL" --listen "$tls" \
	--tls-cert server.pem --tls-key server.key --tls-ca ca.pem
good() { "$MLOPS" --connect "$tls" --tls-ca ca.pem --tls-cert client.pem --tls-key client.key "$@"; }

expect_status 0 "a client with a certificate from the CA is served" good --json status
check "...by this daemon" [ "$(echo "$OUT" | json 'j["url"]')" = "$tls" ]
expect_status 3 "a client without a certificate is refused" \
	"$MLOPS" --connect "$tls" --tls-ca ca.pem --timeout 5000 status
expect_status 3 "a certificate from another CA is refused" \
	"$MLOPS" --connect "$tls" --tls-ca ca.pem --tls-cert stranger.pem --tls-key stranger.key --timeout 5000 status
expect_status 3 "a client that does not trust the server's CA refuses it" \
	"$MLOPS" --connect "$tls" --tls-ca otherca.pem --tls-cert client.pem --tls-key client.key --timeout 5000 status
expect_status 0 "the listener still serves good clients after the refusals" good status
expect_status 0 "project list over TLS" good --json project list
expect_status 0 "the local socket still answers" "$MLOPS" --no-autostart status

itest_done
