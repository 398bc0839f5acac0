/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-export-pytorch-train.c — the rest of a project as PyTorch code, for
 * `nnblocks-cli export --format pytorch`: the recipe (seeds, the data, its
 * held-out split and standardisation, the init) and the training loop, as
 * the PyTorch program docs/file-format.md says the project stands for.
 * `python3 model.py --train` prints the losses `nnblocks-cli train` prints,
 * line for line, since the engine reproduces each of these lines. */
#include "nnb-export.h"
#include "nnb-files-private.h"

#include <stdarg.h>
#include <string.h>
#include "nnb-python.h"

#define INDENT "    "

/* repr(x) of a double, as Python would print the project's number */
static void
append_float (GString *out, double value)
{
  g_autofree char *repr = nnb_python_float_repr (value);
  g_string_append (out, repr);
}

static void
append_python_string (GString *out, const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/* The reader's rules (nnb-csv.c) in plain Python: the standard library's
 * csv module would also unquote "a,b" cells, which NN Blocks splits, so
 * the lines are split at commas as the engine splits them. */
static const char csv_reader[] =
  "\n\n"
  "def read_csv(path, inputs=None, targets=None, header=None):\n"
  "    \"\"\"The CSV file as NN Blocks reads it: blank lines and '#' lines\n"
  "    skipped, cells split at commas; a first line of names when header is\n"
  "    True (None: when none of its cells is empty or a number); the target\n"
  "    columns (default: the last) and the input columns (default: every\n"
  "    other one), by name or 0-based index. Returns X (n, inputs), y (n, targets).\"\"\"\n"
  "    with open(path, encoding=\"utf-8-sig\") as f:\n"
  "        lines = [line.strip() for line in f.read().splitlines()]\n"
  "    rows = [[cell.strip() for cell in line.split(\",\")] for line in lines if line and not line.startswith(\"#\")]\n"
  "\n"
  "    def is_number(cell):\n"
  "        try:\n"
  "            return abs(float(cell)) < float(\"inf\")\n"
  "        except ValueError:\n"
  "            return False\n"
  "\n"
  "    if header is None:\n"
  "        header = all(cell and not is_number(cell) for cell in rows[0])\n"
  "    names = rows.pop(0) if header else []\n"
  "\n"
  "    def column(c):\n"
  "        return names.index(c) if isinstance(c, str) else c\n"
  "\n"
  "    targets = [column(c) for c in targets or [len(rows[0]) - 1]]\n"
  "    inputs = [column(c) for c in inputs] if inputs else [c for c in range(len(rows[0])) if c not in targets]\n"
  "    table = torch.tensor([[float(row[c]) for c in inputs + targets] for row in rows], dtype=torch.float32)\n"
  "    return table[:, :len(inputs)].contiguous(), table[:, len(inputs):].contiguous()\n";

/* [\"x1\", 2]: the chosen columns as Python writes the list */
static void
append_python_columns (GString *out, const char *keyword, const NnbCsvColumn *columns, guint n)
{
  if (n == 0)
    return;
  g_string_append_printf (out, ", %s=[", keyword);
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (out, ", ");
      if (columns[i].name != NULL)
        append_python_string (out, columns[i].name);
      else
        g_string_append_printf (out, "%" G_GINT64_FORMAT, columns[i].index);
    }
  g_string_append_c (out, ']');
}

/* One line of make_data(), indented */
static void G_GNUC_PRINTF (2, 3)
append_line (GString *out, const char *format, ...)
{
  va_list args;

  g_string_append (out, INDENT);
  va_start (args, format);
  g_string_append_vprintf (out, format, args);
  va_end (args);
  g_string_append_c (out, '\n');
}

/* "PREFIX(value SUFFIX\n": a line with a Python number in it */
static void
append_line_with (GString *out, const char *prefix, double value, const char *suffix)
{
  g_string_append (out, INDENT);
  g_string_append (out, prefix);
  append_float (out, value);
  g_string_append (out, suffix);
  g_string_append_c (out, '\n');
}

