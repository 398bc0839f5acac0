/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-step-explain.c — one training step, stage by stage, against real
 * PyTorch: for the page's MLP with its skip connection, the regression and
 * SineNet (and SGD with momentum, Adam), every wire's value and gradient
 * (tensor hooks in the reference), every parameter's .grad, its value
 * before and after step() and the optimizer's state, bit for bit, as the
 * training runs they come from are; for a Linear called twice, each
 * call's part of its .grad (a copy of the module per call in the
 * reference); and the page's accumulation without zero_grad, for a Linear
 * called three times too (the parts summed first, as autograd does).
 *
 * Golden: tests/reference/make_step_explain_golden.py →
 * tests/data/step-explain-golden.json. */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "nnb-project.h"
#include "nnb-step-explain.h"
#include "nnb-trainer.h"
#include "nnb-test-util.h"

/* The golden file keeps the first 512 elements' bits and, over all, the
 * float64 sum and sum of magnitudes (make_step_explain_golden.py) */
static void
assert_tensor (const char *what, const NnbTensor *t, JsonObject *want)
{
  JsonArray *shape = json_object_get_array_member (want, "shape");
  JsonArray *bits = json_object_get_array_member (want, "bits");
  double sum = 0, abs_sum = 0;

  g_assert_nonnull (t);
  g_assert_cmpint (t->ndim, ==, (int) json_array_get_length (shape));
  for (int d = 0; d < t->ndim; d++)
    g_assert_cmpint (t->shape[d], ==, json_array_get_int_element (shape, d));
  nnb_test_assert_float_bits (what, t->data, MIN ((gsize) t->numel, json_array_get_length (bits)), bits);
  for (int64_t i = 0; i < t->numel; i++)
    {
      sum += t->data[i];
      abs_sum += fabs (t->data[i]);
    }
  /* the same bits summed in the same order give the same double: any
   * element past the first 512 that differs shows here */
  if (sum != json_object_get_double_member (want, "sum") || abs_sum != json_object_get_double_member (want, "abs_sum"))
    g_error ("%s: sum %.17g and sum of |x| %.17g, PyTorch's %.17g and %.17g", what, sum, abs_sum,
             json_object_get_double_member (want, "sum"), json_object_get_double_member (want, "abs_sum"));
}

/* A module called more than once: each call's part of .grad, in the
 * forward's order, and that they add up to .grad (zero_grad ran: .grad
 * is 0 plus each part) */
static void
assert_calls (NnbModel *model, const NnbStepParameter *p, JsonObject *want)
{
  JsonArray *calls = json_object_has_member (want, "calls") ? json_object_get_array_member (want, "calls") : NULL;
  g_autofree float *sum = NULL;

  if (calls == NULL)
    {
      g_assert_null (p->calls);
      return;
    }
  g_assert_nonnull (p->calls);
  g_assert_cmpuint (p->calls->len, ==, json_array_get_length (calls));
  sum = g_new0 (float, p->grad->numel);
  for (guint k = 0; k < p->calls->len; k++)
    {
      const NnbStepCall *call = p->calls->pdata[k];
      JsonObject *w = json_array_get_object_element (calls, k);
      g_autofree char *what = g_strdup_printf ("%s: call %u", p->name, k + 1);

      g_assert_cmpstr (nnb_model_get_node (model, call->node)->name, ==, json_object_get_string_member (w, "node"));
      g_assert_cmpint (call->layer, ==, json_object_get_int_member (w, "layer"));
      assert_tensor (what, call->grad, json_object_get_object_member (w, "grad"));
      for (int64_t i = 0; i < p->grad->numel; i++)
        sum[i] += call->grad->data[i];
    }
  g_assert_cmpmem (sum, p->grad->numel * sizeof (float), p->grad->data, p->grad->numel * sizeof (float));
}

