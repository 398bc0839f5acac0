/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nnb-lesson.h — a lesson: a file of steps that a student follows in the
 * app's lesson panel or in the terminal (`nnblocks-cli lesson day02`).
 *
 * A step has a title and text (translated when the lesson is read, with
 * g_dgettext, so xgettext's ITS rules and the .po files decide the words),
 * code shown verbatim, and what its "Show me" does, in this order: keep the
 * current run's curve and loss for a comparison, load a project (an example
 * that ships with NN Blocks, a file beside the lesson or inline .nnb JSON)
 * with changed init, data or training settings, print the model, its
 * parameters, its shape trace or a classifier's probabilities, make a
 * mistake on purpose, train. Its
 * checks then say what is right or exactly what is missing
 * (nnb-lesson-check.h). The format is documented in docs/lessons.md. */
#pragma once

#include <glib.h>
#include "nnb-project.h"

G_BEGIN_DECLS

#define NNB_LESSON_FORMAT_VERSION 1

typedef enum
{
  NNB_LESSON_BLOCK_TEXT, /* a paragraph, translated; formulas written as text */
  NNB_LESSON_BLOCK_CODE, /* PyTorch code or output, verbatim */
} NnbLessonBlockKind;

typedef struct
{
  NnbLessonBlockKind kind;
  char *text;
} NnbLessonBlock;

/* What "Show me" prints about the loaded model (flags). */
typedef enum
{
  NNB_LESSON_SHOW_MODEL = 1 << 0,         /* print(model) */
  NNB_LESSON_SHOW_PARAMETERS = 1 << 1,    /* named_parameters() and the total */
  NNB_LESSON_SHOW_TRACE = 1 << 2,         /* the forward hook's shape trace */
  NNB_LESSON_SHOW_VALUES = 1 << 3,        /* every parameter's values */
  NNB_LESSON_SHOW_STD = 1 << 4,           /* <parameter>.std() */
  NNB_LESSON_SHOW_COUNT = 1 << 5,         /* print("params:", sum(p.numel() …)) */
  NNB_LESSON_SHOW_PROBABILITIES = 1 << 6, /* logits, probabilities and classes of the first rows */
  NNB_LESSON_SHOW_TRAIN_EVAL = 1 << 7,    /* model(X[:rows]) twice in train mode, twice in eval mode */
  NNB_LESSON_SHOW_TRAINING = 1 << 8,      /* every module's .training flag */
  NNB_LESSON_SHOW_STATE_DICT = 1 << 9,    /* state_dict(): parameters and buffers */
} NnbLessonShow;

typedef enum
{
  NNB_LESSON_MISTAKE_NONE,
  NNB_LESSON_MISTAKE_FORWARD,        /* model(x) with an input of the step's shape */
  NNB_LESSON_MISTAKE_DEVICE,         /* model on the GPU, input on the CPU */
  NNB_LESSON_MISTAKE_ACCUMULATE,     /* backward three times without zero_grad */
  NNB_LESSON_MISTAKE_TARGET,         /* the loss with the targets students get wrong */
  NNB_LESSON_MISTAKE_EVAL_FORGOTTEN, /* the test loss measured in train mode */
  NNB_LESSON_MISTAKE_MISSING_BUFFER, /* a state_dict loaded without its running_var */
} NnbLessonMistake;

typedef enum
{
  NNB_LESSON_CHECK_PARAMETER_COUNT, /* value: the total; < 0: any, just say it */
  NNB_LESSON_CHECK_PARAMETER_NAMES, /* text: names, space-separated, in order */
  NNB_LESSON_CHECK_PARAMETER_SHAPE, /* parameter: name; text: "(2, 3)" */
  NNB_LESSON_CHECK_OUTPUT_SHAPE,    /* input: the input's shape; text: "(5, 1)" */
  NNB_LESSON_CHECK_TRACE,           /* input; text: the trace's lines, joined by ";" */
  NNB_LESSON_CHECK_ACTIVATIONS,     /* text: the class every activation must be */
  NNB_LESSON_CHECK_HIDDEN_LAYERS,   /* value: the least number of hidden layers */
  NNB_LESSON_CHECK_INIT,            /* text: the init method of every Linear's weight */
  NNB_LESSON_CHECK_STD,             /* parameter; value: its std() to 4 decimals */
  NNB_LESSON_CHECK_LOSS_BELOW,      /* value: the final loss must be below it */
  NNB_LESSON_CHECK_DIVERGED,        /* the last training ended in NaN or inf */
  NNB_LESSON_CHECK_ERROR,           /* text: the mistake's message */
  NNB_LESSON_CHECK_GRADIENTS,       /* the gradients grew 1×, 2×, 3× */
  NNB_LESSON_CHECK_COMPARE,         /* text: a kept run whose loss must be lower */
  NNB_LESSON_CHECK_SKIP_CONNECTION, /* an add of the first activation and a branch computed from it */
  NNB_LESSON_CHECK_CLASS,           /* text: the model's class ("SineNet", "Linear") */
  NNB_LESSON_CHECK_DATA,            /* data: what the model was trained on (fields in data_fields) */
  NNB_LESSON_CHECK_DEVICE,          /* the device mistake's message, then the fixed call; nothing without CUDA */
  NNB_LESSON_CHECK_LOSS,            /* text: the loss the project trains with ("CrossEntropyLoss") */
  NNB_LESSON_CHECK_LAST_LAYER,      /* text: the class of the forward's last layer ("Linear") */
  NNB_LESSON_CHECK_ACCURACY_ABOVE,  /* value: the last training's accuracy, in percent, must be above it */
  NNB_LESSON_CHECK_ACCURACY_BELOW,  /* value: … must be below it */
  NNB_LESSON_CHECK_MODE,            /* text: "train" or "eval", the mode the model is in */
  NNB_LESSON_CHECK_MODULE,          /* text: a class the model must hold ("BatchNorm1d") */
  NNB_LESSON_CHECK_STATE_DICT,      /* value: the state_dict's entries, buffers included */
} NnbLessonCheckKind;

