/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-safetensors.c — weights in and out as safetensors, and
 * load_state_dict with PyTorch's strict rules and messages.
 *
 * Damaged files are built byte by byte here, one test per way a file can
 * be wrong; each must be refused with a sentence, never a crash. The
 * PyTorch-written fixtures come from tests/reference/make_safetensors_fixtures.py. */
#include <math.h>
#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "nnb-error.h"
#include "nnb-files-private.h"
#include "nnb-safetensors.h"
#include "nnb-test-util.h"
#include "nnb-tensor-private.h"

/* ---------------------------------------------------------------------- */
/* Models                                                                 */
/* ---------------------------------------------------------------------- */

/* The lesson page's MLP:
 *   h = act(fc1(x)); h = act(fc2(h)) + h; return head(h) */
static NnbModel *
build_mlp (int64_t n_in, int64_t hidden, int64_t n_out)
{
  NnbModel *model = nnb_model_new ("MLP");
  int input, a1, a2, add, head;

  nnb_test_register (model, "fc1", nnb_test_linear (n_in, hidden, TRUE));
  nnb_test_register (model, "fc2", nnb_test_linear (hidden, hidden, TRUE));
  nnb_test_register (model, "head", nnb_test_linear (hidden, n_out, TRUE));
  nnb_test_register (model, "act", nnb_activation_new (NNB_MODULE_RELU));
  input = nnb_model_add_node (model, NNB_NODE_INPUT, "input", NULL, NULL);
  a1 = nnb_test_node (model, NNB_NODE_CALL, "act1", "act", nnb_test_node (model, NNB_NODE_CALL, "fc1", "fc1", input));
  a2 = nnb_test_node (model, NNB_NODE_CALL, "act2", "act", nnb_test_node (model, NNB_NODE_CALL, "fc2", "fc2", a1));
  add = nnb_model_add_node (model, NNB_NODE_ADD, "add", NULL, NULL);
  g_assert_true (nnb_model_connect (model, a2, add, 0, NULL));
  g_assert_true (nnb_model_connect (model, a1, add, 1, NULL));
  head = nnb_test_node (model, NNB_NODE_CALL, "head", "head", add);
  g_assert_true (nnb_model_connect (model, head, nnb_model_add_node (model, NNB_NODE_OUTPUT, "output", NULL, NULL), 0, NULL));
  g_assert_true (nnb_model_validate (model, NULL));
  return model;
}

/* SineNet: self.net = nn.Sequential(Linear(1, 64), Tanh(), Linear(64, 64), Tanh(), Linear(64, 1)) */
static NnbModel *
build_sinenet (void)
{
  NnbModel *model = nnb_model_new ("SineNet");
  NnbModule *net = nnb_sequential_new ();
  int input, call;

  for (int i = 0; i < 5; i++)
    {
      g_autoptr (NnbModule) child = i % 2 ? nnb_activation_new (NNB_MODULE_TANH)
                                          : nnb_test_linear (i == 0 ? 1 : 64, i == 4 ? 1 : 64, TRUE);
      nnb_sequential_append (net, child);
    }
  nnb_test_register (model, "net", net);
  input = nnb_model_add_node (model, NNB_NODE_INPUT, "input", NULL, NULL);
  call = nnb_test_node (model, NNB_NODE_CALL, "net", "net", input);
  g_assert_true (nnb_model_connect (model, call, nnb_model_add_node (model, NNB_NODE_OUTPUT, "output", NULL, NULL), 0, NULL));
  return model;
}

static GHashTable *
parse_ok (GBytes *bytes)
{
  g_autoptr (GError) error = NULL;
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  GHashTable *tensors = nnb_safetensors_parse (data, size, &error);

  g_assert_no_error (error);
  g_assert_nonnull (tensors);
  return tensors;
}

