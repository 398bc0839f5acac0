/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-test-util.h — helpers shared by the test programs. */
#pragma once

#include <glib.h>

#include "nnb-project.h"

/* Path of a file under tests/ in the source tree ("data/rng-golden.json"). */
char *nnb_test_path (const char *relative);
/* Path of a file under the project's source root ("data/examples/regression.nnb"). */
char *nnb_test_source_path (const char *relative);
/* data/examples/NAME of the source tree, loaded (asserts that it loads). */
NnbProject *nnb_test_load_example (const char *name);
/* TRUE when /usr/bin/python3 can import every module in the NULL-terminated list. */
gboolean nnb_test_python_has (const char *module, ...) G_GNUC_NULL_TERMINATED;
/* A test whose prerequisite (PyTorch, a locale, a tool) is missing: skips
 * it, or fails it where the set-up should have provided it (./test.sh and
 * CI set NNB_TEST_STRICT=1), so a skip cannot hide a comparison that did
 * not run. */
void nnb_test_missing (const char *what);
/* Runs argv; returns exit status and captures stdout/stderr (may be NULL). */
int nnb_test_run (const char *const *argv, char **out, char **err);
/* The same in the environment envp (NULL: this process's). */
int nnb_test_run_env (const char *const *argv, const char *const *envp, char **out, char **err);
/* Relative difference |a − b| / max(|b|, tiny). */
double nnb_test_rel_diff (double a, double b);

/* Building models in tests; each asserts that the engine accepted the step. */
#include "nnb-model.h"

/* nn.Linear(in, out, bias) with zero weights (no generator) */
NnbModule *nnb_test_linear (int64_t in, int64_t out, gboolean bias);
/* self.<name> = module; takes the caller's reference to module */
void nnb_test_register (NnbModel *model, const char *name, NnbModule *module);
/* a block of `kind` named `block` (calling `module` for CALL), its first
 * input wired from node `from` unless from is -1; returns its index */
int nnb_test_node (NnbModel *model, NnbNodeKind kind, const char *block, const char *module, int from);
/* a + block fed by nodes a and b */
int nnb_test_sum (NnbModel *model, const char *block, int a, int b);
/* Fixed, varied weights that do not depend on the random generator. */
void nnb_test_fill_parameters (NnbModel *model, double phase);
/* wires node `from` into slot `slot` of node `to` */
void nnb_test_connect (NnbModel *model, int from, int to, int slot);
/* A node of kind (cat, mul, …) with a and b wired to its inputs 0 and 1 */
int nnb_test_two_input_node (NnbModel *model, NnbNodeKind kind, const char *name, int a, int b);
/* The page's MLP(3, 16, 1) with zero weights: fc1, fc2, head, act;
 * h = act(fc1(x)); h = act(fc2(h)) + h; return head(h). Validated. */
NnbModel *nnb_test_page_mlp (void);

#include <json-glib/json-glib.h>
/* The golden file's root object (tests/<relative>), parsed once per run. */
JsonObject *nnb_test_golden (const char *relative);
/* Every value's float32 bits equal the hex strings of expected; names the
 * first that differs, with both values. */
void nnb_test_assert_float_bits (const char *what, const float *values, gsize n, JsonArray *expected);
/* Case c's member (a list of hex bits, or null for "none") against values
 * (NULL for none), named "case: member" when a value differs. */
void nnb_test_assert_case_bits (JsonObject *c, const char *member, const float *values, gsize n);
/* The float32 whose bits a golden file's hex string spells ("3e3237fc"). */
float nnb_test_float_of_hex (const char *hex);
/* Every named parameter's .grad (params: nnb_model_named_parameters)
 * against grads, the golden file's object of name → hex bit patterns */
void nnb_test_assert_grad_bits (GPtrArray *params, JsonObject *grads);
/* Every named parameter's value against by_name (name → hex bit
 * patterns, exactly the model's parameters), labelled "what: name" */
void nnb_test_assert_parameter_bits (NnbModel *model, JsonObject *by_name, const char *what);
/* Writes by_name's hex bit patterns into the model's parameters (every
 * one of them, and nothing else) */
void nnb_test_load_parameter_bits (NnbModel *model, JsonObject *by_name);
/* got[e] == expected[e] exactly for each of the n epochs, else the test
 * fails (and goes on) naming what, the first epoch and both numbers */
void nnb_test_assert_epoch_doubles (const char *what, JsonArray *expected, const double *got, guint n);
/* The n floats of o's member name, hex bit patterns in a golden file; g_free it */
float *nnb_test_floats_of_hex (JsonObject *o, const char *name, gsize n);
/* A golden SGD run, bit for bit: from golden's "initial" parameters, one
 * full-batch MSELoss step at lr per entry of "losses" on "x" and "target"
 * (rows of them), each loss as PyTorch's, then every parameter as
 * golden's "final". */
void nnb_test_assert_sgd_steps (NnbModel *model, JsonObject *golden, gsize rows, double lr);

/* `nnblocks-cli export PATH --format pytorch`, then the exported code's
 * `--train` in real PyTorch (the engine's environment: one thread, AVX2):
 * asserts that it prints exactly what `nnblocks-cli train PATH` prints and
 * returns that printout; the exported code's text in *code when asked. */
char *nnb_test_export_trains_alike (const char *path, char **code);

#include "nnb-trainer.h"
/* Starts trainer and waits, as the window's frame clock does, for the
 * snapshot that says the run ended (any state but idle and running);
 * g_error after wait_us. Free the snapshot. */
NnbSnapshot *nnb_test_trainer_run_to_end (NnbTrainer *trainer, gint64 wait_us);
typedef gboolean (*NnbTestSnapshotCheck) (const NnbSnapshot *snapshot, gconstpointer data);
/* Polls snapshots as the UI's frame clock would, until check holds, and
 * returns the snapshot that passed (the time it took in *waited_us, may be
 * NULL); fails the test after wait_us. */
NnbSnapshot *nnb_test_wait_for_snapshot (NnbTrainer *trainer, NnbTestSnapshotCheck check, gconstpointer data,
                                         gint64 wait_us, gint64 *waited_us);

/* ONNX files in a real runtime: onnxruntime-web's wasm backend under node
 * (tests/onnxruntime/run.mjs; scripts/setup.sh --tests installs it). */
/* TRUE when node is on PATH and tests/onnxruntime/node_modules holds
 * onnxruntime-web; otherwise call nnb_test_missing. */
gboolean nnb_test_have_onnxruntime (void);
/* The ONNX file at model_path (one input, one float output) run on x;
 * a new CPU tensor. g_error when the runtime refuses the file. */
NnbTensor *nnb_test_onnxruntime_run (const char *model_path, const NnbTensor *x);
/* Runs model_path on x in onnxruntime-web and asserts that its output has
 * expected's shape and values (the engine's forward in eval mode) within
 * the tolerance documented in nnb-test-util.c; `what` names the case. */
void nnb_test_assert_onnxruntime_matches (const char *what, const char *model_path, const NnbTensor *x,
                                          const NnbTensor *expected);