/* The class kinds' programs (nnb-dataset-2d.c), with the numbers in: 2π
 * and π as the literals 6.283185307179586 and 3.141592653589793 (as sine's
 * x_max), so that no import is needed */
static void
append_2d_lines (GString *out, const NnbDataSpec *spec)
{
  int64_t n = spec->n;
  g_autofree char *noise = g_strdup_printf ("X = X + torch.randn(%" G_GINT64_FORMAT ", 2) * ", n);

  if (spec->kind == NNB_DATA_XOR)
    {
      append_line (out, "X = torch.rand(%" G_GINT64_FORMAT ", 2) * 2 - 1", n);
      append_line (out, "y = ((X[:, 0] > 0) != (X[:, 1] > 0)).long()");
    }
  else
    append_line (out, "y = torch.arange(%" G_GINT64_FORMAT ") %% %" G_GINT64_FORMAT, n, nnb_data_spec_classes (spec));
  switch (spec->kind)
    {
    case NNB_DATA_CIRCLE:
      g_string_append_printf (out, INDENT "r = (torch.rand(%" G_GINT64_FORMAT ") + 2 * y) * (", n);
      append_float (out, spec->radius);
      g_string_append (out, " / 3)\n");
      append_line (out, "angle = torch.rand(%" G_GINT64_FORMAT ") * 6.283185307179586", n);
      append_line (out, "X = torch.stack([r * torch.cos(angle), r * torch.sin(angle)], 1)");
      break;
    case NNB_DATA_GAUSS:
      append_line_with (out, "centres = torch.tensor([[-1.0, -1.0], [1.0, 1.0]]) * (", spec->distance, " / 8 ** 0.5)");
      g_free (noise);
      noise = g_strdup_printf ("X = centres[y] + torch.randn(%" G_GINT64_FORMAT ", 2) * ", n);
      break;
    case NNB_DATA_SPIRAL:
      append_line (out, "t = torch.rand(%" G_GINT64_FORMAT ")", n);
      append_line_with (out, "angle = t * (6.283185307179586 * ", spec->turns, ") + 3.141592653589793 * y");
      append_line (out, "X = torch.stack([t * torch.cos(angle), t * torch.sin(angle)], 1)");
      break;
    case NNB_DATA_MOONS:
      append_line (out, "angle = torch.rand(%" G_GINT64_FORMAT ") * 3.141592653589793", n);
      append_line (out, "X = torch.stack([torch.cos(angle), torch.sin(angle)], 1)");
      append_line (out, "X = torch.where(y[:, None] == 0, X, torch.tensor([1.0, 0.5]) - X)");
      break;
    case NNB_DATA_BLOBS:
      append_line (out, "angle = torch.arange(%" G_GINT64_FORMAT ") * (6.283185307179586 / %" G_GINT64_FORMAT ")",
                   spec->classes, spec->classes);
      append_line (out, "centres = torch.stack([torch.cos(angle), torch.sin(angle)], 1)");
      g_free (noise);
      noise = g_strdup_printf ("X = centres[y] + torch.randn(%" G_GINT64_FORMAT ", 2) * ", n);
      break;
    case NNB_DATA_XOR:
    default:
      break;
    }
  /* the noise, the last draw: gauss and blobs add it to the centres */
  append_line_with (out, noise, spec->noise, "");
}