static void
apply_overrides (NnbTrainingOptions *t, JsonObject *overrides)
{
  NnbOptimizerOptions *o = &t->optimizer;

  if (json_object_has_member (overrides, "optimizer"))
    {
      double lr = o->lr;

      g_assert_true (nnb_optimizer_kind_from_string (json_object_get_string_member (overrides, "optimizer"), &o->kind));
      nnb_optimizer_options_init (o, o->kind);
      o->lr = lr;
    }
  if (json_object_has_member (overrides, "lr"))
    o->lr = json_object_get_double_member (overrides, "lr");
  if (json_object_has_member (overrides, "momentum"))
    o->momentum = json_object_get_double_member (overrides, "momentum");
  if (json_object_has_member (overrides, "weight_decay"))
    o->weight_decay = json_object_get_double_member (overrides, "weight_decay");
  if (json_object_has_member (overrides, "nesterov"))
    o->nesterov = json_object_get_boolean_member (overrides, "nesterov");
}

/* The step after `epoch` epochs of the example's training, recorded */
static NnbStepExplain *
explain_case (JsonObject *c, NnbProject **project_out)
{
  const char *example = json_object_get_string_member (c, "example");
  /* "tests/data/….nnb", or an example's name */
  g_autofree char *relative = strchr (example, '/') != NULL ? g_strdup (example)
                                                            : g_build_filename ("data", "examples", example, NULL);
  g_autofree char *path = nnb_test_source_path (relative);
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = nnb_project_load (path, &error);
  g_autoptr (NnbDataset) data = NULL;
  g_autoptr (NnbTraining) training = NULL;
  NnbStepExplain *explain;
  NnbGenerator shuffle;
  double loss;

  g_assert_no_error (error);
  apply_overrides (&project->training, json_object_get_object_member (c, "training"));
  nnb_backend_cpu_set_threads (1);
  data = nnb_project_build_for_training (project, TRUE, &shuffle, &error);
  g_assert_no_error (error);
  training = nnb_training_new (project->model, data, &project->training, &shuffle, &error);
  g_assert_no_error (error);
  for (gint64 e = 0; e < json_object_get_int_member (c, "epoch"); e++)
    {
      g_assert_true (nnb_training_epoch (training, &loss, &error));
      g_assert_no_error (error);
    }
  explain = nnb_step_explain_next (training, FALSE, &loss, &error);
  g_assert_no_error (error);
  g_assert_nonnull (explain);
  *project_out = g_steal_pointer (&project);
  return explain;
}

static void
test_step_matches_pytorch (gconstpointer data)
{
  JsonObject *c = (JsonObject *) data;
  g_autoptr (NnbProject) project = NULL;
  g_autoptr (NnbStepExplain) e = explain_case (c, &project);
  JsonObject *wires = json_object_get_object_member (c, "wires");
  JsonObject *params = json_object_get_object_member (c, "parameters");
  g_autoptr (GList) names = json_object_get_members (wires);

  g_assert_cmpint (e->epoch, ==, json_object_get_int_member (c, "epoch"));
  g_assert_cmpint (e->batch, ==, 0);
  g_assert_false (e->zero_grad_skipped);
  assert_tensor ("x", e->x, json_object_get_object_member (c, "x"));
  assert_tensor ("y", e->y, json_object_get_object_member (c, "y"));
  /* loss.item (): the value's sum order is not PyTorch's to the bit on
   * every size (test-step-golden.c), the gradient is */
  g_assert_cmpfloat_with_epsilon (e->loss, json_object_get_double_member (c, "loss"),
                                  1e-6 * fabs (json_object_get_double_member (c, "loss")));
  assert_tensor ("dloss/dy_hat", e->loss_grad, json_object_get_object_member (c, "dloss"));

  /* every wire, in the forward's order, input first and output last */
  g_assert_cmpuint (e->wires->len, ==, g_list_length (names));
  g_assert_cmpstr (((NnbStepWire *) e->wires->pdata[0])->label, ==, "x");
  g_assert_cmpstr (nnb_step_explain_prediction (e)->label, ==, "out");
  for (guint w = 0; w < e->wires->len; w++)
    {
      NnbStepWire *wire = e->wires->pdata[w];
      JsonObject *want = json_object_get_object_member (wires, wire->label);
      g_autofree char *value = g_strdup_printf ("%s: value", wire->label);
      g_autofree char *grad = g_strdup_printf ("%s: dL/dvalue", wire->label);

      g_assert_nonnull (want);
      assert_tensor (value, wire->value, json_object_get_object_member (want, "value"));
      if (json_object_has_member (want, "grad"))
        assert_tensor (grad, wire->grad, json_object_get_object_member (want, "grad"));
      else
        g_assert_null (wire->grad);
    }

  g_assert_cmpuint (e->parameters->len, ==, json_object_get_size (params));
  for (guint i = 0; i < e->parameters->len; i++)
    {
      NnbStepParameter *p = e->parameters->pdata[i];
      JsonObject *want = json_object_get_object_member (params, p->name);
      static const char *const states[] = { "momentum_buffer", "exp_avg", "exp_avg_sq" };
      NnbTensor *mine[] = { p->momentum_after, p->exp_avg_after, p->exp_avg_sq_after };
      g_autofree char *update = nnb_step_explain_update_text (e, i, 0);

      g_assert_nonnull (want);
      g_assert_true (p->stepped);
      assert_tensor (p->name, p->before, json_object_get_object_member (want, "before"));
      assert_tensor (p->name, p->grad, json_object_get_object_member (want, "grad"));
      assert_tensor (p->name, p->after, json_object_get_object_member (want, "after"));
      for (guint s = 0; s < G_N_ELEMENTS (states); s++)
        if (json_object_has_member (want, states[s]))
          assert_tensor (states[s], mine[s], json_object_get_object_member (want, states[s]));
        else
          g_assert_null (mine[s]);
      if (json_object_has_member (want, "step"))
        g_assert_cmpint (p->step, ==, json_object_get_int_member (want, "step"));
      assert_calls (project->model, p, want);
      /* the update's text ends with the value training got */
      g_assert_nonnull (update);
      g_assert_true (strstr (update, "p = p - lr") != NULL);
    }
}

