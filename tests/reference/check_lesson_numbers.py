#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Holds every number in the Day 2 lesson's text against real PyTorch.

    /usr/bin/python3 tests/reference/check_lesson_numbers.py data/lessons/day02.lesson [OUTPUT]

runs tests/reference/lesson_numbers.py (the page's programs in PyTorch
1.13; or reads its saved OUTPUT) and checks two things:

1. Each sentence in QUOTES below is in the lesson, with the numbers that
   lesson_numbers.py prints under the label named in its {braces}. This is
   the map from the lesson's results to the lines that produce them.
2. Every number anywhere in the lesson's paragraphs and titles appears in
   lesson_numbers.py's output: the results, and the sizes, seeds and rates
   the programs are run with. A number added to the lesson without a
   program behind it fails here.

Exits 77 (skipped, for meson) when this Python has no torch, or 1 with
NNB_TEST_STRICT=1 (./test.sh), where the set-up should have installed it.
"""
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))

# A number as the lesson writes it: 561.6481, -0.0043, 1544, the 3 in 3x.
NUMBER = r"-?\d+(?:\.\d+)?"
NUMBER_TOKEN = re.compile(r"(?<![\w.])" + NUMBER)

# The lesson's sentences that quote a result, {label} standing for the
# value lesson_numbers.py prints as `label = value`.
QUOTES = [
    "With the seed 0, PyTorch {pytorch_version} fills the weight with {linear_weight} and the bias with {linear_bias};",
    "Its weight has the shape {linear_weight_shape}, outputs by inputs, and its bias the shape {linear_bias_shape},",
    "is {linear_batch_out}.",
    "mat1 is the input, 1 row by 5, and mat2 is the transposed weight, 3 by 2.",
    "353 in all.",
    "Real PyTorch {pytorch_version} prints {init_fc1_weight_std} here",
    "xavier_uniform_ draws from ±√({xavier_bound_fan_in_fan_out}) ≈ ±{xavier_bound}, "
    "whose standard deviation is {xavier_bound} / √3 ≈ {xavier_std}.",
    "Real PyTorch prints the losses {regression_loss_epoch_0}, {regression_loss_epoch_50}, "
    "{regression_loss_epoch_100}, {regression_loss_epoch_150} and {regression_loss_epoch_199} "
    "at epochs 0, 50, 100, 150 and 199, and learns {regression_learned}.",
    "A flat (100,) target against (100, 1) predictions does not fail: PyTorch broadcasts them to (100, 100),",
    "The weight's gradient grows {zero_grad_weight_grads}:",
    "trains SineNet (hidden layers of {sinenet_hidden}) with lr 0.1.",
    "the loss goes {sinenet_lr_0_1_first_losses} over the first three epochs, is inf from epoch "
    "{sinenet_lr_0_1_first_inf_epoch} and NaN from epoch {sinenet_lr_0_1_first_nan_epoch}.",
    "The page's claim that it settles near {page_claim_sinenet_loss}",
    "the loss drops below 0.02 at epoch {sinenet_lr_0_05_converged_epoch}.",
    "still at {sinenet_lr_0_01_final_loss} after {sinenet_lr_0_01_epochs} epochs.",
    "1×64 + 64 + 64×64 + 64 + 64×1 + 1 = {sinenet_parameters} parameters.",
    "The line ends at a loss of {linear_on_sine_final_loss},",
    "whether that yields {linear_on_sine_tensors} tensors or {sinenet_parameters} numbers.",
    # tests/reference/day02_text_numbers.py (issue 26)
    "With a = √5 the weights come from U(−1/√fan_in, 1/√fan_in),",
    "Stack {relu_stack_layers} layers of Linear({relu_stack_width}, {relu_stack_width}) and ReLU and feed them "
    "{relu_stack_batch} rows of torch.randn, seed 0: with the default init the activations' standard deviation is "
    "{relu_stack_default_std_layer_1} after the first layer and {relu_stack_default_std_layer_10} after the tenth, "
    "while nn.init.kaiming_uniform_(m.weight, nonlinearity='relu') keeps it at about {relu_stack_kaiming_relu_std_about}.",
    "x.unsqueeze(1) does not help here: it makes (5, 1), and the message becomes (5x1 and 3x2).",
    "a single sample of shape {single_sample_in} goes through and comes out as {single_sample_out},",
    "mlp[0].weight has the shape {mlp_index_0_weight_shape}.",
    "the parameters are then called fc1.weight, fc1.bias, head.weight and head.bias,",
    "A Linear(3, 16) followed by nn.BatchNorm1d(16) has the parameters 0.weight, 0.bias, 1.weight and 1.bias, "
    "while its state_dict() adds 1.running_mean, 1.running_var and 1.num_batches_tracked.",
    "Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu! "
    "(when checking argument for argument mat1 in method wrapper_addmm).",
    "print rounds a tensor to four decimals, {zero_grad_print_default}, unless "
    "torch.set_printoptions(precision=7) asks for more,",
    "without it goes {no_zero_grad_first_losses} over the first three epochs, jumps between "
    "{no_zero_grad_first_40_range} for the rest of the first {no_zero_grad_first_40_epochs}, "
    "never gets below 0.02, and is inf from epoch {no_zero_grad_first_inf_epoch}.",
    "climbs from 0.5604 to {sinenet_lr_0_05_peak} before it falls.",
    "With 0.2 the loss is inf from epoch {page_hint_lr_0_2_first_inf_epoch} and NaN from "
    "{page_hint_lr_0_2_first_nan_epoch}, with 0.5 inf from epoch {page_hint_lr_0_5_first_inf_epoch} and NaN from "
    "{page_hint_lr_0_5_first_nan_epoch}, against {page_hint_lr_0_1_first_inf_epoch} and "
    "{page_hint_lr_0_1_first_nan_epoch} with 0.1.",
    "the best straight line, solved exactly by least squares, has a loss of {best_straight_line_loss} too",
    "Keeping those without children drops the MLP, whose hook would print one more line at the end, "
    "for the whole forward's output of shape {hook_model_output_shape}.",
    "call the same nn.BatchNorm1d on two batches in training and both update its running statistics "
    "(num_batches_tracked is then {reused_batchnorm_num_batches_tracked}).",
]

# Every number must match exactly, the results of thousands of float32
# steps included: nnb_pytorch_env pins the kernels (OpenBLAS's Haswell, ATen's
# AVX2) whose order of float sums they depend on. (FACTS.md's 1544 and 0.0330
# came from PyTorch's AVX-512 kernels; with AVX2 the page's programs give 1543
# and 0.0332, and so does NN Blocks.)


def lesson_text(path):
    """The paragraphs and titles, whitespace collapsed as the app shows them."""
    root = ET.parse(path).getroot()
    parts = []
    for element in root.iter():
        if element.tag in ("title", "p"):
            parts.append(" ".join("".join(element.itertext()).split()))
    return "\n".join(parts)


def run_programs():
    script = os.path.join(HERE, "lesson_numbers.py")
    done = subprocess.run([sys.executable, script], stdout=subprocess.PIPE, check=True, text=True)
    return done.stdout


def parse(output):
    values = {}
    for line in output.splitlines():
        label, sep, value = line.partition(" = ")
        if sep:
            values[label.strip()] = value.strip()
    return values


def value_pattern(value, label):
    """A regex for value as the lesson would write it, numbers captured."""
    # the label's value may carry a remark in parentheses: only what comes before counts
    value = re.sub(r"\s*\(the page's.*$|\s*\(below .*$", "", value)
    pieces, pos = [], 0
    for m in re.finditer(NUMBER, value):
        pieces.append(re.escape(value[pos:m.start()]))
        pieces.append("(" + NUMBER + ")")
        pos = m.end()
    pieces.append(re.escape(value[pos:]))
    return "".join(pieces), [m.group(0) for m in re.finditer(NUMBER, value)]


def close(label, said, real):
    return said == real


def check_quotes(text, values):
    problems, covered = [], set()
    for quote in QUOTES:
        pattern, expected = "", []
        pos = 0
        for m in re.finditer(r"\{(\w+)\}", quote):
            pattern += re.escape(quote[pos:m.start()])
            label = m.group(1)
            if label not in values:
                problems.append(f"lesson_numbers.py printed no {label}")
                continue
            sub, numbers = value_pattern(values[label], label)
            pattern += sub
            expected += [(label, n) for n in numbers]
            pos = m.end()
        pattern += re.escape(quote[pos:])
        # the numbers from PyTorch are captured, whatever they are, to say which differ
        found = re.search(pattern, text)
        if found is None:
            labels = re.findall(r"\{(\w+)\}", quote)
            printed = ", ".join(f"{label} = {values.get(label)}" for label in labels)
            problems.append(f"the lesson does not say “{quote}” (lesson_numbers.py: {printed})")
            continue
        for (label, real), said in zip(expected, found.groups()):
            if not close(label, said, real):
                problems.append(f"the lesson says {said} where PyTorch gives {real} ({label})")
        for m in NUMBER_TOKEN.finditer(found.group(0)):
            covered.add(m.group(0))
    return problems, covered


def check_every_number(text, output, covered):
    printed = {m.group(0) for m in NUMBER_TOKEN.finditer(output)}
    problems = []
    for m in NUMBER_TOKEN.finditer(text):
        number = m.group(0)
        if number not in printed and number not in covered:
            context = text[max(0, m.start() - 40):m.end() + 40].replace("\n", " ")
            problems.append(f"the lesson quotes {number} (“…{context}…”), which lesson_numbers.py never prints")
    return problems


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    try:
        import torch  # noqa: F401
    except ImportError:
        print("this Python cannot import torch (apt-get install python3-torch)")
        # ./test.sh installs torch: a missing one there fails (NNB_TEST_STRICT)
        return 1 if os.environ.get("NNB_TEST_STRICT") == "1" else 77
    text = lesson_text(sys.argv[1])
    output = open(sys.argv[2]).read() if len(sys.argv) > 2 else run_programs()
    values = parse(output)
    problems, covered = check_quotes(text, values)
    problems += check_every_number(text, output, covered)
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print(f"{len(QUOTES)} quoted sentences and {len(NUMBER_TOKEN.findall(text))} numbers of the lesson "
          "match the page's programs in PyTorch")
    return 0


if __name__ == "__main__":
    sys.exit(main())
