#!/usr/bin/env bash
# mlops-gtk carries no test code: it does not link libX11 (only the test
# driver's focus step needs it), it has no --test-script option, and none
# of the test driver's functions (tests/gtk) nor the old in-app test
# script's are in it. Each check is made on the driver the other way
# round too, so that a readelf or nm that reads nothing cannot pass.
#   check_product.sh MLOPS_GTK MLOPS_GTK_TEST
set -u
gtk=$1
driver=$2
failed=0

check() {
	local what=$1
	shift
	if "$@"; then
		echo "ok - $what"
	else
		echo "not ok - $what"
		failed=1
	fi
}
not() { ! "$@"; }
# The libraries a binary links itself (not those its libraries link).
needs() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'; }
# Functions of the driver's files (by their prefixes) and of the old
# in-app test script.
has_test_symbols() {
	nm --defined-only "$1" |
		grep -q -E ' [Tt] (driver_|probe_|step_|watch_|mlops_test_script)'
}

check "mlops-gtk links libgtk-4" grep -q '^libgtk-4' <<<"$(needs "$gtk")"
check "mlops-gtk does not link libX11" not grep -q '^libX11' <<<"$(needs "$gtk")"
check "mlops-gtk-test links libX11" grep -q '^libX11' <<<"$(needs "$driver")"
check "mlops-gtk has none of the driver's functions" not has_test_symbols "$gtk"
check "mlops-gtk-test has them" has_test_symbols "$driver"
check "mlops-gtk has no --test-script option" not grep -q -a 'test-script' "$gtk"
check "mlops-gtk-test has it" grep -q -a 'test-script' "$driver"
exit "$failed"