static void
assert_same_parameters (NnbModel *a, NnbModel *b)
{
  GPtrArray *pa = nnb_model_named_parameters (a);
  GPtrArray *pb = nnb_model_named_parameters (b);

  g_assert_cmpuint (pa->len, ==, pb->len);
  for (guint i = 0; i < pa->len; i++)
    {
      NnbTensor *x = ((NnbNamedParameter *) pa->pdata[i])->param->value;
      NnbTensor *y = ((NnbNamedParameter *) pb->pdata[i])->param->value;
      g_assert_true (nnb_tensor_same_shape (x, y));
      g_assert_cmpmem (x->data, x->numel * sizeof (float), y->data, y->numel * sizeof (float));
    }
}

/* ---------------------------------------------------------------------- */
/* Writing and reading back                                               */
/* ---------------------------------------------------------------------- */

static void
test_round_trip_keeps_every_weight (void)
{
  g_autoptr (NnbModel) saved = build_mlp (3, 16, 1);
  g_autoptr (NnbModel) loaded = build_mlp (3, 16, 1);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GHashTable) tensors = NULL;
  g_autoptr (GError) error = NULL;

  nnb_test_fill_parameters (saved, 0.1);
  nnb_test_fill_parameters (loaded, 2.0);
  bytes = nnb_safetensors_serialize_model (saved, &error);
  g_assert_no_error (error);
  tensors = parse_ok (bytes);
  g_assert_cmpuint (g_hash_table_size (tensors), ==, 6);
  g_assert_true (nnb_model_load_state_dict (loaded, tensors, &error));
  g_assert_no_error (error);
  assert_same_parameters (saved, loaded);
}

static void
test_saved_file_has_pytorch_layout (void)
{
  g_autoptr (NnbModel) model = build_mlp (3, 16, 1);
  g_autoptr (GBytes) bytes = nnb_safetensors_serialize_model (model, NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  static const char *const names[] = { "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "head.weight", "head.bias" };
  static const gint64 sizes[] = { 16 * 3, 16, 16 * 16, 16, 16, 1 };
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  guint64 header_len;
  JsonObject *header;
  gint64 offset = 0;

  memcpy (&header_len, data, 8);
  header_len = GUINT64_FROM_LE (header_len);
  /* the data starts 8-byte aligned */
  g_assert_cmpuint ((8 + header_len) % 8, ==, 0);
  g_assert_cmpuint (size, ==, 8 + header_len + 353 * 4);
  g_assert_true (json_parser_load_from_data (parser, (const char *) data + 8, header_len, NULL));
  header = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (header, "__metadata__"), "format"), ==, "pt");
  /* state_dict order, one tensor after the other */
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      JsonObject *entry = json_object_get_object_member (header, names[i]);
      JsonArray *offsets = json_object_get_array_member (entry, "data_offsets");
      g_assert_cmpstr (json_object_get_string_member (entry, "dtype"), ==, "F32");
      g_assert_cmpint (json_array_get_int_element (offsets, 0), ==, offset);
      g_assert_cmpint (json_array_get_int_element (offsets, 1), ==, offset + sizes[i] * 4);
      offset += sizes[i] * 4;
    }
}

static void
test_save_and_load_file (void)
{
  g_autoptr (NnbModel) saved = build_sinenet ();
  g_autoptr (NnbModel) loaded = build_sinenet ();
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("nnb-safetensors-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "sine.safetensors", NULL);
  g_autoptr (GHashTable) tensors = NULL;
  g_autoptr (GDir) listing = NULL;

  g_assert_no_error (error);
  nnb_test_fill_parameters (saved, 0.5);
  g_assert_true (nnb_safetensors_save_model (saved, path, &error));
  g_assert_no_error (error);
  /* an atomic write leaves only the file itself */
  listing = g_dir_open (dir, 0, NULL);
  g_assert_cmpstr (g_dir_read_name (listing), ==, "sine.safetensors");
  g_assert_null (g_dir_read_name (listing));

  tensors = nnb_safetensors_load (path, &error);
  g_assert_no_error (error);
  g_assert_true (g_hash_table_contains (tensors, "net.2.weight"));
  g_assert_true (nnb_model_load_state_dict (loaded, tensors, &error));
  g_assert_no_error (error);
  assert_same_parameters (saved, loaded);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_missing_file_is_an_io_error (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) tensors = nnb_safetensors_load ("/nonexistent/w.safetensors", &error);

  g_assert_null (tensors);
  g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "Cannot read the weights"));
}

