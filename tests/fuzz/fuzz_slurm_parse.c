/*
 * libFuzzer target: one input fed to every Slurm output parser (and the
 * GPU aggregation over whatever parsed), which must return 0 or a negative
 * code without crashing, leaking or reading out of bounds.
 *
 * CMake builds it as a libFuzzer binary with -DMLOPS_FUZZ=ON and clang:
 *   CC=clang cmake -B build-fuzz -DMLOPS_FUZZ=ON && \
 *     cmake --build build-fuzz --target fuzz_slurm_parse
 *   build-fuzz/tests/fuzz_slurm_parse tests/fuzz/corpora/slurm_parse
 * Every other build replays the corpus under ctest.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mlops/error.h>
#include <mlops/xmalloc.h>

#include "slurm_gpus.h"
#include "slurm_parse.h"
#include "slurm_state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mlops_error        err = { 0 };
	struct slurm_version      version;
	struct slurm_partitions   parts   = { 0 };
	struct slurm_nodes        nodes   = { 0 };
	struct slurm_gpu_requests pending = { 0 };
	struct slurm_gpu_summary  sum     = { 0 };
	struct slurm_jobs         jobs    = { 0 };
	struct slurm_starts       starts  = { 0 };
	struct slurm_submit       submit  = { 0 };
	struct slurm_gres        *gres    = NULL;
	size_t                    n_gres  = 0;
	char                     *text;
	long                      seconds;
	int64_t                   when;
	unsigned                  flags;
	int                       code, sig;
	/* The first byte picks a time zone offset, -12h..+12h. */
	long offset = size > 0 ? ((long) data[0] % 25 - 12) * 3600 : 0;

	text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';

	(void) slurm_parse_version(&version, text, &err);
	if (slurm_parse_partitions(&parts, text, &err) < 0) {
		memset(&parts, 0, sizeof(parts));
	}
	if (slurm_parse_nodes(&nodes, text, &err) < 0) {
		memset(&nodes, 0, sizeof(nodes));
	}
	if (slurm_parse_pending(&pending, text, &err) < 0) {
		memset(&pending, 0, sizeof(pending));
	}
	if (slurm_gpus_summarize(
	        &sum, &nodes, parts.n ? &parts : NULL, &pending, &err)
	    == 0) {
		for (size_t i = 0; i < sum.n; i++) {
			if (sum.v[i].free < 0
			    || sum.v[i].allocated + sum.v[i].unavailable
			            + sum.v[i].free
			        > sum.v[i].total) {
				abort();
			}
		}
		slurm_gpu_summary_fini(&sum);
	}
	if (slurm_parse_squeue(&jobs, text, offset, &err) == 0) {
		slurm_jobs_fini(&jobs);
	}
	if (slurm_parse_sacct(&jobs, text, offset, &err) == 0) {
		slurm_jobs_fini(&jobs);
	}
	if (slurm_parse_show_job(&jobs, text, offset, &err) == 0) {
		slurm_jobs_fini(&jobs);
	}
	if (slurm_parse_start(&starts, text, offset, &err) == 0) {
		slurm_starts_fini(&starts);
	}
	if (slurm_parse_sbatch(&submit, text, &err) == 0) {
		slurm_submit_fini(&submit);
	}
	(void) slurm_parse_error(text, &err);

	/* The single-value parsers on the whole input. */
	(void) slurm_parse_duration(&seconds, text, &err);
	(void) slurm_parse_time(&when, text, offset, &err);
	(void) slurm_parse_exit_code(&code, &sig, text, &err);
	(void) slurm_parse_node_state(&flags, text, &err);
	(void) slurm_parse_sinfo_state(&flags, text, &err);
	(void) slurm_state_from_string(text);
	(void) job_state_parse(text);
	if (slurm_parse_gres(&gres, &n_gres, text, &err) == 0) {
		slurm_gres_free(gres, n_gres);
	}

	slurm_gpu_requests_fini(&pending);
	slurm_nodes_fini(&nodes);
	slurm_partitions_fini(&parts);
	free(text);
	return 0;
}