/* X, y = … as docs/file-format.md's table writes each kind */
static void
append_data_lines (GString *out, const NnbDataSpec *spec)
{
  if (spec->kind == NNB_DATA_CSV)
    {
      g_string_append (out, INDENT "X, y = read_csv(");
      append_python_string (out, spec->csv_path ? spec->csv_path : "");
      append_python_columns (out, "inputs", spec->csv_inputs, spec->csv_n_inputs);
      append_python_columns (out, "targets", spec->csv_targets, spec->csv_n_targets);
      if (spec->csv_header != NNB_CSV_HEADER_DETECT)
        g_string_append (out, spec->csv_header == NNB_CSV_HEADER_YES ? ", header=True" : ", header=False");
      g_string_append (out, ")\n");
      if (spec->csv_class_targets)
        g_string_append (out, INDENT "y = y[:, 0].long()  # class indices: the LongTensor (n,) CrossEntropyLoss takes\n");
      return;
    }
  if (nnb_data_spec_classes (spec) > 0)
    {
      append_2d_lines (out, spec);
      return;
    }
  if (spec->kind == NNB_DATA_SINE_PRODUCT)
    {
      g_string_append_printf (out, INDENT "X = torch.randn(%" G_GINT64_FORMAT ", 3)\n", spec->n);
      g_string_append (out, INDENT "y = torch.sin(X[:, 0:1] * X[:, 1:2]) + X[:, 2:3]\n");
      if (spec->noise != 0.0)
        {
          g_string_append_printf (out, INDENT "y = y + torch.randn(%" G_GINT64_FORMAT ", 1) * ", spec->n);
          append_float (out, spec->noise);
          g_string_append_c (out, '\n');
        }
      return;
    }
  g_string_append_printf (out, INDENT "X = torch.rand(%" G_GINT64_FORMAT ", 1) * ", spec->n);
  append_float (out, spec->x_max);
  g_string_append (out, "\n" INDENT "y = ");
  switch (spec->kind)
    {
    case NNB_DATA_LINE:
      append_float (out, spec->a);
      g_string_append (out, " * X + ");
      append_float (out, spec->b);
      g_string_append (out, " + ");
      break;
    case NNB_DATA_SINE:
      g_string_append (out, "torch.sin(X) + ");
      append_float (out, spec->noise);
      g_string_append_printf (out, " * torch.randn(%" G_GINT64_FORMAT ", 1)\n", spec->n);
      return;
    case NNB_DATA_POLYNOMIAL:
      append_float (out, spec->a);
      g_string_append (out, " * (X * X) + ");
      append_float (out, spec->b);
      g_string_append (out, " * X + ");
      append_float (out, spec->c);
      g_string_append (out, " + ");
      break;
    case NNB_DATA_STEP:
      g_string_append (out, "(X >= ");
      append_float (out, spec->x_max);
      g_string_append (out, " / 2).float() + ");
      break;
    default:
      g_assert_not_reached ();
    }
  g_string_append_printf (out, "torch.randn(%" G_GINT64_FORMAT ", 1) * ", spec->n);
  append_float (out, spec->noise);
  g_string_append_c (out, '\n');
}

/* the split and standardisation lines (nnb-dataset-split.c) */
static void
append_split_lines (GString *out, const NnbDataSpec *spec)
{
  if (spec->test_fraction > 0.0)
    {
      g_string_append (out, INDENT "perm = torch.randperm(len(X))\n" INDENT "n_test = int(len(X) * ");
      append_float (out, spec->test_fraction);
      g_string_append (out, ")\n" INDENT "X_test, y_test = X[perm[:n_test]], y[perm[:n_test]]\n" INDENT
                            "X, y = X[perm[n_test:]], y[perm[n_test:]]\n");
    }
  else
    g_string_append (out, INDENT "X_test, y_test = None, None  # no test set\n");
  if (spec->standardize_inputs)
    g_string_append (out, INDENT "x_mean, x_std = X.mean(0), X.std(0)  # the training rows' statistics\n" INDENT
                                 "X = (X - x_mean) / x_std\n");
  if (spec->standardize_inputs && spec->test_fraction > 0.0)
    g_string_append (out, INDENT "X_test = (X_test - x_mean) / x_std\n");
  if (spec->standardize_targets)
    g_string_append (out, INDENT "y_mean, y_std = y.mean(0), y.std(0)\n" INDENT "y = (y - y_mean) / y_std\n");
  if (spec->standardize_targets && spec->test_fraction > 0.0)
    g_string_append (out, INDENT "y_test = (y_test - y_mean) / y_std\n");
}

