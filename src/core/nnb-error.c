#include "nnb-error.h"

G_DEFINE_QUARK (nnb-error-quark, nnb_error)
G_DEFINE_QUARK (nnb-file-error-quark, nnb_file_error)