/* The fields a data check compares besides the kind (flags). */
typedef enum
{
  NNB_LESSON_DATA_N = 1 << 0,
  NNB_LESSON_DATA_A = 1 << 1,
  NNB_LESSON_DATA_B = 1 << 2,
  NNB_LESSON_DATA_C = 1 << 3,
  NNB_LESSON_DATA_NOISE = 1 << 4,
  NNB_LESSON_DATA_X_MAX = 1 << 5,
  /* the class kinds' own fields */
  NNB_LESSON_DATA_RADIUS = 1 << 6,
  NNB_LESSON_DATA_DISTANCE = 1 << 7,
  NNB_LESSON_DATA_TURNS = 1 << 8,
  NNB_LESSON_DATA_CLASSES = 1 << 9,
} NnbLessonDataFields;

typedef struct
{
  NnbLessonCheckKind kind;
  char *text;
  char *parameter;
  int ndim; /* input shape, for OUTPUT_SHAPE and TRACE */
  int64_t input[NNB_MAX_DIMS];
  double value;
  NnbDataSpec data; /* DATA: the kind, and the fields data_fields names */
  NnbLessonDataFields data_fields;
} NnbLessonCheck;

typedef struct
{
  char *id;          /* unique in the lesson: progress is kept by it */
  char *title;       /* translated */
  GPtrArray *blocks; /* NnbLessonBlock* */

  /* "Show me", in this order */
  char *keep;         /* keep the current run under this label first */
  char *load_example; /* "sinenet": data/examples/sinenet.nnb (in the resources) */
  char *load_file;    /* a .nnb path, relative to the lesson's folder */
  char *load_json;    /* inline .nnb */
  gboolean has_init;  /* override the project's init */
  NnbInitMethod init_weight, init_bias;
  gboolean has_init_seed;
  guint64 init_seed;
  gboolean has_data; /* override the project's data */
  NnbDataSpec data;
  gboolean has_seed;
  guint64 seed;
  gboolean has_lr, has_epochs, has_until_loss, has_log_every, has_loss;
  double lr;
  int epochs;
  double until_loss;
  int log_every;
  NnbLossKind loss;
  NnbLessonShow show;
  char *show_parameter; /* for NNB_LESSON_SHOW_STD */
  int show_ndim;        /* the trace's input shape (0: batch 5 of the model's features) */
  int64_t show_input[NNB_MAX_DIMS];
  int show_rows;     /* NNB_LESSON_SHOW_PROBABILITIES, _TRAIN_EVAL: how many rows of the data */
  guint64 show_seed; /* NNB_LESSON_SHOW_TRAIN_EVAL: torch.manual_seed before the passes */
  NnbLessonMistake mistake;
  int mistake_ndim;
  int64_t mistake_input[NNB_MAX_DIMS];
  gboolean train;

  GPtrArray *checks; /* NnbLessonCheck* */
} NnbLessonStep;

typedef struct
{
  char *id;         /* "day02": the file's name without ".lesson" */
  char *title;      /* translated */
  char *base_dir;   /* where load file= paths start; NULL for built-in lessons */
  GPtrArray *steps; /* NnbLessonStep* */
  /*< private >*/
  gint ref_count;
} NnbLesson;

/* Parses lesson XML. Messages name the line and what is wrong. */
NnbLesson *nnb_lesson_new_from_data (const char *id, const char *xml, gssize length,
                                     const char *base_dir, GError **error);
NnbLesson *nnb_lesson_new_from_file (const char *path, GError **error);
NnbLesson *nnb_lesson_ref (NnbLesson *lesson);
void nnb_lesson_unref (NnbLesson *lesson);

/* The lessons there are: the built-in ones (compiled into the program) and
 * the instructor's, from <user data dir>/nnblocks/lessons/NAME.lesson. A user
 * lesson with a built-in's name replaces it. Sorted by name. */
GPtrArray *nnb_lesson_list_ids (void);
/* Reads the lesson named id; an unknown name gets a message listing the names. */
NnbLesson *nnb_lesson_find (const char *id, GError **error);
/* Where instructors put their lessons. */
char *nnb_lesson_user_dir (void);

int nnb_lesson_find_step (const NnbLesson *lesson, const char *step_id); /* -1: none */
/* TRUE when the step loads, shows, trains or makes a mistake: "Show me" has
 * something to do. */
gboolean nnb_lesson_step_has_action (const NnbLessonStep *step);
gboolean nnb_lesson_step_loads (const NnbLessonStep *step);
/* TRUE when the step changes the training settings (lr, epochs, …, loss). */
gboolean nnb_lesson_step_has_settings (const NnbLessonStep *step);

/* Reads the step's project (example, file or inline) and applies the
 * step's init, data and training settings. Does not build it. */
NnbProject *nnb_lesson_step_load_project (const NnbLesson *lesson, const NnbLessonStep *step, GError **error);
/* Applies the step's training settings to a project already shown. */
void nnb_lesson_step_apply_settings (const NnbLessonStep *step, NnbProject *project);

/* The text of a built-in example project ("sinenet"), or NULL. */
GBytes *nnb_lesson_lookup_example (const char *name, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnbLesson, nnb_lesson_unref)

G_END_DECLS