/* make_data()'s lines before its return: the seed, the data, the split */
static void
append_make_data_body (GString *out, guint64 seed, const NnbDataSpec *spec)
{
  g_string_append_printf (out, INDENT "torch.manual_seed(%" G_GUINT64_FORMAT ")\n", seed);
  append_data_lines (out, spec);
  if (spec->float_targets)
    g_string_append (out, INDENT "y = y.float().unsqueeze(1)  # (n, 1) floats, as BCEWithLogitsLoss and BCELoss take them\n");
  append_split_lines (out, spec);
}

char *
nnb_export_pytorch_dedent (const char *text)
{
  GString *out = g_string_new (NULL);
  const char *line = text;

  while (*line != '\0')
    {
      const char *end = strchr (line, '\n');
      gsize length = end != NULL ? (gsize) (end - line) + 1 : strlen (line);

      if (g_str_has_prefix (line, INDENT))
        line += strlen (INDENT), length -= strlen (INDENT);
      g_string_append_len (out, line, length);
      line += length;
    }
  return g_string_free (out, FALSE);
}

char *
nnb_export_pytorch_data_lines (guint64 seed, const NnbDataSpec *spec)
{
  g_autoptr (GString) body = g_string_new (NULL);

  g_return_val_if_fail (spec != NULL, NULL);

  append_make_data_body (body, seed, spec);
  /* the same lines as the file's, one level out of make_data() */
  return nnb_export_pytorch_dedent (body->str);
}

static void
append_init_call (GString *out, const char *what, NnbInitMethod method)
{
  if (method == NNB_INIT_DEFAULT)
    return;
  g_string_append_printf (out, INDENT INDENT "nn.init.%s(m.%s%s)\n", nnb_init_method_to_string (method), what,
                          method == NNB_INIT_CONSTANT ? ", 0" : "");
}

static void
append_optimizer (GString *out, const NnbOptimizerOptions *opt)
{
  g_string_append_printf (out, INDENT "optimizer = torch.optim.%s(model.parameters(), lr=",
                          nnb_optimizer_kind_to_string (opt->kind));
  append_float (out, opt->lr);
  if (opt->kind == NNB_OPTIMIZER_ADAM)
    {
      g_string_append (out, ", betas=(");
      append_float (out, opt->beta1);
      g_string_append (out, ", ");
      append_float (out, opt->beta2);
      g_string_append (out, "), eps=");
      append_float (out, opt->eps);
    }
  else
    {
      g_string_append (out, ", momentum=");
      append_float (out, opt->momentum);
      g_string_append (out, ", dampening=");
      append_float (out, opt->dampening);
      g_string_append_printf (out, ", nesterov=%s", opt->nesterov ? "True" : "False");
    }
  g_string_append (out, ", weight_decay=");
  append_float (out, opt->weight_decay);
  g_string_append (out, ")\n");
}

/* The loop `nnblocks-cli train` runs and prints (nnb-training.h): the full
 * batch, or a randperm shuffle every epoch and the mean of the batches'
 * losses, in train mode; then, in eval mode as everything after it, the
 * test loss without gradients. */
static const char loop_source[] =
  INDENT "losses = []  # each epoch's loss, for the plot\n" INDENT "for epoch in range(epochs):\n" INDENT INDENT "model.train()\n" INDENT INDENT "if 0 < batch_size < len(X):\n" INDENT INDENT INDENT "order = torch.randperm(len(X))\n" INDENT INDENT INDENT "total, batches = 0.0, 0\n" INDENT INDENT INDENT "for start in range(0, len(X), batch_size):\n" INDENT INDENT INDENT INDENT "idx = order[start:start + batch_size]\n" INDENT INDENT INDENT INDENT "batch_loss = loss_fn(model(X[idx]), y[idx])\n" INDENT INDENT INDENT INDENT "optimizer.zero_grad()\n" INDENT INDENT INDENT INDENT "batch_loss.backward()\n" INDENT INDENT INDENT INDENT "optimizer.step()\n" INDENT INDENT INDENT INDENT "total, batches = total + batch_loss.item(), batches + 1\n" INDENT INDENT INDENT "loss = total / batches\n" INDENT INDENT "else:\n" INDENT INDENT INDENT "full_loss = loss_fn(model(X), y)\n" INDENT INDENT INDENT "optimizer.zero_grad()\n" INDENT INDENT INDENT "full_loss.backward()\n" INDENT INDENT INDENT "optimizer.step()\n" INDENT INDENT INDENT "loss = full_loss.item()\n" INDENT INDENT "losses.append(loss)\n" INDENT INDENT "model.eval()\n" INDENT INDENT "line = f\"epoch {epoch:3d} loss {loss:.4f}\"\n" INDENT INDENT "if X_test is not None:\n" INDENT INDENT INDENT "with torch.no_grad():\n" INDENT INDENT INDENT INDENT "test_loss = loss_fn(model(X_test), y_test)\n" INDENT INDENT INDENT "line += f\" test_loss {test_loss.item():.4f}\"\n" INDENT INDENT "if log_every > 0 and (epoch % log_every == 0 or epoch == epochs - 1):\n" INDENT INDENT INDENT "print(line)\n" INDENT INDENT "if until_loss > 0 and loss < until_loss:\n" INDENT INDENT INDENT "print(f\"converged at epoch {epoch}, loss {loss:.4f}\")\n" INDENT INDENT INDENT "break\n";

