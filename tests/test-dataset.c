/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-dataset.c — the lessons' data, bit for bit as PyTorch draws it
 * (tests/data/lesson-data.json, written by tests/reference/make_lesson_data.py),
 * and CSV files a student brings. */
#include <glib.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "nnb-csv.h"
#include "nnb-dataset.h"
#include "nnb-error.h"
#include "nnb-file-read.h"
#include "nnb-test-util.h"
#include "nnb-tensor-private.h"
#include "nnb-training-private.h"

/* Draws the golden case's spec after torch.manual_seed(its seed, or 0)
 * and compares X and y with PyTorch's bits. */
static void
check_golden_case (const char *name)
{
  JsonObject *entry = json_object_get_object_member (nnb_test_golden ("data/lesson-data.json"), name);
  JsonObject *spec_json = json_object_get_object_member (entry, "spec");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbDataset) data = NULL;
  g_autofree NnbGenerator *gen = NULL;
  NnbDataSpec spec;
  NnbDataKind kind;

  g_assert_true (nnb_data_kind_from_string (json_object_get_string_member (spec_json, "kind"), &kind));
  nnb_data_spec_init (&spec, kind);
  spec.n = json_object_get_int_member (spec_json, "n");
  spec.noise = json_object_get_double_member (spec_json, "noise");
  if (json_object_has_member (spec_json, "a"))
    spec.a = json_object_get_double_member (spec_json, "a");
  if (json_object_has_member (spec_json, "b"))
    spec.b = json_object_get_double_member (spec_json, "b");
  if (json_object_has_member (spec_json, "c"))
    spec.c = json_object_get_double_member (spec_json, "c");
  if (json_object_has_member (spec_json, "x_max"))
    spec.x_max = json_object_get_double_member (spec_json, "x_max");

  gen = nnb_generator_new (json_object_get_int_member_with_default (spec_json, "seed", 0));
  data = nnb_dataset_new (&spec, gen, &error);
  g_assert_no_error (error);
  g_assert_cmpint (data->x->ndim, ==, 2);
  g_assert_cmpint (data->x->shape[0], ==, spec.n);
  g_assert_cmpint (data->x->shape[1], ==,
                   json_array_get_int_element (json_object_get_array_member (entry, "x_shape"), 1));
  g_assert_cmpint (data->y->shape[0], ==, spec.n);
  g_assert_cmpint (data->y->shape[1], ==, 1);
  nnb_test_assert_float_bits ("X", data->x->data, data->x->numel, json_object_get_array_member (entry, "x"));
  nnb_test_assert_float_bits ("y", data->y->data, data->y->numel, json_object_get_array_member (entry, "y"));
  nnb_data_spec_clear (&spec);
}

static void
test_regression_data_is_pytorchs (void)
{
  check_golden_case ("regression");
}

static void
test_sine_data_is_pytorchs (void)
{
  check_golden_case ("sine");
}

static void
test_polynomial_data_is_pytorchs (void)
{
  check_golden_case ("polynomial");
}

static void
test_step_data_is_pytorchs (void)
{
  check_golden_case ("step");
}

static void
test_sine_product_data_is_pytorchs (void)
{
  check_golden_case ("sine_product");
  check_golden_case ("sine_product_noisy");
}

/* The page's defaults: 100 points of 3x + 2 with noise 0.5 on [0, 10);
 * 200 points of sin x with noise 0.1 on [0, 2π). */
static void
test_defaults_are_the_pages (void)
{
  NnbDataSpec spec;

  nnb_data_spec_init (&spec, NNB_DATA_LINE);
  g_assert_cmpint (spec.n, ==, 100);
  g_assert_cmpfloat (spec.a, ==, 3.0);
  g_assert_cmpfloat (spec.b, ==, 2.0);
  g_assert_cmpfloat (spec.noise, ==, 0.5);
  g_assert_cmpfloat (spec.x_max, ==, 10.0);
  nnb_data_spec_init (&spec, NNB_DATA_SINE);
  g_assert_cmpint (spec.n, ==, 200);
  g_assert_cmpfloat (spec.noise, ==, 0.1);
  /* rand * 2 * math.pi and rand * float(2π) round alike */
  g_assert_cmpfloat ((float) spec.x_max, ==, (float) (2 * G_PI));
  nnb_data_spec_init (&spec, NNB_DATA_SINE_PRODUCT);
  g_assert_cmpint (spec.n, ==, 1024);
  g_assert_cmpfloat (spec.noise, ==, 0.0);
}

