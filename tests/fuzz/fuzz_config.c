/*
 * libFuzzer target: clusters.yaml and .mlops-config.yaml parsers. Any input
 * yields a config or an error, never a crash or a leak.
 */
#include <stdint.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mlops_config   *cfg = NULL;
	struct project_config *pc  = NULL;

	if (config_parse(&cfg, "fuzz.yaml", (const char *) data, size, NULL)
	    == 0) {
		config_free(cfg);
	}
	if (project_config_parse(
	        &pc, "fuzz.yaml", (const char *) data, size, NULL)
	    == 0) {
		project_config_free(pc);
	}
	return 0;
}
