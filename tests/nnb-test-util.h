/* nnb-test-util.h — helpers shared by the test programs. */
#pragma once

#include <glib.h>

/* Path of a file under tests/ in the source tree ("data/rng-golden.json"). */
char *nnb_test_path (const char *relative);
/* Path of a file under the project's source root ("data/examples/regression.nnb"). */
char *nnb_test_source_path (const char *relative);
/* TRUE when /usr/bin/python3 can import every module in the NULL-terminated list. */
gboolean nnb_test_python_has (const char *module, ...) G_GNUC_NULL_TERMINATED;
/* Runs argv; returns exit status and captures stdout/stderr (may be NULL). */
int nnb_test_run (const char *const *argv, char **out, char **err);
/* Relative difference |a − b| / max(|b|, tiny). */
double nnb_test_rel_diff (double a, double b);