/* lesson/FACTS.md's accumulation: seed 0, Linear(1, 1), X = ones(4, 1),
 * zero targets, MSELoss; as training steps with lr 0, so that step()
 * leaves the weight as it is (p - 0 * g = p) and only the gradients move */
static NnbTraining *
page_accumulation_training (NnbGenerator *gen)
{
  g_autoptr (GError) error = NULL;
  NnbModule *linear;
  g_autoptr (NnbModel) model = NULL;
  g_autoptr (NnbDataset) data = g_new0 (NnbDataset, 1);
  NnbTrainingOptions options;
  NnbTraining *training;

  nnb_generator_manual_seed (gen, 0);
  linear = nnb_linear_new (1, 1, TRUE, gen, &error);
  g_assert_no_error (error);
  model = nnb_model_new_sequential (&linear, 1);
  nnb_module_unref (linear);
  data->x = nnb_tensor_new_2d (4, 1);
  data->y = nnb_tensor_new_2d (4, 1);
  nnb_tensor_fill (data->x, 1.0f);
  nnb_tensor_fill (data->y, 0.0f);
  nnb_training_options_init (&options);
  options.optimizer.lr = 0.0;
  training = nnb_training_new (model, data, &options, gen, &error);
  g_assert_no_error (error);
  return training;
}

/* backward three times without zero_grad: 1.0579135, 2.1158271, 3.1737406 */
static void
test_grads_add_up_without_zero_grad (void)
{
  JsonArray *want = json_object_get_array_member (nnb_test_golden ("data/step-explain-golden.json"), "accumulation");
  static const float facts[] = { 1.0579135f, 2.1158271f, 3.1737406f };
  NnbGenerator gen;
  g_autoptr (NnbTraining) training = page_accumulation_training (&gen);
  g_autoptr (GError) error = NULL;

  for (int k = 0; k < 3; k++)
    {
      g_autoptr (NnbStepExplain) e = nnb_step_explain_next (training, TRUE, NULL, &error);
      NnbStepParameter *weight;

      g_assert_no_error (error);
      weight = e->parameters->pdata[0];
      g_assert_cmpstr (weight->name, ==, "0.weight");
      g_assert_true (e->zero_grad_skipped);
      /* PyTorch's .grad is None before the first backward */
      if (k == 0)
        g_assert_null (weight->grad_prior);
      else
        g_assert_cmpfloat (weight->grad_prior->data[0], ==, facts[k - 1]);
      g_assert_cmpfloat (weight->grad->data[0], ==, (float) json_array_get_double_element (want, k));
      g_assert_cmpfloat (weight->grad->data[0], ==, facts[k]);
      g_assert_cmpfloat (weight->after->data[0], ==, weight->before->data[0]);
    }
}

