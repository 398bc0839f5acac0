/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-cli.h — nnblocks-cli: every engine capability without a screen.
 * Exit codes: 0 success, 1 bad input or failure (one line on stderr naming
 * the problem), 2 bad usage, 3 training diverged. */
#pragma once

#include <glib.h>
#include "nnb-project.h"

G_BEGIN_DECLS

enum
{
  NNB_EXIT_OK = 0,
  NNB_EXIT_FAILURE = 1,
  NNB_EXIT_USAGE = 2,
  NNB_EXIT_DIVERGED = 3,
  NNB_EXIT_INTERRUPTED = 130, /* 128 + SIGINT, as shells report Ctrl-C */
};

/* Parses a subcommand's options; prints --help or usage errors itself.
 * Returns FALSE with *status set when the command should end now. */
gboolean nnb_cli_parse (GOptionContext *context, int *argc, char ***argv,
                        int n_positional, const char *usage, int *status);
/* Prints "nnblocks-cli: <message>" on stderr and returns NNB_EXIT_FAILURE. */
int nnb_cli_fail (const GError *error);
/* Loads a project and rebuilds it from its recipe, keeping saved weights. */
NnbProject *nnb_cli_load_project (const char *path, NnbDataset **dataset, GError **error);
/* One line of `devices`: "<indent>cuda:0   NVIDIA …", or why the device is unavailable. */
void nnb_cli_print_device (const NnbDeviceInfo *info, const char *indent);

/* export --format png|svg|pdf (nnb-cli-picture.c): what to draw, at what
 * size in points (0: the app's), hard class regions or not. */
typedef struct
{
  const char *what; /* NULL: "data" */
  int width, height;
  gboolean discretize;
} NnbCliPicture;

/* Whether format is a picture's (png, svg, pdf). */
gboolean nnb_cli_is_picture_format (const char *format);
/* Writes the project's picture to output in format; returns the exit status. */
int nnb_cli_export_picture (const char *project_path, const char *format, const char *output,
                            const NnbCliPicture *picture);

int nnb_cli_inspect (int argc, char **argv);
int nnb_cli_trace (int argc, char **argv);
int nnb_cli_data (int argc, char **argv);
int nnb_cli_train (int argc, char **argv);
int nnb_cli_forward (int argc, char **argv);
int nnb_cli_export (int argc, char **argv);
int nnb_cli_import_weights (int argc, char **argv);
int nnb_cli_import_code (int argc, char **argv);
int nnb_cli_devices (int argc, char **argv);
int nnb_cli_lesson (int argc, char **argv);
int nnb_cli_race (int argc, char **argv);
int nnb_cli_step (int argc, char **argv);

G_END_DECLS
