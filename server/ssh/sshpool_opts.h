/*
 * The tunables of an SSH pool (sshpool.h), apart from it so that the
 * daemon can set them without seeing libssh.
 */
#ifndef MLOPS_SERVER_SSHPOOL_OPTS_H
#define MLOPS_SERVER_SSHPOOL_OPTS_H

/* Tunables; sshpool_opts_init() fills the defaults shown. */
struct sshpool_opts {
	unsigned connect_timeout_ms; /* 10000: TCP + handshake + each wait */
	unsigned keepalive_s;        /* 15: probe after this long idle */
	unsigned backoff_initial_ms; /* 1000: first retry delay */
	unsigned backoff_max_ms;     /* 60000: ceiling of the doubling */
	unsigned stop_timeout_ms;    /* 5000: sshpool_stop() join deadline */
	unsigned default_timeout_ms; /* 120000: exec timeout when opts say 0 */
};

/** Fills the defaults. */
void sshpool_opts_init(struct sshpool_opts *opts);

#endif