/* The same loop for class data under a classification loss: it also
 * counts the right predictions of every forward pass (count_correct, one
 * rule per loss) and prints accuracy = correct / len(X) after the losses;
 * the same predictions by class (confusion_matrix) give the last epoch's
 * confusion matrices, printed after the loop (print_confusion, the table
 * of nnb_confusion_format). One line of Python a line of C. */
/* clang-format off */
static const char class_loop_source[] =
  INDENT "losses = []  # each epoch's loss, for the plot\n"
  INDENT "for epoch in range(epochs):\n"
  INDENT INDENT "model.train()\n"
  INDENT INDENT "correct = 0\n"
  INDENT INDENT "confusion = torch.zeros(classes, classes, dtype=torch.long)\n"
  INDENT INDENT "if 0 < batch_size < len(X):\n"
  INDENT INDENT INDENT "order = torch.randperm(len(X))\n"
  INDENT INDENT INDENT "total, batches = 0.0, 0\n"
  INDENT INDENT INDENT "for start in range(0, len(X), batch_size):\n"
  INDENT INDENT INDENT INDENT "idx = order[start:start + batch_size]\n"
  INDENT INDENT INDENT INDENT "y_hat = model(X[idx])\n"
  INDENT INDENT INDENT INDENT "batch_loss = loss_fn(y_hat, y[idx])\n"
  INDENT INDENT INDENT INDENT "correct += count_correct(y_hat, y[idx])\n"
  INDENT INDENT INDENT INDENT "confusion += confusion_matrix(y_hat, y[idx], classes)\n"
  INDENT INDENT INDENT INDENT "optimizer.zero_grad()\n"
  INDENT INDENT INDENT INDENT "batch_loss.backward()\n"
  INDENT INDENT INDENT INDENT "optimizer.step()\n"
  INDENT INDENT INDENT INDENT "total, batches = total + batch_loss.item(), batches + 1\n"
  INDENT INDENT INDENT "loss = total / batches\n"
  INDENT INDENT "else:\n"
  INDENT INDENT INDENT "y_hat = model(X)\n"
  INDENT INDENT INDENT "full_loss = loss_fn(y_hat, y)\n"
  INDENT INDENT INDENT "correct += count_correct(y_hat, y)\n"
  INDENT INDENT INDENT "confusion += confusion_matrix(y_hat, y, classes)\n"
  INDENT INDENT INDENT "optimizer.zero_grad()\n"
  INDENT INDENT INDENT "full_loss.backward()\n"
  INDENT INDENT INDENT "optimizer.step()\n"
  INDENT INDENT INDENT "loss = full_loss.item()\n"
  INDENT INDENT "losses.append(loss)\n"
  INDENT INDENT "model.eval()\n"
  INDENT INDENT "line = f\"epoch {epoch:3d} loss {loss:.4f}\"\n"
  INDENT INDENT "if X_test is not None:\n"
  INDENT INDENT INDENT "with torch.no_grad():\n"
  INDENT INDENT INDENT INDENT "y_hat_test = model(X_test)\n"
  INDENT INDENT INDENT INDENT "test_loss = loss_fn(y_hat_test, y_test)\n"
  INDENT INDENT INDENT INDENT "test_correct = count_correct(y_hat_test, y_test)\n"
  INDENT INDENT INDENT INDENT "test_confusion = confusion_matrix(y_hat_test, y_test, classes)\n"
  INDENT INDENT INDENT "line += f\" test_loss {test_loss.item():.4f}\"\n"
  INDENT INDENT "line += f\" accuracy {correct / len(X):.4f}\"\n"
  INDENT INDENT "if X_test is not None:\n"
  INDENT INDENT INDENT "line += f\" test_accuracy {test_correct / len(X_test):.4f}\"\n"
  INDENT INDENT "if log_every > 0 and (epoch % log_every == 0 or epoch == epochs - 1):\n"
  INDENT INDENT INDENT "print(line)\n"
  INDENT INDENT "if until_loss > 0 and loss < until_loss:\n"
  INDENT INDENT INDENT "print(f\"converged at epoch {epoch}, loss {loss:.4f}\")\n"
  INDENT INDENT INDENT "break\n"
  INDENT "if epochs > 0 and classes <= 20:\n"
  INDENT INDENT "print_confusion(\"confusion matrix\", confusion)\n"
  INDENT INDENT "if X_test is not None:\n"
  INDENT INDENT INDENT "print_confusion(\"test confusion matrix\", test_confusion)\n";
