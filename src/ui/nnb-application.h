/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-application.h — the NN Blocks application: reads the command line
 * (`nnblocks [--lesson NAME] [FILE.nnb…]`), owns the preferences and the
 * application-wide actions (quit, about, keyboard shortcuts). */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define NNB_TYPE_APPLICATION (nnb_application_get_type ())
G_DECLARE_FINAL_TYPE (NnbApplication, nnb_application, NNB, APPLICATION, AdwApplication)

NnbApplication *nnb_application_new (void);

/* The preferences, or NULL when the GSettings schema is not installed: the
 * application then runs with the defaults and saves nothing. Valid after
 * startup. */
GSettings *nnb_application_get_settings (NnbApplication *self);

/* The lesson named by --lesson, or else the last one opened; NULL for none. */
const char *nnb_application_get_lesson (NnbApplication *self);

G_END_DECLS
