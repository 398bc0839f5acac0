/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-locale-format.h — numbers for people, in their locale.
 *
 * NN Blocks runs with LC_NUMERIC "C" (main.c), so that everything that
 * quotes PyTorch (the code view, model printouts, lesson output, files)
 * has a decimal point whatever the language. Numbers that are only read
 * by people (the status line, parameter counts, plot ticks and read-outs)
 * go through these functions instead, which format them in the user's own
 * LC_NUMERIC: 0,031 and 4.353 in German, 0.031 and 4,353 in English. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* g_strdup_printf in the user's numeric locale; %'d groups thousands. */
char *nnb_locale_strdup_printf (const char *format, ...) G_GNUC_PRINTF (1, 2);

/* Appends to string like g_string_append_printf, in the user's numeric locale. */
void nnb_locale_string_append_printf (GString *string, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* A count with thousands grouped: "4,353" / "4.353". */
char *nnb_locale_format_count (gint64 count);

/* A share (0 … 1) as a percentage with decimals digits after the point:
 * "97.5 %" / "97,5 %", the sign placed as the user's language places it. */
char *nnb_locale_format_percent (double share, int decimals);

G_END_DECLS