/* clang-format on */

/* The class each row of outputs is given, by the rule nnb_loss_get_correct
 * and the confusion matrix count by (nnb_predict_rule), or NULL when the
 * project's loss has none for its data. */
static const char *
predicted_class_rule (const NnbProject *project)
{
  gboolean classes = nnb_data_spec_has_classes (&project->data);

  if (!classes)
    return NULL;
  switch (project->training.loss)
    {
    case NNB_LOSS_CROSS_ENTROPY:
    case NNB_LOSS_NLL:
      return project->data.float_targets ? NULL : "y_hat.argmax(1)";
    case NNB_LOSS_BCE_WITH_LOGITS:
      return project->data.float_targets ? "(y_hat > 0).long().view(-1)" : NULL;
    case NNB_LOSS_BCE:
      return project->data.float_targets ? "(y_hat > 0.5).long().view(-1)" : NULL;
    case NNB_LOSS_MSE:
    case NNB_LOSS_L1:
    default:
      return NULL;
    }
}

/* The functions the class loop calls: one rule for the right predictions
 * and the confusion matrix (rows: true class, columns: predicted class),
 * so that its diagonal sums to the right ones, and the table
 * nnb_confusion_format prints. One line of Python a line of C. */
/* clang-format off */
static const char class_functions[] =
  "\n\ndef count_correct(y_hat, y):\n"
  INDENT "\"\"\"How many predictions are right.\"\"\"\n"
  INDENT "return (predicted_class(y_hat) == y.view(-1)).sum().item()\n"
  "\n\ndef confusion_matrix(y_hat, y, classes):\n"
  INDENT "\"\"\"counts[t, p]: how many rows of true class t the model put in class p\n"
  INDENT "(rows: true class, columns: predicted class).\"\"\"\n"
  INDENT "t, p = y.view(-1).long(), predicted_class(y_hat)\n"
  INDENT "keep = p < classes  # a model with more outputs than the data has classes\n"
  INDENT "return torch.bincount(t[keep] * classes + p[keep], minlength=classes * classes).view(classes, classes)\n"
  "\n\ndef print_confusion(title, counts):\n"
  INDENT "\"\"\"The table nnblocks-cli train prints: a row per true class, a column per predicted class.\"\"\"\n"
  INDENT "width = max(3, len(str(counts.max().item())), len(str(len(counts) - 1)))\n"
  INDENT "print(f\"{title} (rows: true class, columns: predicted class)\")\n"
  INDENT "print(\"      predicted\")\n"
  INDENT "print(\"true\" + \"\".join(f\"  {p:>{width}}\" for p in range(len(counts))))\n"
  INDENT "for t, row in enumerate(counts.tolist()):\n"
  INDENT INDENT "print(f\"{t:>4}\" + \"\".join(f\"  {n:>{width}}\" for n in row))\n";