static void
test_kind_names_round_trip (void)
{
  const char *names[] = { "line", "sine", "polynomial", "step", "sine-product", "csv" };
  NnbDataKind kind;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_assert_true (nnb_data_kind_from_string (names[i], &kind));
      g_assert_cmpstr (nnb_data_kind_to_string (kind), ==, names[i]);
    }
  g_assert_false (nnb_data_kind_from_string ("cosine", &kind));
  g_assert_false (nnb_data_kind_from_string (NULL, &kind));
}

static void
test_spec_copy_owns_its_path (void)
{
  NnbDataSpec spec, copy;

  nnb_data_spec_init (&spec, NNB_DATA_CSV);
  spec.csv_path = g_strdup ("points.csv");
  nnb_data_spec_copy (&copy, &spec);
  g_assert_true (copy.csv_path != spec.csv_path);
  g_assert_cmpstr (copy.csv_path, ==, "points.csv");
  nnb_data_spec_clear (&spec);
  g_assert_null (spec.csv_path);
  g_assert_cmpstr (copy.csv_path, ==, "points.csv");
  nnb_data_spec_clear (&copy);
}

/* Moving the noise slider must not change the x values or what is drawn
 * after the data: the noise is drawn even when it is 0. */
static void
test_zero_noise_still_draws (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree NnbGenerator *noisy = nnb_generator_new (0);
  g_autofree NnbGenerator *quiet = nnb_generator_new (0);
  g_autoptr (NnbDataset) a = NULL;
  g_autoptr (NnbDataset) b = NULL;
  NnbDataSpec spec;

  nnb_data_spec_init (&spec, NNB_DATA_LINE);
  a = nnb_dataset_new (&spec, noisy, &error);
  spec.noise = 0.0;
  b = nnb_dataset_new (&spec, quiet, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (a->x->data, 400, b->x->data, 400);
  for (int i = 0; i < 100; i++)
    g_assert_cmpfloat (b->y->data[i], ==, 3.0f * b->x->data[i] + 2.0f);
  g_assert_cmpuint (nnb_generator_random (noisy), ==, nnb_generator_random (quiet));
}

static void
test_bad_specs_are_refused (void)
{
  struct
  {
    NnbDataKind kind;
    int64_t n;
    double noise, x_max;
    const char *message;
  } cases[] = {
    { NNB_DATA_LINE, 0, 0.5, 10, "The number of points must be between 1 and 10000000, not 0." },
    { NNB_DATA_SINE, 20000000, 0.1, 1, "The number of points must be between 1 and 10000000, not 20000000." },
    { NNB_DATA_LINE, 10, -1, 10, "The noise must be 0 or more, not -1." },
    { NNB_DATA_STEP, 10, 0.1, 0, "x_max (the end of the x range) must be more than 0, not 0." },
    { NNB_DATA_SINE, 10, NAN, 1, "The sine data's settings must be ordinary numbers, not NaN or infinity." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (NnbDataset) data = NULL;
      NnbDataSpec spec;

      nnb_data_spec_init (&spec, cases[i].kind);
      spec.n = cases[i].n;
      spec.noise = cases[i].noise;
      spec.x_max = cases[i].x_max;
      data = nnb_dataset_new (&spec, NULL, &error);
      g_assert_null (data);
      g_assert_error (error, NNB_ERROR, NNB_ERROR_INVALID_ARGUMENT);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

/* ----------------------------------------------------------------- CSV */

static NnbDataset *
csv (const char *text, GError **error)
{
  return nnb_dataset_new_from_csv_text (text, strlen (text), error);
}

static void
test_csv_last_column_is_the_target (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbDataset) data = csv ("x0,x1,y\n1,2,3\n4,5,6\n", &error);

  g_assert_no_error (error);
  g_assert_cmpint (data->x->shape[0], ==, 2);
  g_assert_cmpint (data->x->shape[1], ==, 2);
  g_assert_cmpint (data->y->shape[0], ==, 2);
  g_assert_cmpint (data->y->shape[1], ==, 1);
  g_assert_cmpfloat (data->x->data[0], ==, 1.0f);
  g_assert_cmpfloat (data->x->data[3], ==, 5.0f);
  g_assert_cmpfloat (data->y->data[0], ==, 3.0f);
  g_assert_cmpfloat (data->y->data[1], ==, 6.0f);
}

static void
test_csv_without_header_crlf_and_blank_lines (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbDataset) data = csv ("# measured on Monday\r\n0.5, -1e-3\r\n\r\n  2 ,4.25\r\n", &error);

  g_assert_no_error (error);
  g_assert_cmpint (data->x->shape[0], ==, 2);
  g_assert_cmpint (data->x->shape[1], ==, 1);
  g_assert_cmpfloat (data->x->data[1], ==, 2.0f);
  g_assert_cmpfloat (data->y->data[0], ==, -1e-3f);
  g_assert_cmpfloat (data->y->data[1], ==, 4.25f);
}

static void
test_csv_mistakes_name_line_and_column (void)
{
  struct
  {
    const char *text;
    int code;
    const char *message;
  } cases[] = {
    { "x,y\n1,2\n3,4\n5,6\n7,8\n9,10\n11,abc\n", NNB_FILE_ERROR_PARSE, "line 7, column 2: 'abc' is not a number." },
    { "1,2\n3,nan\n", NNB_FILE_ERROR_PARSE, "line 2, column 2: 'nan' is not a number." },
    { "1,2\ninf,3\n", NNB_FILE_ERROR_PARSE, "line 2, column 1: 'inf' is not a number." },
    { "1,2\n3,1e40\n", NNB_FILE_ERROR_PARSE, "line 2, column 2: '1e40' is not a number." },
    { "1,2\n3,,4\n", NNB_FILE_ERROR_PARSE, "line 2 has 3 columns, but the lines before it have 2." },
    { "1,2\n3,\n", NNB_FILE_ERROR_PARSE, "line 2, column 2: '' is not a number." },
    { "a,b,c\n1,2\n", NNB_FILE_ERROR_PARSE, "line 2 has 2 columns, but the lines before it have 3." },
    { "", NNB_FILE_ERROR_INVALID, "The CSV file has no rows of numbers." },
    { "x,y\n", NNB_FILE_ERROR_INVALID, "The CSV file has no rows of numbers." },
    { "\n# nothing\n\n", NNB_FILE_ERROR_INVALID, "The CSV file has no rows of numbers." },
    { "y\n1\n2\n", NNB_FILE_ERROR_INVALID,
      "The CSV data has only one column; it needs at least two: the inputs first, then the target in the last column." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (NnbDataset) data = csv (cases[i].text, &error);
      g_assert_null (data);
      g_assert_error (error, NNB_FILE_ERROR, cases[i].code);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

static void
test_csv_binary_is_refused (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbDataset) data = nnb_dataset_new_from_csv_text ("1,2\n\0\x01", 6, &error);

  g_assert_null (data);
  g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE);
  g_assert_cmpstr (error->message, ==, "This is not a CSV text file: it contains binary data.");
}

static void
test_csv_file_through_a_spec (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("nnb-dataset-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "points.csv", NULL);
  g_autoptr (NnbDataset) data = NULL;
  NnbDataSpec spec;

  g_assert_true (g_file_set_contents (path, "x,y\n1,2\n2,x4\n", -1, NULL));
  nnb_data_spec_init (&spec, NNB_DATA_CSV);
  spec.csv_path = g_strdup (path);
  data = nnb_dataset_new (&spec, NULL, &error);
  g_assert_null (data);
  g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_PARSE);
  g_assert_cmpstr (error->message, ==, "points.csv: line 3, column 2: 'x4' is not a number.");
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (path, "x,y\n1,2\n2,4\n", -1, NULL));
  data = nnb_dataset_new (&spec, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (data->x->shape[0], ==, 2);
  g_assert_cmpfloat (data->y->data[1], ==, 4.0f);
  g_clear_pointer (&data, nnb_dataset_free);

  g_unlink (path);
  data = nnb_dataset_new (&spec, NULL, &error);
  g_assert_null (data);
  g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "points.csv"));
  g_clear_error (&error);

  g_clear_pointer (&spec.csv_path, g_free);
  data = nnb_dataset_new (&spec, NULL, &error);
  g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "The data comes from a CSV file, but no file is named.");
  nnb_data_spec_clear (&spec);
  g_rmdir (dir);
}