/* ---------------------------------------------------------------------- */
/* Damaged files                                                          */
/* ---------------------------------------------------------------------- */

/* 8-byte length, the header as given, then `data_len` bytes of data */
static GBytes *
make_file (const char *header, gsize data_len)
{
  GByteArray *file = g_byte_array_new ();
  guint64 len = GUINT64_TO_LE ((guint64) strlen (header));
  g_autofree guint8 *data = g_malloc0 (data_len + 1);

  g_byte_array_append (file, (const guint8 *) &len, 8);
  g_byte_array_append (file, (const guint8 *) header, strlen (header));
  g_byte_array_append (file, data, data_len);
  return g_byte_array_free_to_bytes (file);
}

/* Parses `bytes`, expecting a refusal with `code` whose message holds
 * every NULL-terminated fragment. */
static void
assert_refused (GBytes *bytes, int code, ...)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) tensors = NULL;
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  va_list args;

  tensors = nnb_safetensors_parse (data, size, &error);
  g_assert_null (tensors);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_error (error, NNB_FILE_ERROR, code);
  va_start (args, code);
  for (const char *fragment = va_arg (args, const char *); fragment; fragment = va_arg (args, const char *))
    if (strstr (error->message, fragment) == NULL)
      g_error ("message \"%s\" lacks \"%s\"", error->message, fragment);
  va_end (args);
}

static void
assert_header_refused (const char *header, gsize data_len, int code, const char *fragment)
{
  g_autoptr (GBytes) bytes = make_file (header, data_len);
  assert_refused (bytes, code, fragment, NULL);
}

static void
test_file_shorter_than_length_is_truncated (void)
{
  static const guint8 short_file[] = { 0x10, 0x00, 0x00 };
  g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr (GBytes) three = g_bytes_new_static (short_file, sizeof short_file);

  assert_refused (empty, NNB_FILE_ERROR_PARSE, "truncated", "8-byte header length", NULL);
  assert_refused (three, NNB_FILE_ERROR_PARSE, "truncated", "3 bytes", NULL);
}

static void
test_header_length_larger_than_file (void)
{
  GByteArray *file = g_byte_array_new ();
  guint64 len = GUINT64_TO_LE (1000);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GBytes) huge = NULL;
  guint8 all_ones[12];

  g_byte_array_append (file, (const guint8 *) &len, 8);
  g_byte_array_append (file, (const guint8 *) "{}", 2);
  bytes = g_byte_array_free_to_bytes (file);
  assert_refused (bytes, NNB_FILE_ERROR_PARSE, "header length says 1000 bytes", "only 2 bytes follow", NULL);

  /* 2^64 − 1: must not wrap around when added to the 8 bytes before it */
  memset (all_ones, 0xff, sizeof all_ones);
  huge = g_bytes_new (all_ones, sizeof all_ones);
  assert_refused (huge, NNB_FILE_ERROR_PARSE, "18446744073709551615", NULL);
}

static void
test_truncated_data_is_refused (void)
{
  g_autoptr (NnbModel) model = build_mlp (3, 16, 1);
  g_autoptr (GBytes) whole = nnb_safetensors_serialize_model (model, NULL);
  g_autoptr (GBytes) cut = g_bytes_new_from_bytes (whole, 0, g_bytes_get_size (whole) - 4);

  /* the last tensor, head.bias, lost its 4 bytes */
  assert_refused (cut, NNB_FILE_ERROR_PARSE, "\"head.bias\"", "truncated", NULL);
}

static void
test_offsets_past_the_end (void)
{
  assert_header_refused ("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 8,
                         NNB_FILE_ERROR_PARSE, "needs bytes 8 to 16 of the data, but the file holds only 8 bytes");
}

