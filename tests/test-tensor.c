/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-tensor.c — tensors, devices and CSV numbers: sizes are checked
 * before anything is allocated, and shapes print as Python prints them. */
#include <glib.h>
#include <math.h>
#include <string.h>
#include "nnb-backend.h"
#include "nnb-csv.h"
#include "nnb-tensor.h"

static void
test_shapes_print_as_python_tuples (void)
{
  int64_t one[1] = { 16 };
  int64_t two[2] = { 5, 16 };
  int64_t batch[2] = { NNB_DIM_BATCH, 16 };
  g_autofree char *a = nnb_shape_to_string (1, one);
  g_autofree char *b = nnb_shape_to_string (2, two);
  g_autofree char *c = nnb_shape_to_string (2, batch);

  g_assert_cmpstr (a, ==, "(16,)");
  g_assert_cmpstr (b, ==, "(5, 16)");
  g_assert_cmpstr (c, ==, "(B, 16)");
}

static void
test_sizes_are_checked_before_allocation (void)
{
  g_autoptr (GError) error = NULL;
  int64_t zero[2] = { 0, 3 };
  int64_t negative[2] = { 4, -2 };
  int64_t overflow[4] = { G_MAXINT64 / 2, 4, 4, 4 };
  int64_t five_dims[5] = { 1, 1, 1, 1, 1 };

  g_assert_null (nnb_tensor_new (2, zero, nnb_device_cpu (), &error));
  g_assert_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (nnb_tensor_new (2, negative, nnb_device_cpu (), &error));
  g_assert_nonnull (strstr (error->message, "positive whole number"));
  g_clear_error (&error);
  g_assert_null (nnb_tensor_new (4, overflow, nnb_device_cpu (), &error));
  g_assert_error (error, NNB_ERROR, NNB_ERROR_OUT_OF_MEMORY);
  g_clear_error (&error);
  g_assert_null (nnb_tensor_new (5, five_dims, nnb_device_cpu (), &error));
  g_assert_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT);
}

static void
test_tensor_copies_and_reference_counts (void)
{
  g_autoptr (GError) error = NULL;
  float values[6] = { 1, 2, 3, 4, 5, 6 };
  int64_t shape[2] = { 2, 3 };
  g_autoptr (NnbTensor) t = nnb_tensor_new_from_data (2, shape, values);
  g_autoptr (NnbTensor) copy = nnb_tensor_copy (t, &error);
  float back[6];

  g_assert_no_error (error);
  g_assert_cmpint (t->numel, ==, 6);
  g_assert_cmpint (nnb_tensor_rows (t), ==, 2);
  g_assert_cmpint (nnb_tensor_cols (t), ==, 3);
  t->data[0] = 42;
  nnb_tensor_read (copy, back);
  g_assert_cmpfloat (back[0], ==, 1);
  g_assert_true (nnb_tensor_same_shape (t, copy));
  nnb_tensor_fill (copy, 0.5f);
  g_assert_cmpfloat (copy->data[5], ==, 0.5f);
  g_assert_true (nnb_tensor_ref (t) == t);
  nnb_tensor_unref (t);
}

static void
test_devices_parse_and_list (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) devices = nnb_device_list ();
  NnbDevice device;
  char name[16];

  g_assert_true (nnb_device_parse ("cuda:1", &device, &error));
  g_assert_cmpstr (nnb_device_name (device, name, sizeof name), ==, "cuda:1");
  g_assert_true (nnb_device_parse ("cpu", &device, &error));
  g_assert_false (nnb_device_parse ("gpu", &device, &error));
  g_assert_cmpstr (error->message, ==, "Expected one of cpu, cuda device type at start of device string: gpu");
  g_assert_cmpuint (devices->len, >=, 2);
  g_assert_true (((NnbDeviceInfo *) devices->pdata[0])->available);
  g_assert_true (g_str_has_prefix (((NnbDeviceInfo *) devices->pdata[0])->label, "CPU (OpenBLAS"));
}

static void
test_csv_reads_numbers_with_a_header (void)
{
  g_autoptr (GError) error = NULL;
  const char *text = "x1, x2\n1, 2\n\n3.5,-4e-1\n";
  int64_t rows, cols;
  g_autofree float *values = nnb_csv_parse (text, strlen (text), &rows, &cols, &error);

  g_assert_no_error (error);
  g_assert_cmpint (rows, ==, 2);
  g_assert_cmpint (cols, ==, 2);
  g_assert_cmpfloat (values[3], ==, -0.4f);
}

static void
test_csv_names_the_bad_cell (void)
{
  struct
  {
    const char *text;
    const char *message;
  } cases[] = {
    { "1,2\n3,abc\n", "line 2, column 2: 'abc' is not a number." },
    { "1,2\n3,nan\n", "line 2, column 2: 'nan' is not a number." },
    { "1,2\n3\n", "line 2 has 1 columns, but the lines before it have 2." },
    { "x,y\n", "The CSV file has no rows of numbers." },
    { "", "The CSV file has no rows of numbers." },
    { "1,\n", "line 1, column 2: '' is not a number." },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      int64_t rows, cols;
      g_autofree float *values = nnb_csv_parse (cases[i].text, strlen (cases[i].text), &rows, &cols, &error);
      g_assert_null (values);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tensor/shapes-print-as-python-tuples", test_shapes_print_as_python_tuples);
  g_test_add_func ("/tensor/sizes-are-checked-before-allocation", test_sizes_are_checked_before_allocation);
  g_test_add_func ("/tensor/copies-and-reference-counts", test_tensor_copies_and_reference_counts);
  g_test_add_func ("/tensor/devices-parse-and-list", test_devices_parse_and_list);
  g_test_add_func ("/csv/reads-numbers-with-a-header", test_csv_reads_numbers_with_a_header);
  g_test_add_func ("/csv/names-the-bad-cell", test_csv_names_the_bad_cell);
  return g_test_run ();
}