/* Spreadsheets write a byte-order mark; old Mac files end lines with CR.
 * Both used to end up in the message, invisible or as a raw CR. */
static void
test_csv_bom_and_every_line_end_are_read (void)
{
  static const char *const texts[] = {
    "\xef\xbb\xbf"
    "1,2\n3,4\n",
    "1,2\r3,4\r",
    "1,2\r\n3,4",
    "\xef\xbb\xbf"
    "x,y\r1,2\r\r3,4",
    "1,2\n\r3,4\r\n",
  };
  static const struct
  {
    const char *text;
    const char *message;
  } mistakes[] = {
    { "\xef\xbb\xbf"
      "1,z\n",
      "line 1, column 2: 'z' is not a number." },
    { "1,2\r3,x\r", "line 2, column 2: 'x' is not a number." },
    { "1,2\r\r3,4,5\r", "line 3 has 3 columns, but the lines before it have 2." },
    { "x,y\r\n1,2\r\n3,a\r\n", "line 3, column 2: 'a' is not a number." },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (NnbDataset) data = csv (texts[i], &error);

      g_assert_no_error (error);
      g_assert_cmpint (data->x->shape[0], ==, 2);
      g_assert_cmpfloat (data->x->data[0], ==, 1.0f);
      g_assert_cmpfloat (data->y->data[1], ==, 4.0f);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (mistakes); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (NnbDataset) data = csv (mistakes[i].text, &error);

      g_assert_null (data);
      g_assert_cmpstr (error->message, ==, mistakes[i].message);
    }
}