/* fc called three times, three steps without zero_grad: PyTorch sums the
 * calls' parts first, the last call's first, and adds the sum into .grad
 * once, old + ((p3 + p2) + p1), which for some elements is not what adding
 * each part into .grad in turn gives, nor the parts summed in the forward's
 * order (make_step_explain_golden.py checks both) */
static void
test_shared_grads_add_up_without_zero_grad (void)
{
  JsonObject *want = json_object_get_object_member (nnb_test_golden ("data/step-explain-golden.json"),
                                                    "shared_accumulation");
  JsonArray *steps = json_object_get_array_member (want, "steps");
  g_autoptr (NnbProject) project = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbDataset) data = NULL;
  g_autoptr (NnbTraining) training = NULL;
  g_autofree char *path = nnb_test_source_path (json_object_get_string_member (want, "example"));
  NnbGenerator shuffle;

  /* elements where adding each part in turn, or summing the parts in the
   * forward's order, gives other bits than PyTorch */
  g_assert_cmpint (json_object_get_int_member (want, "differs"), >, 0);
  g_assert_cmpint (json_object_get_int_member (want, "differs_forward"), >, 0);
  project = nnb_project_load (path, &error);
  g_assert_no_error (error);
  nnb_backend_cpu_set_threads (1);
  data = nnb_project_build_for_training (project, TRUE, &shuffle, &error);
  g_assert_no_error (error);
  training = nnb_training_new (project->model, data, &project->training, &shuffle, &error);
  g_assert_no_error (error);
  for (guint k = 0; k < json_array_get_length (steps); k++)
    {
      g_autoptr (NnbStepExplain) e = nnb_step_explain_next (training, TRUE, NULL, &error);
      JsonObject *params = json_object_get_object_member (json_array_get_object_element (steps, k), "parameters");

      g_assert_no_error (error);
      g_assert_true (e->zero_grad_skipped);
      g_assert_cmpuint (e->parameters->len, ==, json_object_get_size (params));
      for (guint i = 0; i < e->parameters->len; i++)
        {
          NnbStepParameter *p = e->parameters->pdata[i];
          JsonObject *w = json_object_get_object_member (params, p->name);
          g_autofree char *what = g_strdup_printf ("step %u: %s.grad", k + 1, p->name);
          JsonArray *calls;

          g_assert_nonnull (w);
          assert_tensor (what, p->grad, json_object_get_object_member (w, "grad"));
          if (!json_object_has_member (w, "calls"))
            continue;
          calls = json_object_get_array_member (w, "calls");
          g_assert_nonnull (p->calls);
          g_assert_cmpuint (p->calls->len, ==, json_array_get_length (calls));
          for (guint n = 0; n < p->calls->len; n++)
            {
              g_autofree char *part = g_strdup_printf ("step %u: %s: call %u", k + 1, p->name, n + 1);

              assert_tensor (part, ((NnbStepCall *) p->calls->pdata[n])->grad,
                             json_array_get_object_element (calls, n));
            }
        }
    }
}

/* With zero_grad, as training runs, each step gives the first gradient again */
static void
test_zero_grad_clears_each_step (void)
{
  NnbGenerator gen;
  g_autoptr (NnbTraining) training = page_accumulation_training (&gen);
  g_autoptr (GError) error = NULL;

  for (int k = 0; k < 3; k++)
    {
      g_autoptr (NnbStepExplain) e = nnb_step_explain_next (training, FALSE, NULL, &error);
      NnbStepParameter *weight;

      g_assert_no_error (error);
      weight = e->parameters->pdata[0];
      g_assert_false (e->zero_grad_skipped);
      g_assert_cmpfloat (weight->grad->data[0], ==, 1.0579135f);
      if (k > 0)
        g_assert_cmpfloat (weight->grad_prior->data[0], ==, 1.0579135f);
    }
}