static void
test_offsets_inconsistent_with_shape (void)
{
  assert_header_refused ("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", 20,
                         NNB_FILE_ERROR_INVALID, "shape [2, 3], which is 24 bytes of float32, but its data_offsets [0, 20] hold 20 bytes");
  assert_header_refused ("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", 4,
                         NNB_FILE_ERROR_INVALID, "end (0) before they begin (4)");
}

static void
test_wrong_dtype_says_only_float32 (void)
{
  assert_header_refused ("{\"w\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4,
                         NNB_FILE_ERROR_INVALID, "has dtype F16, but NN Blocks supports only float32 (F32)");
  assert_header_refused ("{\"w\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8,
                         NNB_FILE_ERROR_INVALID, "dtype I64");
}

static void
test_negative_sizes_are_refused (void)
{
  assert_header_refused ("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1,4],\"data_offsets\":[0,16]}}", 16,
                         NNB_FILE_ERROR_INVALID, "a size in the shape of \"w\" is negative (-1)");
  assert_header_refused ("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", 4,
                         NNB_FILE_ERROR_INVALID, "an offset of \"w\" is negative");
  assert_header_refused ("{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4,
                         NNB_FILE_ERROR_INVALID, "must be a whole number");
}

static void
test_overflowing_sizes_are_refused (void)
{
  /* 2^62 · 2^62 · 4 bytes wraps around 64 bits */
  assert_header_refused ("{\"w\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4611686018427387904],\"data_offsets\":[0,0]}}", 0,
                         NNB_FILE_ERROR_INVALID, "overflows 64 bits");
  /* 2^62 elements · 4 bytes = 2^64: wraps to 0, which would match [0, 0] */
  assert_header_refused ("{\"w\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904],\"data_offsets\":[0,0]}}", 0,
                         NNB_FILE_ERROR_INVALID, "overflows 64 bits");
  /* 2^64 + 4 would read as 4 if the reader wrapped */
  assert_header_refused ("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,18446744073709551620]}}", 4,
                         NNB_FILE_ERROR_INVALID, "too large for a 64-bit number");
  /* a shape that fits 64 bits but not memory: checked against the file first */
  assert_header_refused ("{\"w\":{\"dtype\":\"F32\",\"shape\":[1000000,1000000],\"data_offsets\":[0,4000000000000]}}", 4,
                         NNB_FILE_ERROR_PARSE, "truncated");
}

static void
test_invalid_json_is_refused (void)
{
  static const char *const headers[] = {
    "not json at all",
    "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},}", /* trailing comma */
    "{'w':{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",    /* single quotes */
    "{/* c */\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
    "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}", /* unclosed */
    "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,0x4]}}",
    "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,04]}}",
    "{\"w\" {\"dtype\":\"F32\"}}",
    "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}} x",
    "{\"w\\q\":{}}",
    "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":tru}}",
    "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":\"\\ud800\"}}",
    "{\"w\xff\":{}}",
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (headers); i++)
    {
      g_autoptr (GBytes) bytes = make_file (headers[i], 4);
      assert_refused (bytes, NNB_FILE_ERROR_PARSE, "safetensors header", NULL);
    }
}

