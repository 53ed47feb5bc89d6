/*
 * MlopsJobRow: a GObject around an owned copy of one Job message, the item
 * type of the app's job lists. Main thread.
 */
#include <mlops/types.h>

#include "mlops-job-row.h"
#include "mlops-model.h"

struct _MlopsJobRow {
	GObject     parent_instance;
	Mlops__Job *job;
};

G_DEFINE_FINAL_TYPE(MlopsJobRow, mlops_job_row, G_TYPE_OBJECT)

enum { PROP_0, PROP_JOB, PROP_ID, N_PROPS };
static GParamSpec *job_row_props[N_PROPS];

static void
mlops_job_row_finalize(GObject *obj)
{
	MlopsJobRow *self = MLOPS_JOB_ROW(obj);

	if (self->job != NULL) {
		mlops__job__free_unpacked(self->job, NULL);
	}
	G_OBJECT_CLASS(mlops_job_row_parent_class)->finalize(obj);
}

static void
mlops_job_row_get_property(
    GObject *obj, guint id, GValue *value, GParamSpec *pspec)
{
	MlopsJobRow *self = MLOPS_JOB_ROW(obj);

	switch (id) {
	case PROP_JOB:
		g_value_set_pointer(value, self->job);
		break;
	case PROP_ID:
		g_value_set_int64(value, self->job->id);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, id, pspec);
	}
}

static void
mlops_job_row_class_init(MlopsJobRowClass *klass)
{
	GObjectClass *oc = G_OBJECT_CLASS(klass);

	oc->finalize            = mlops_job_row_finalize;
	oc->get_property        = mlops_job_row_get_property;
	job_row_props[PROP_JOB] = g_param_spec_pointer(
	    "job", NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
	job_row_props[PROP_ID] = g_param_spec_int64("id", NULL, NULL, 0,
	    G_MAXINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
	g_object_class_install_properties(oc, N_PROPS, job_row_props);
}

static void
mlops_job_row_init(MlopsJobRow *self)
{
	(void) self;
}

MlopsJobRow *
mlops_job_row_new(const Mlops__Job *job)
{
	MlopsJobRow *self = g_object_new(MLOPS_TYPE_JOB_ROW, NULL);

	self->job = mlops_model_job_dup(job);
	g_assert(self->job != NULL);
	return self;
}

const Mlops__Job *
mlops_job_row_get_job(MlopsJobRow *self)
{
	return self->job;
}

gint64
mlops_job_row_get_id(MlopsJobRow *self)
{
	return self->job->id;
}

void
mlops_job_row_update(MlopsJobRow *self, const Mlops__Job *job)
{
	Mlops__Job *copy = mlops_model_job_dup(job);

	g_return_if_fail(copy != NULL);
	/* Events and lists carry no script; keep the one JobShow gave. */
	if ((copy->sbatch_script == NULL || copy->sbatch_script[0] == '\0')
	    && self->job->sbatch_script != NULL
	    && self->job->sbatch_script[0] != '\0') {
		/* An empty string is protobuf-c's static default: not
		 * freed here, and free_unpacked() frees our copy. */
		copy->sbatch_script = g_strdup(self->job->sbatch_script);
	}
	if ((copy->expected_start == NULL || copy->expected_start[0] == '\0')
	    && !copy->terminal && self->job->expected_start != NULL
	    && self->job->expected_start[0] != '\0'
	    && mlops_job_state_of(copy) == mlops_job_state_of(self->job)) {
		copy->expected_start = g_strdup(self->job->expected_start);
	}
	mlops__job__free_unpacked(self->job, NULL);
	self->job = copy;
	g_object_notify_by_pspec(G_OBJECT(self), job_row_props[PROP_JOB]);
}
