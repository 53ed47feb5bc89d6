/*
 * A cluster's card on the overview: its name and connection state, and one
 * line per GPU type and partition (free / total as a level bar, pending
 * requests). Plain widgets; main thread.
 */
#ifndef MLOPS_GTK_CLUSTER_CARD_H
#define MLOPS_GTK_CLUSTER_CARD_H

#include <adwaita.h>

#include "mlops.pb-c.h"

G_BEGIN_DECLS

/** A card for cluster `name`, its state not yet known. */
GtkWidget *mlops_cluster_card_new(const char *name);
/** The cluster's name. Borrowed. */
const char *mlops_cluster_card_get_name(GtkWidget *card);
/** Shows the connection state. */
void mlops_cluster_card_set_status(
    GtkWidget *card, const Mlops__ClusterStatus *st);
/** Shows the GPU rows (or why there are none). */
void mlops_cluster_card_set_gpus(GtkWidget *card, const Mlops__ClusterGpus *g);

G_END_DECLS

#endif
