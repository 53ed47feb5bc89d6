/*
 * Replays fuzz corpora without libFuzzer (libgit2's standalone_driver
 * idea): every file under the directories given is fed once to
 * LLVMFuzzerTestOneInput. Built for the gcc builds, run by ctest (label
 * "fuzz") under the sanitizers, so a crash found once stays fixed.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int driver_files;

static int
driver_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	FILE    *fp;
	uint8_t *buf;
	size_t   n;

	(void) f;
	if (flag != FTW_F || !S_ISREG(st->st_mode)) {
		return 0;
	}
	if ((fp = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "cannot open %s\n", path);
		return 1;
	}
	buf = malloc((size_t) st->st_size + 1);
	n   = fread(buf, 1, (size_t) st->st_size, fp);
	fclose(fp);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	driver_files++;
	return 0;
}

int
main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (nftw(argv[i], driver_one, 16, FTW_PHYS) != 0) {
			fprintf(stderr, "cannot walk %s\n", argv[i]);
			return 1;
		}
	}
	if (driver_files == 0) {
		fprintf(stderr, "no corpus files found\n");
		printf("0 passed, 1 failed\n");
		return 1;
	}
	printf("%d passed, 0 failed\n", driver_files);
	return 0;
}
