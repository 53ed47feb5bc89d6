/*
 * mlops-gtk: creates and runs the MlopsApplication.
 */
#include "mlops-application.h"

int
main(int argc, char **argv)
{
	g_autoptr(MlopsApplication) app = mlops_application_new();

	return mlops_application_run(app, argc, argv);
}