/* The documented limit, exactly: 10⁷ rows load, one more does not. */
static void
test_csv_row_limit_is_ten_million (void)
{
  const gsize row = 4; /* "0,0\n" */
  const gsize length = (gsize) (NNB_CSV_MAX_ROWS + 1) * row;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("nnb-dataset-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "many.csv", NULL);
  g_autofree char *text = g_malloc (length);
  g_autofree float *values = NULL;
  g_autoptr (NnbDataset) data = NULL;
  int64_t rows = 0, cols = 0;
  NnbDataSpec spec;

  g_assert_cmpint (NNB_CSV_MAX_ROWS, ==, 10000000);
  for (gsize i = 0; i < length; i += row)
    memcpy (text + i, "0,0\n", row);
  g_assert_true (g_file_set_contents (path, text, length, NULL));
  nnb_data_spec_init (&spec, NNB_DATA_CSV);
  spec.csv_path = g_strdup (path);
  data = nnb_dataset_new (&spec, NULL, &error);
  g_assert_null (data);
  g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==,
                   "many.csv: line 10000001: the CSV file has more than 10000000 rows of numbers, the most NN Blocks loads.");
  g_clear_error (&error);

  values = nnb_csv_parse (text, length - row, &rows, &cols, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rows, ==, NNB_CSV_MAX_ROWS);
  g_assert_cmpint (cols, ==, 2);

  nnb_data_spec_clear (&spec);
  g_unlink (path);
  g_rmdir (dir);
}

/* A FIFO named as the data waited forever for a writer; /dev/zero was read
 * until 4 GB. Only a regular file is read, and only up to a size. */
