/*
 * PUB socket for change events. Publishing is serialised by a mutex so
 * that sequence numbers go out in order; nng sends without blocking.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nng/nng.h>
#include <nng/protocol/pubsub0/pub.h>

#include <mlops/log.h>
#include <mlops/paths.h>
#include <mlops/protocol.h>
#include <mlops/xmalloc.h>

#include "clusters.h"
#include "events_wire.h"
#include "job_proto.h"
#include "executor.h"
#include "mlopsd.h"
#include "listen.h"

struct events {
	nng_socket      ev_sock;
	pthread_mutex_t ev_mtx;
	uint64_t        ev_seq;
};

char *
events_url_for(const char *url)
{
	return mlops_events_url_for(url);
}

int
events_start(struct events **out, struct mlopsd *d, struct mlops_error *err)
{
	struct events *ev = xcalloc(1, sizeof(*ev));
	int            nrv, rc = 0;

	if ((nrv = nng_pub0_open(&ev->ev_sock)) != 0) {
		free(ev);
		return mlops_error_set(
		    err, MLOPS_EIO, "events: %s", nng_strerror(nrv));
	}
	pthread_mutex_init(&ev->ev_mtx, NULL);
	for (size_t i = 0; i < d->d_nlisten; i++) {
		char *url = events_url_for(d->d_listen[i]);

		if (url == NULL) {
			rc = mlops_error_set(err, MLOPS_EINVAL,
			    "no events URL pairs with %s", d->d_listen[i]);
			break;
		}
		rc = listen_start(ev->ev_sock, url, d, err);
		if (rc == 0) {
			log_info("events on %s", url);
		}
		free(url);
		if (rc < 0) {
			break;
		}
	}
	if (rc < 0) {
		events_stop(ev);
		return rc;
	}
	*out = ev;
	return 0;
}

void
events_stop(struct events *ev)
{
	if (ev == NULL) {
		return;
	}
	nng_close(ev->ev_sock);
	pthread_mutex_destroy(&ev->ev_mtx);
	free(ev);
}

void
events_publish(struct events *ev, Mlops__Event *e)
{
	uint8_t *buf = NULL;
	size_t   len = 0;
	nng_msg *msg = NULL;

	if (ev == NULL) {
		return;
	}
	pthread_mutex_lock(&ev->ev_mtx);
	e->seq  = ++ev->ev_seq;
	e->time = (int64_t) time(NULL);
	if (mlops_pack(&buf, &len, &e->base, NULL) == 0
	    && nng_msg_alloc(&msg, 0) == 0
	    && nng_msg_append(msg, buf, len) == 0) {
		if (nng_sendmsg(ev->ev_sock, msg, NNG_FLAG_NONBLOCK) != 0) {
			nng_msg_free(msg);
		}
	} else {
		nng_msg_free(msg);
		log_warn("events: could not publish event %llu",
		    (unsigned long long) e->seq);
	}
	pthread_mutex_unlock(&ev->ev_mtx);
	free(buf);
}

void
events_project(
    struct events *ev, Mlops__ProjectChange change, const char *name)
{
	Mlops__Event        e  = MLOPS__EVENT__INIT;
	Mlops__ProjectEvent pe = MLOPS__PROJECT_EVENT__INIT;

	pe.change   = change;
	pe.name     = (char *) name;
	e.body_case = MLOPS__EVENT__BODY_PROJECT;
	e.project   = &pe;
	events_publish(ev, &e);
}

Mlops__ClusterState
events_cluster_state(int state)
{
	switch (state) {
	case EXEC_CONNECTING:
		return MLOPS__CLUSTER_STATE__CLUSTER_STATE_CONNECTING;
	case EXEC_CONNECTED:
		return MLOPS__CLUSTER_STATE__CLUSTER_STATE_CONNECTED;
	case EXEC_UNREACHABLE:
		return MLOPS__CLUSTER_STATE__CLUSTER_STATE_UNREACHABLE;
	default:
		return MLOPS__CLUSTER_STATE__CLUSTER_STATE_DISCONNECTED;
	}
}

void
events_cluster(struct events *ev, const char *name,
    const struct cluster_status *st, const struct cluster_poll *poll)
{
	Mlops__Event         e  = MLOPS__EVENT__INIT;
	Mlops__ClusterEvent  ce = MLOPS__CLUSTER_EVENT__INIT;
	Mlops__ClusterStatus cs = MLOPS__CLUSTER_STATUS__INIT;

	cs.name            = (char *) name;
	cs.state           = events_cluster_state(st->conn.state);
	cs.slurm_version   = (char *) st->slurm_version;
	cs.last_contact_at = (int64_t) st->conn.last_contact;
	cs.last_error      = (char *) st->conn.last_error;
	cs.last_poll_at    = poll->last_poll;
	cs.last_poll_ok_at = poll->last_ok;
	cs.last_poll_error = (char *) poll->error;
	ce.status          = &cs;
	e.body_case        = MLOPS__EVENT__BODY_CLUSTER;
	e.cluster          = &ce;
	events_publish(ev, &e);
}

void
events_job(
    struct events *ev, const struct store_job *job, const char *previous)
{
	Mlops__Event    e  = MLOPS__EVENT__INIT;
	Mlops__JobEvent je = MLOPS__JOB_EVENT__INIT;
	Mlops__Job      m  = MLOPS__JOB__INIT;

	job_proto_fill(&m, job, false);
	je.job                = &m;
	je.previous_state     = (char *) (previous ? previous : "");
	je.previous_job_state = job_proto_state(previous);
	e.body_case           = MLOPS__EVENT__BODY_JOB;
	e.job                 = &je;
	events_publish(ev, &e);
}

static void
events_notify_job(
    struct mlopsd *d, const struct store_job *job, const char *previous)
{
	events_job(d->d_events, job, previous);
}

static void
events_notify_cluster(struct mlopsd *d, const char *name,
    const struct cluster_status *st, const struct cluster_poll *poll)
{
	events_cluster(d->d_events, name, st, poll);
}

void
events_notify_init(struct mlopsd_notify *out)
{
	out->job     = events_notify_job;
	out->cluster = events_notify_cluster;
}
