# SPDX-License-Identifier: GPL-3.0-or-later
"""The PyTorch NN Blocks reproduces, chosen before torch loads: import this
module before `import torch` (and before numpy, which loads OpenBLAS too).

- OPENBLAS_CORETYPE=Haswell: OpenBLAS's kernel, which decides the order of
  the matrix products' float sums; NN Blocks loads OpenBLAS with the same one
  (src/core/nnb-blas.h), whatever the processor would choose.
- OPENBLAS_NUM_THREADS=1 (and torch.set_num_threads(1) after the import):
  the sums' order follows the thread count too.
- ATEN_CPU_CAPABILITY=avx2: PyTorch's own vectorised kernels (sums, tanh's
  gradient) in 8-float lanes, as on every processor without AVX-512; with
  AVX-512 they sum in another order and long runs end a few epochs apart.
"""
import os

os.environ["OPENBLAS_CORETYPE"] = "Haswell"
# forced, not defaulted: a shell's OPENBLAS_NUM_THREADS=2 changed the sums'
# order of every product past M·N·K = 262,144 (Linear(128, 128) on 18 rows)
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["ATEN_CPU_CAPABILITY"] = "avx2"