static void
test_nesting_too_deep_is_refused (void)
{
  g_autoptr (GString) header = g_string_new ("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":");

  for (int i = 0; i < 100000; i++)
    g_string_append_c (header, '[');
  assert_header_refused (header->str, 4, NNB_FILE_ERROR_PARSE, "nested too deeply");
}

static void
test_overlapping_tensors_are_refused (void)
{
  assert_header_refused ("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                         "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
                         12,
                         NNB_FILE_ERROR_INVALID, "\"a\" and \"b\" overlap");
}

static void
test_gaps_and_extra_bytes_are_refused (void)
{
  assert_header_refused ("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8,
                         NNB_FILE_ERROR_INVALID, "bytes 0 to 4 of the data belong to no tensor");
  assert_header_refused ("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 12,
                         NNB_FILE_ERROR_INVALID, "8 bytes of data after the last tensor");
}

static void
test_duplicate_names_are_refused (void)
{
  assert_header_refused ("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                         "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
                         8,
                         NNB_FILE_ERROR_PARSE, "\"a\" appears twice");
  assert_header_refused ("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4,
                         NNB_FILE_ERROR_PARSE, "names \"dtype\" twice in the entry of \"a\"");
}

static void
test_incomplete_entries_are_refused (void)
{
  assert_header_refused ("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4,
                         NNB_FILE_ERROR_PARSE, "\"a\" has no shape");
  assert_header_refused ("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4,
                         NNB_FILE_ERROR_PARSE, "two numbers [begin, end], not 1");
  assert_header_refused ("{\"a\":[1,2]}", 0, NNB_FILE_ERROR_PARSE, "\"a\" must be an object");
  assert_header_refused ("{\"__metadata__\":{\"format\":1}}", 0, NNB_FILE_ERROR_PARSE, "__metadata__ must map names to strings");
  assert_header_refused ("[]", 0, NNB_FILE_ERROR_PARSE, "must be a JSON object");
}

static void
test_tensors_nn_blocks_cannot_hold (void)
{
  /* valid safetensors, but NN Blocks tensors have 1 to 4 non-empty dimensions */
  assert_header_refused ("{\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}", 4,
                         NNB_FILE_ERROR_INVALID, "has 0 dimensions");
  assert_header_refused ("{\"s\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1],\"data_offsets\":[0,4]}}", 4,
                         NNB_FILE_ERROR_INVALID, "has 5 dimensions");
  assert_header_refused ("{\"s\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[0,0]}}", 0,
                         NNB_FILE_ERROR_INVALID, "\"s\" is empty (shape [0, 3])");
}

static void
test_valid_extras_are_accepted (void)
{
  /* unknown members, escapes, metadata, padding and an empty file are fine */
  g_autoptr (GBytes) bytes = make_file ("{ \"__metadata__\" : {\"k\":\"v\\u00e9\"},\n"
                                        "  \"caf\\u00e9.w\\ud83d\\ude00\" : {\"shape\":[1,1],\"extra\":[{\"x\":null},true,-1.5e3],"
                                        "\"data_offsets\":[0,4],\"dtype\":\"F32\"} }      ",
                                        4);
  g_autoptr (GBytes) empty = make_file ("{}", 0);
  g_autoptr (GHashTable) tensors = parse_ok (bytes);
  g_autoptr (GHashTable) none = parse_ok (empty);

  g_assert_true (g_hash_table_contains (tensors, "caf\xc3\xa9.w\xf0\x9f\x98\x80"));
  g_assert_cmpuint (g_hash_table_size (none), ==, 0);
}

/* Every prefix of a good file, and the good file with any one byte
 * changed: refused or read, never a crash (run under valgrind/ASan to
 * see the reads stay inside the buffer). */
static void
test_damaged_bytes_never_crash (void)
{
  g_autoptr (NnbModel) model = build_mlp (3, 4, 1);
  g_autoptr (GBytes) whole = nnb_safetensors_serialize_model (model, NULL);
  gsize size;
  const guint8 *data = g_bytes_get_data (whole, &size);
  g_autofree guint8 *copy = g_memdup2 (data, size);
  guint64 header_len;

  memcpy (&header_len, data, 8);
  for (gsize cut = 0; cut < size; cut++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree guint8 *prefix = g_memdup2 (data, cut);
      GHashTable *tensors = nnb_safetensors_parse (prefix, cut, &error);
      g_assert_null (tensors);
      g_assert_nonnull (error);
    }
  for (gsize pos = 0; pos < 8 + header_len; pos++)
    for (int value = 0; value < 256; value += 17)
      {
        g_autoptr (GError) error = NULL;
        GHashTable *tensors;
        copy[pos] = (guint8) value;
        tensors = nnb_safetensors_parse (copy, size, &error);
        g_assert_true ((tensors == NULL) != (error == NULL));
        g_clear_pointer (&tensors, g_hash_table_unref);
        copy[pos] = data[pos];
      }
}

/* ---------------------------------------------------------------------- */
/* load_state_dict                                                        */
/* ---------------------------------------------------------------------- */

static GHashTable *
state_dict_of (NnbModel *model)
{
  g_autoptr (GBytes) bytes = nnb_safetensors_serialize_model (model, NULL);
  return parse_ok (bytes);
}

static void
test_wrong_keys_give_pytorch_message (void)
{
  g_autoptr (NnbModel) model = build_mlp (3, 16, 1);
  g_autoptr (NnbModel) other = build_mlp (3, 16, 2);
  g_autoptr (NnbModel) before = build_mlp (3, 16, 1);
  g_autoptr (GHashTable) tensors = state_dict_of (other);
  g_autoptr (GError) error = NULL;

  nnb_test_fill_parameters (model, 0.3);
  nnb_test_fill_parameters (before, 0.3);
  g_hash_table_remove (tensors, "fc1.weight");
  g_hash_table_remove (tensors, "fc1.bias");
  g_hash_table_insert (tensors, g_strdup ("foo"), nnb_tensor_new_1d (1));
  g_hash_table_insert (tensors, g_strdup ("fc2.weight"), nnb_tensor_new_2d (16, 3));

  g_assert_false (nnb_model_load_state_dict (model, tensors, &error));
  g_assert_error (error, NNB_FILE_ERROR, NNB_FILE_ERROR_MISMATCH);
  /* torch 1.13's RuntimeError for the same state_dict, word for word */
  g_assert_cmpstr (error->message, ==,
                   "Error(s) in loading state_dict for MLP:\n"
                   "\tMissing key(s) in state_dict: \"fc1.weight\", \"fc1.bias\". \n"
                   "\tUnexpected key(s) in state_dict: \"foo\". \n"
                   "\tsize mismatch for fc2.weight: copying a param with shape torch.Size([16, 3]) from checkpoint, "
                   "the shape in current model is torch.Size([16, 16]).\n"
                   "\tsize mismatch for head.weight: copying a param with shape torch.Size([2, 16]) from checkpoint, "
                   "the shape in current model is torch.Size([1, 16]).\n"
                   "\tsize mismatch for head.bias: copying a param with shape torch.Size([2]) from checkpoint, "
                   "the shape in current model is torch.Size([1]).");
  /* nothing was loaded, not even the keys that fit */
  assert_same_parameters (model, before);
}

static void
test_unexpected_keys_in_pytorch_order (void)
{
  g_autoptr (NnbModel) model = build_sinenet ();
  g_autoptr (GHashTable) tensors = state_dict_of (model);
  g_autoptr (GError) error = NULL;

  g_hash_table_insert (tensors, g_strdup ("net.0.foo"), nnb_tensor_new_1d (1));
  g_hash_table_insert (tensors, g_strdup ("zzz"), nnb_tensor_new_1d (1));
  g_hash_table_insert (tensors, g_strdup ("net.9.weight"), nnb_tensor_new_1d (1));
  g_hash_table_insert (tensors, g_strdup ("aaa"), nnb_tensor_new_1d (1));
  g_assert_false (nnb_model_load_state_dict (model, tensors, &error));
  /* PyTorch reports a key from the module whose load() meets it: the
   * model's own first, then net's, then net.0's */
  g_assert_cmpstr (error->message, ==,
                   "Error(s) in loading state_dict for SineNet:\n"
                   "\tUnexpected key(s) in state_dict: \"aaa\", \"zzz\", \"net.9.weight\", \"net.0.foo\". ");
}

static void
test_missing_keys_only (void)
{
  NnbModule *modules[] = { nnb_test_linear (1, 2, TRUE) };
  g_autoptr (NnbModel) model = nnb_model_new_sequential (modules, 1);
  g_autoptr (GHashTable) empty = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GError) error = NULL;

  nnb_module_unref (modules[0]);
  g_assert_false (nnb_model_load_state_dict (model, empty, &error));
  g_assert_cmpstr (error->message, ==,
                   "Error(s) in loading state_dict for Sequential:\n"
                   "\tMissing key(s) in state_dict: \"0.weight\", \"0.bias\". ");
}