static gboolean
has_explain (const NnbSnapshot *snapshot, gconstpointer data)
{
  return snapshot->explain != NULL && snapshot->state == NNB_TRAINER_PAUSED;
}

/* The app's path: the trainer's worker records the step it takes, and its
 * snapshot carries the record, equal to nnb_step_explain_next's (the
 * mini-batch MLP, explained at once and then after one plain step) */
static void
test_trainer_explains_the_step_it_takes (void)
{
  g_autofree char *path = nnb_test_source_path ("data/examples/mlp-residual.nnb");
  g_autoptr (GError) error = NULL;
  g_autoptr (NnbProject) project = nnb_project_load (path, &error);
  g_autoptr (NnbProject) twin = nnb_project_load (path, &error);
  g_autoptr (NnbDataset) data = NULL, twin_data = NULL;
  g_autoptr (NnbTrainer) trainer = NULL;
  g_autoptr (NnbTraining) training = NULL;
  g_autoptr (NnbSnapshot) first = NULL, second = NULL;
  NnbGenerator shuffle, twin_shuffle;

  g_assert_no_error (error);
  nnb_backend_cpu_set_threads (1);
  data = nnb_project_build_for_training (project, TRUE, &shuffle, &error);
  twin_data = nnb_project_build_for_training (twin, TRUE, &twin_shuffle, &error);
  g_assert_no_error (error);
  trainer = nnb_trainer_new (project->model, data, &project->training, &shuffle, 0, 0, 0, &error);
  training = nnb_training_new (twin->model, twin_data, &twin->training, &twin_shuffle, &error);
  g_assert_no_error (error);

  nnb_trainer_explain_step (trainer, TRUE);
  first = nnb_test_wait_for_snapshot (trainer, has_explain, NULL, 10 * G_USEC_PER_SEC, NULL);
  g_assert_cmpint (first->epoch, ==, 1);
  for (int k = 0; k < 2; k++)
    {
      g_autoptr (NnbStepExplain) want = nnb_step_explain_next (training, k == 0, NULL, &error);
      NnbStepExplain *got;

      g_assert_no_error (error);
      if (k == 1)
        {
          nnb_trainer_explain_step (trainer, FALSE);
          /* a new record is a new pointer */
          do
            g_clear_pointer (&second, nnb_snapshot_unref);
          while ((second = nnb_test_wait_for_snapshot (trainer, has_explain, NULL, 10 * G_USEC_PER_SEC, NULL))->explain == first->explain);
        }
      got = k == 0 ? first->explain : second->explain;
      g_assert_cmpint (got->epoch, ==, k);
      g_assert_cmpint (got->zero_grad_skipped, ==, k == 0);
      g_assert_cmpfloat (got->loss, ==, want->loss);
      for (guint i = 0; i < want->parameters->len; i++)
        {
          NnbStepParameter *a = got->parameters->pdata[i], *b = want->parameters->pdata[i];

          g_assert_cmpmem (a->grad->data, a->grad->numel * sizeof (float), b->grad->data, b->grad->numel * sizeof (float));
          g_assert_cmpmem (a->after->data, a->after->numel * sizeof (float), b->after->data,
                           b->after->numel * sizeof (float));
        }
    }
}

int
main (int argc, char **argv)
{
  JsonArray *cases;

  g_test_init (&argc, &argv, NULL);
  cases = json_object_get_array_member (nnb_test_golden ("data/step-explain-golden.json"), "cases");
  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *c = json_array_get_object_element (cases, i);
      g_autofree char *name = g_strdup_printf ("/step-explain/%s", json_object_get_string_member (c, "name"));

      g_test_add_data_func (name, c, test_step_matches_pytorch);
    }
  g_test_add_func ("/step-explain/grads-add-up-without-zero-grad", test_grads_add_up_without_zero_grad);
  g_test_add_func ("/step-explain/shared-grads-add-up-without-zero-grad", test_shared_grads_add_up_without_zero_grad);
  g_test_add_func ("/step-explain/zero-grad-clears-each-step", test_zero_grad_clears_each_step);
  g_test_add_func ("/step-explain/trainer-explains-the-step-it-takes", test_trainer_explains_the_step_it_takes);
  return g_test_run ();
}