/* clang-format on */

/* classes = …: the confusion matrix's rows and columns, as the engine
 * sizes it (nnb_loss_set_targets): the data's classes, at least 2; for a
 * CSV file, its largest class index plus one, known once it is read. */
static void
append_classes_line (GString *out, const NnbDataSpec *spec)
{
  if (spec->kind != NNB_DATA_CSV)
    {
      g_string_append_printf (out, INDENT "classes = %" G_GINT64_FORMAT "  # rows and columns of the confusion matrix\n",
                              MAX (nnb_data_spec_classes (spec), 2));
      return;
    }
  g_string_append_printf (out, INDENT "classes = max(2, int(%s) + 1)  # the largest class index + 1: the confusion matrix's size\n",
                          spec->test_fraction > 0.0 ? "max(y.max(), y_test.max())" : "y.max()");
}

static gboolean
has_init (const NnbProject *project)
{
  return project->init_weight != NNB_INIT_DEFAULT || project->init_bias != NNB_INIT_DEFAULT;
}

/* model = …: the model seed, the model, its init and, when asked, the
 * weights that replace the init's (train()'s lines, indented) */
static void
append_model_lines (GString *out, const NnbProject *project, const char *model_expression,
                    const char *weights_path)
{
  if (project->has_model_seed)
    g_string_append_printf (out, INDENT "torch.manual_seed(%" G_GUINT64_FORMAT ")\n", project->model_seed);
  g_string_append_printf (out, INDENT "model = %s\n", model_expression);
  if (has_init (project))
    {
      if (project->has_init_seed)
        g_string_append_printf (out, INDENT "torch.manual_seed(%" G_GUINT64_FORMAT ")\n", project->init_seed);
      g_string_append (out, INDENT "model.apply(init_weights)\n");
    }
  /* after every draw, as nnb_project_build puts kept weights back */
  if (weights_path != NULL)
    g_string_append_printf (out, INDENT "model.load_state_dict(load_safetensors(%s))  # the weights saved with the project\n",
                            weights_path);
}

/* optimizer, loss_fn and the loop's settings (train()'s lines, indented) */
static void
append_optimizer_lines (GString *out, const NnbProject *project)
{
  const NnbTrainingOptions *t = &project->training;

  append_optimizer (out, &t->optimizer);
  if (t->label_smoothing > 0)
    {
      g_string_append_printf (out, INDENT "loss_fn = nn.%s(label_smoothing=", nnb_loss_kind_to_string (t->loss));
      append_float (out, t->label_smoothing);
      g_string_append (out, ")\n");
    }
  else
    g_string_append_printf (out, INDENT "loss_fn = nn.%s()\n", nnb_loss_kind_to_string (t->loss));
  g_string_append_printf (out, INDENT "epochs, batch_size, log_every = %d, %" G_GINT64_FORMAT ", %d\n", t->epochs,
                          t->batch_size, t->log_every);
  g_string_append (out, INDENT "until_loss = ");
  append_float (out, t->until_loss);
  g_string_append (out, "\n");
  if (predicted_class_rule (project) != NULL)
    append_classes_line (out, &project->data);
}

/* What the page (and nnblocks-cli train) prints after the loop: the last
 * loss of a run that did not reach until_loss, and, for a model that is
 * one Linear(1, 1), the line it learned (nnb-cli-train.c) */