/* Loads DIR/NAME.safetensors (written by PyTorch) into `model` and
 * checks that forward gives PyTorch's output for the recorded input. */
static void
assert_gives_pytorch_output (NnbModel *model, const char *dir, const char *name)
{
  g_autofree char *weights_file = g_strconcat (name, ".safetensors", NULL);
  g_autofree char *spec_file = g_strconcat (name, ".json", NULL);
  g_autofree char *weights_path = g_build_filename (dir, weights_file, NULL);
  g_autofree char *spec_path = g_build_filename (dir, spec_file, NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GHashTable) tensors = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbTensor) input = NULL;
  JsonObject *spec, *in, *out;
  JsonArray *in_data, *out_data, *keys;
  int64_t shape[2];
  NnbTensor *output;

  g_assert_true (json_parser_load_from_file (parser, spec_path, &error));
  spec = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (spec, "class"), ==, model->class_name);

  /* PyTorch's state_dict order is NN Blocks' named_parameters order */
  keys = json_object_get_array_member (spec, "keys");
  g_assert_cmpuint (json_array_get_length (keys), ==, nnb_model_named_parameters (model)->len);
  for (guint i = 0; i < json_array_get_length (keys); i++)
    g_assert_cmpstr (json_array_get_string_element (keys, i), ==,
                     ((NnbNamedParameter *) nnb_model_named_parameters (model)->pdata[i])->name);

  tensors = nnb_safetensors_load (weights_path, &error);
  g_assert_no_error (error);
  g_assert_true (nnb_model_load_state_dict (model, tensors, &error));
  g_assert_no_error (error);

  in = json_object_get_object_member (spec, "input");
  in_data = json_object_get_array_member (in, "data");
  shape[0] = json_array_get_int_element (json_object_get_array_member (in, "shape"), 0);
  shape[1] = json_array_get_int_element (json_object_get_array_member (in, "shape"), 1);
  input = nnb_tensor_new_cpu (2, shape);
  for (guint i = 0; i < json_array_get_length (in_data); i++)
    input->data[i] = (float) json_array_get_double_element (in_data, i);

  output = nnb_model_forward (model, input, &error);
  g_assert_no_error (error);
  out = json_object_get_object_member (spec, "output");
  out_data = json_object_get_array_member (out, "data");
  g_assert_cmpint (output->numel, ==, json_array_get_length (out_data));
  for (guint i = 0; i < json_array_get_length (out_data); i++)
    {
      double expected = json_array_get_double_element (out_data, i);
      g_assert_cmpfloat_with_epsilon (output->data[i], expected, 1e-6 * MAX (fabs (expected), 1e-2));
    }
}

