/*
 * libFuzzer target: one packed Request, served exactly as a network
 * request is (rpc_dispatch with an empty configuration and an in-memory
 * store). Whatever the bytes, the daemon must answer with a well-formed
 * Response and never crash or leak.
 */
#include <stdint.h>
#include <stdlib.h>

#include <mlops/protocol.h>

#include "config.h"
#include "mlopsd.h"
#include "rpc.h"
#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mlops_config cfg;
	struct mlopsd              d    = { 0 };
	struct store              *st   = NULL;
	uint8_t                   *out  = NULL;
	size_t                     olen = 0;
	Mlops__Response           *resp = NULL;

	if (store_open(&st, ":memory:", NULL) < 0) {
		abort();
	}
	d.d_cfg         = &cfg;
	d.d_config_path = "clusters.yaml";
	d.d_state_dir   = "/nonexistent";
	rpc_dispatch(&d, st, data, size, &out, &olen);
	/* The reply itself must always parse. */
	if (mlops_response_unpack(&resp, out, olen, NULL) < 0) {
		abort();
	}
	mlops__response__free_unpacked(resp, NULL);
	free(out);
	store_close(st);
	return 0;
}