static void
append_after_loop (GString *out, const NnbProject *project)
{
  NnbModel *model = project->model;
  NnbModule *module = model->modules->len == 1 ? model->modules->pdata[0] : NULL;

  g_string_append (out, INDENT "if until_loss > 0 and epochs > 0 and not loss < until_loss:\n" INDENT INDENT
                               "print(f\"final loss {loss:.4f}\")\n");
  if (module == NULL || module->kind != NNB_MODULE_LINEAR || module->in_features != 1 || module->out_features != 1 ||
      !module->has_bias)
    return;
  g_string_append (out, INDENT "w, b = [p.item() for p in model.parameters()]\n" INDENT
                               "print(f\"learned: y = {w:.3f}x + {b:.3f}");
  if (project->data.kind == NNB_DATA_LINE)
    {
      char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE];

      /* the true line as the CLI prints it, with %g */
      g_string_append_printf (out, " (true: y = %sx + %s)", g_ascii_formatd (a, sizeof a, "%g", project->data.a),
                              g_ascii_formatd (b, sizeof b, "%g", project->data.b));
    }
  g_string_append (out, "\")\n");
}

gboolean
nnb_export_pytorch_has_class_rule (const NnbProject *project)
{
  return predicted_class_rule (project) != NULL;
}

void
nnb_export_pytorch_append_train_part (GString *out, const NnbProject *project, NnbExportTrainPart part,
                                      const char *model_expression, const char *weights_path)
{
  const NnbDataSpec *spec = &project->data;

  switch (part)
    {
    case NNB_EXPORT_TRAIN_CSV_READER:
      if (spec->kind == NNB_DATA_CSV)
        g_string_append (out, csv_reader);
      break;
    case NNB_EXPORT_TRAIN_MAKE_DATA:
      g_string_append (out, "\n\ndef make_data():\n" INDENT "\"\"\"The project's data: X, y (the training rows), X_test, y_test.\"\"\"\n");
      append_make_data_body (out, project->seed, spec);
      g_string_append (out, INDENT "return X, y, X_test, y_test\n");
      break;
    case NNB_EXPORT_TRAIN_INIT_FUNCTION:
      if (!has_init (project))
        break;
      g_string_append (out, "\n\ndef init_weights(m):\n" INDENT "if isinstance(m, nn.Linear):\n");
      append_init_call (out, "weight", project->init_weight);
      if (project->init_bias != NNB_INIT_DEFAULT)
        {
          g_string_append (out, INDENT INDENT "if m.bias is not None:\n" INDENT);
          append_init_call (out, "bias", project->init_bias);
        }
      break;
    case NNB_EXPORT_TRAIN_CLASS_FUNCTIONS:
      if (predicted_class_rule (project) == NULL)
        break;
      g_string_append_printf (out, "\n\ndef predicted_class(y_hat):\n" INDENT "\"\"\"The class each row is given.\"\"\"\n" INDENT "return %s\n",
                              predicted_class_rule (project));
      g_string_append (out, class_functions);
      break;
    case NNB_EXPORT_TRAIN_MODEL:
      append_model_lines (out, project, model_expression, weights_path);
      break;
    case NNB_EXPORT_TRAIN_OPTIMIZER:
      append_optimizer_lines (out, project);
      break;
    case NNB_EXPORT_TRAIN_LOOP:
    default:
      g_string_append (out, predicted_class_rule (project) != NULL ? class_loop_source : loop_source);
      append_after_loop (out, project);
      break;
    }
}

void
nnb_export_pytorch_append_training (GString *out, const NnbProject *project, const char *model_expression,
                                    const char *weights_path)
{
  for (NnbExportTrainPart part = NNB_EXPORT_TRAIN_CSV_READER; part <= NNB_EXPORT_TRAIN_CLASS_FUNCTIONS; part++)
    nnb_export_pytorch_append_train_part (out, project, part, model_expression, weights_path);

  g_string_append (out, "\n\ndef train():\n" INDENT "\"\"\"The project's recipe and training loop, printing as nnblocks-cli train.\"\"\"\n" INDENT "X, y, X_test, y_test = make_data()\n");
  for (NnbExportTrainPart part = NNB_EXPORT_TRAIN_MODEL; part <= NNB_EXPORT_TRAIN_LOOP; part++)
    nnb_export_pytorch_append_train_part (out, project, part, model_expression, weights_path);
  g_string_append (out, INDENT "return model\n");
}