static void
test_pytorch_state_dict_gives_pytorch_outputs (void)
{
  g_autoptr (NnbModel) mlp = build_mlp (3, 16, 1);
  g_autoptr (NnbModel) sine = build_sinenet ();
  g_autofree char *data = nnb_test_path ("data");

  assert_gives_pytorch_output (mlp, data, "mlp-skip-torch");
  assert_gives_pytorch_output (sine, data, "sinenet-torch");
}

/* The same with files PyTorch writes now, when it is installed: the
 * fixtures' script still runs and its files still import. */
static void
test_live_pytorch_state_dict (void)
{
  g_autoptr (NnbModel) mlp = build_mlp (3, 16, 1);
  g_autoptr (NnbModel) sine = build_sinenet ();
  g_autoptr (GError) error = NULL;
  g_autofree char *script = nnb_test_path ("reference/make_safetensors_fixtures.py");
  g_autofree char *dir = NULL, *err = NULL;
  static const char *const files[] = {
    "mlp-skip-torch.safetensors",
    "mlp-skip-torch.json",
    "sinenet-torch.safetensors",
    "sinenet-torch.json",
  };

  if (!nnb_test_python_has ("torch", NULL))
    {
      g_test_skip ("/usr/bin/python3 cannot import torch");
      return;
    }
  dir = g_dir_make_tmp ("nnb-torch-XXXXXX", &error);
  g_assert_no_error (error);
  {
    const char *argv[] = { "/usr/bin/python3", script, dir, NULL };
    if (nnb_test_run (argv, NULL, &err) != 0)
      g_error ("%s failed:\n%s", script, err);
  }
  assert_gives_pytorch_output (mlp, dir, "mlp-skip-torch");
  assert_gives_pytorch_output (sine, dir, "sinenet-torch");
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (dir, files[i], NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/safetensors/round-trip-keeps-every-weight", test_round_trip_keeps_every_weight);
  g_test_add_func ("/safetensors/saved-file-has-pytorch-layout", test_saved_file_has_pytorch_layout);
  g_test_add_func ("/safetensors/save-and-load-file", test_save_and_load_file);
  g_test_add_func ("/safetensors/missing-file-is-an-io-error", test_missing_file_is_an_io_error);
  g_test_add_func ("/safetensors/damaged/shorter-than-length-is-truncated", test_file_shorter_than_length_is_truncated);
  g_test_add_func ("/safetensors/damaged/header-length-larger-than-file", test_header_length_larger_than_file);
  g_test_add_func ("/safetensors/damaged/truncated-data", test_truncated_data_is_refused);
  g_test_add_func ("/safetensors/damaged/offsets-past-the-end", test_offsets_past_the_end);
  g_test_add_func ("/safetensors/damaged/offsets-inconsistent-with-shape", test_offsets_inconsistent_with_shape);
  g_test_add_func ("/safetensors/damaged/wrong-dtype-says-only-float32", test_wrong_dtype_says_only_float32);
  g_test_add_func ("/safetensors/damaged/negative-sizes", test_negative_sizes_are_refused);
  g_test_add_func ("/safetensors/damaged/overflowing-sizes", test_overflowing_sizes_are_refused);
  g_test_add_func ("/safetensors/damaged/invalid-json", test_invalid_json_is_refused);
  g_test_add_func ("/safetensors/damaged/nesting-too-deep", test_nesting_too_deep_is_refused);
  g_test_add_func ("/safetensors/damaged/overlapping-tensors", test_overlapping_tensors_are_refused);
  g_test_add_func ("/safetensors/damaged/gaps-and-extra-bytes", test_gaps_and_extra_bytes_are_refused);
  g_test_add_func ("/safetensors/damaged/duplicate-names", test_duplicate_names_are_refused);
  g_test_add_func ("/safetensors/damaged/incomplete-entries", test_incomplete_entries_are_refused);
  g_test_add_func ("/safetensors/damaged/tensors-nn-blocks-cannot-hold", test_tensors_nn_blocks_cannot_hold);
  g_test_add_func ("/safetensors/damaged/bytes-never-crash", test_damaged_bytes_never_crash);
  g_test_add_func ("/safetensors/valid-extras-are-accepted", test_valid_extras_are_accepted);
  g_test_add_func ("/safetensors/state-dict/wrong-keys-give-pytorch-message", test_wrong_keys_give_pytorch_message);
  g_test_add_func ("/safetensors/state-dict/unexpected-keys-in-pytorch-order", test_unexpected_keys_in_pytorch_order);
  g_test_add_func ("/safetensors/state-dict/missing-keys-only", test_missing_keys_only);
  g_test_add_func ("/safetensors/state-dict/pytorch-state-dict-gives-pytorch-outputs",
                   test_pytorch_state_dict_gives_pytorch_outputs);
  g_test_add_func ("/safetensors/state-dict/live-pytorch-state-dict", test_live_pytorch_state_dict);
  return g_test_run ();
}