static void
test_csv_path_must_be_a_regular_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("nnb-dataset-XXXXXX", NULL);
  g_autofree char *fifo = g_build_filename (dir, "pipe.csv", NULL);
  g_autofree char *big = g_build_filename (dir, "big.csv", NULL);
  g_autofree char *expected = NULL;
  g_autoptr (NnbDataset) data = NULL;
  NnbDataSpec spec;
  int fd;

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  nnb_data_spec_init (&spec, NNB_DATA_CSV);
  spec.csv_path = g_strdup (fifo);
  data = nnb_dataset_new (&spec, NULL, &error);
  g_assert_null (data);
  g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_IO);
  expected = g_strdup_printf ("“%s” is not a regular file (a pipe), so NN Blocks does not read it.", fifo);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);

  g_free (spec.csv_path);
  spec.csv_path = g_strdup ("/dev/zero");
  data = nnb_dataset_new (&spec, NULL, &error);
  g_assert_null (data);
  g_assert_cmpstr (error->message, ==, "“/dev/zero” is not a regular file (a character device), so NN Blocks does not read it.");
  g_clear_error (&error);

  g_free (spec.csv_path);
  spec.csv_path = g_strdup (dir);
  data = nnb_dataset_new (&spec, NULL, &error);
  g_assert_null (data);
  g_assert_nonnull (strstr (error->message, "is not a regular file (a folder)"));
  g_clear_error (&error);

  /* sparse: over the limit on paper, nothing on the disk */
  fd = g_open (big, O_WRONLY | O_CREAT, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t) (NNB_FILE_READ_MAX_CSV_MB + 1) * 1000 * 1000), ==, 0);
  close (fd);
  g_free (spec.csv_path);
  spec.csv_path = g_strdup (big);
  data = nnb_dataset_new (&spec, NULL, &error);
  g_assert_null (data);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("“%s” is larger than 1024 MB, the most NN Blocks reads from such a file.", big);
  g_assert_cmpstr (error->message, ==, expected);

  nnb_data_spec_clear (&spec);
  g_unlink (fifo);
  g_unlink (big);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dataset/regression-data-is-pytorchs", test_regression_data_is_pytorchs);
  g_test_add_func ("/dataset/sine-data-is-pytorchs", test_sine_data_is_pytorchs);
  g_test_add_func ("/dataset/polynomial-data-is-pytorchs", test_polynomial_data_is_pytorchs);
  g_test_add_func ("/dataset/step-data-is-pytorchs", test_step_data_is_pytorchs);
  g_test_add_func ("/dataset/sine-product-data-is-pytorchs", test_sine_product_data_is_pytorchs);
  g_test_add_func ("/dataset/defaults-are-the-pages", test_defaults_are_the_pages);
  g_test_add_func ("/dataset/kind-names-round-trip", test_kind_names_round_trip);
  g_test_add_func ("/dataset/spec-copy-owns-its-path", test_spec_copy_owns_its_path);
  g_test_add_func ("/dataset/zero-noise-still-draws", test_zero_noise_still_draws);
  g_test_add_func ("/dataset/bad-specs-are-refused", test_bad_specs_are_refused);
  g_test_add_func ("/dataset/csv-last-column-is-the-target", test_csv_last_column_is_the_target);
  g_test_add_func ("/dataset/csv-without-header-crlf-and-blank-lines", test_csv_without_header_crlf_and_blank_lines);
  g_test_add_func ("/dataset/csv-mistakes-name-line-and-column", test_csv_mistakes_name_line_and_column);
  g_test_add_func ("/dataset/csv-binary-is-refused", test_csv_binary_is_refused);
  g_test_add_func ("/dataset/csv-file-through-a-spec", test_csv_file_through_a_spec);
  g_test_add_func ("/dataset/csv-bom-and-every-line-end-are-read", test_csv_bom_and_every_line_end_are_read);
  g_test_add_func ("/dataset/csv-row-limit-is-ten-million", test_csv_row_limit_is_ten_million);
  g_test_add_func ("/dataset/csv-path-must-be-a-regular-file", test_csv_path_must_be_a_regular_file);
  return g_test_run ();
}
