/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-python.h — text as Python writes it, for messages and printouts that
 * quote PyTorch ("LeakyReLU(negative_slope=0.01)", "Invalid learning rate:
 * -0.1"). */
#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

/* repr(float): the fewest digits that read back as the same double, in
 * fixed notation for decimal exponents in [−4, 16) ("0.01", "1.0", "-0.1")
 * and as "1e-05" / "1e+16" outside; "nan", "inf", "-inf". */
char *nnb_python_float_repr (double value);

/* f"{value:,}": the digits in groups of three ("4,353", "-1,000"). */
char *nnb_python_int_with_commas (int64_t value);

G_END_DECLS
