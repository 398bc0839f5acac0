#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Golden numbers of the lesson "Classifying with nn.Module"
(data/lessons/classify.lesson), from real PyTorch 1.13.

Every project the lesson loads is a file in data/lessons/, replayed here
with tests/reference/nnb_torch.py's recipe (docs/file-format.md), so that
the lesson, NN Blocks and this script read the same files:

- "runs": each project the lesson trains (and two that only its text
  quotes: the spiral with one hidden layer of 32 and of 4), with every
  epoch's loss as float32 bits (8 hex digits), every epoch's accuracy
      correct = (y_hat.argmax(1) == y).sum().item(); accuracy = correct / len(X)
  (counted on the forward pass before each step, as NN Blocks counts it)
  and the training log the lesson prints, "epoch  20 loss 0.6524 accuracy
  0.7100" every log_every epochs and at the last.
- "shows": what <show what="probabilities" rows="4"/> prints, made from
  PyTorch's own str() of logits, softmax and argmax, for the untrained
  xor model and for the same model after its 100 epochs.
- "mistakes": what <mistake kind="target"/> prints for the xor model
  (CrossEntropyLoss: a float column, classes counted from 1, then the
  right call) and for the one-output model (BCEWithLogitsLoss: class
  indices, then y.float().unsqueeze(1)), with PyTorch's exception names
  and messages.
- "quotes": further numbers and messages the lesson's text quotes.

tests/test-lesson-classify.c holds NN Blocks to all of it, bit for bit
where the engine computes as PyTorch does.

    /usr/bin/python3 tests/reference/make_classify_lesson_golden.py

writes tests/data/classify-lesson.json in a few seconds. With --check it
writes nothing: it holds the file to what PyTorch computes now, and every
number in the lesson's paragraphs to the file (a printout, a quote, a
project's setting or a parameter count), so that a number added to the
text without PyTorch behind it fails (meson's parity suite runs this;
exit 77, skipped, where this Python has no torch).
"""
import copy
import json
import math
import os
import re
import struct
import sys
import xml.etree.ElementTree as ET

# the PyTorch NN Blocks reproduces: OpenBLAS kernel, threads, ATen kernels
import nnb_pytorch_env  # noqa: E402,F401  (before torch and numpy load)

try:
    import torch  # noqa: E402
    import torch.nn as nn  # noqa: E402
except ImportError:
    print("no torch in this Python: skipped")
    sys.exit(1 if os.environ.get("NNB_TEST_STRICT") == "1" else 77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nnb_torch import build_split, make_optimizer  # noqa: E402

torch.set_num_threads(1)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LESSONS = os.path.join(ROOT, "data", "lessons")


def f32_hex(value):
    bits = struct.pack(">f", value)
    assert math.isnan(value) or struct.unpack(">f", bits)[0] == value, "loss.item() is a float32"
    return bits.hex()


def load(name):
    with open(os.path.join(LESSONS, name)) as f:
        return json.load(f)


def loss_fn(name):
    return getattr(nn, name)()


def log_lines(losses, accuracies, every):
    """The lesson's training log (nnb_lesson_training_log)."""
    lines = []
    for epoch, (loss, accuracy) in enumerate(zip(losses, accuracies)):
        if every > 0 and (epoch % every == 0 or epoch == len(losses) - 1):
            lines.append("epoch %3d loss %.4f accuracy %.4f" % (epoch, loss, accuracy))
    return "\n".join(lines) + "\n"


def train(project):
    """Full-batch training as the lesson runs it; returns the model too."""
    model, data = build_split(project)
    t = project["training"]
    optimizer = make_optimizer(model, t)
    fn = loss_fn(t["loss"])
    x, y = data["x"], data["y"]
    assert data["x_test"] is None and not t.get("batch_size")
    losses, accuracies = [], []
    for _ in range(t["epochs"]):
        y_hat = model(x)
        loss = fn(y_hat, y)
        accuracies.append((y_hat.argmax(1) == y).sum().item() / len(x))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return model, data, losses, accuracies


def run(name, project, file=None):
    _, _, losses, accuracies = train(project)
    out = {"name": name, "file": file, "project": project, "losses": [f32_hex(v) for v in losses],
           "accuracies": accuracies, "log": log_lines(losses, accuracies, project["training"].get("log_every", 0))}
    print(f"{name}: loss {losses[-1]:.4f}, accuracy {accuracies[-1]:.4f}", flush=True)
    return out


def with_hidden(project, widths, title):
    """The spiral project with other hidden layers (ReLU)."""
    p = copy.deepcopy(project)
    sizes = [2] + widths + [2]
    modules = []
    for i in range(len(sizes) - 1):
        modules.append({"type": "Linear", "in_features": sizes[i], "out_features": sizes[i + 1]})
        if i < len(sizes) - 2:
            modules.append({"type": "ReLU"})
    p["model"]["modules"] = modules
    p["title"] = title
    return p


def show_probabilities(model, x, y, rows):
    """<show what="probabilities" rows="…"/>, CrossEntropyLoss's reading."""
    with torch.no_grad():
        logits = model(x[:rows])
        probs = torch.softmax(logits, dim=1)
    return (f"print(X[:{rows}])\n{x[:rows]}\n"
            "with torch.no_grad():\n"
            f"    logits = model(X[:{rows}])\n"
            "    probs = torch.softmax(logits, dim=1)\n"
            f"print(logits)\n{logits}\n"
            f"print(probs)\n{probs}\n"
            f"print(probs.argmax(dim=1))\n{probs.argmax(dim=1)}\n"
            f"print(y[:{rows}])\n{y[:rows]}\n")


def attempt(fn, pred, target):
    try:
        return str(fn(pred, target))
    except Exception as e:  # PyTorch's message is the golden
        return f"{type(e).__name__}: {str(e).splitlines()[0]}"


def target_mistakes(project):
    """<mistake kind="target"/> on the project's untrained model."""
    model, data = build_split(project)
    x, y = data["x"], data["y"]
    name = project["training"]["loss"]
    fn = loss_fn(name)
    out = model(x)
    text = f"loss_fn = nn.{name}()\n"
    if name in ("CrossEntropyLoss", "NLLLoss"):
        text += f"print(y.shape, y.dtype)\n{y.shape} {y.dtype}\n"
        text += "loss_fn(model(X), y.float().unsqueeze(1))  # a float column, as for MSELoss\n"
        text += attempt(fn, out, y.float().unsqueeze(1)) + "\n"
        text += "loss_fn(model(X), y + 1)  # classes counted from 1\n"
        text += attempt(fn, out, y + 1) + "\n"
        text += "loss_fn(model(X), y)\n" + attempt(fn, out, y) + "\n"
    else:
        text += f"print(model(X).shape, y.shape, y.dtype)\n{out.shape} {y.shape} {y.dtype}\n"
        text += "loss_fn(model(X), y)  # the class indices\n" + attempt(fn, out, y) + "\n"
        text += "loss_fn(model(X), y.float().unsqueeze(1))\n" + attempt(fn, out, y.float().unsqueeze(1)) + "\n"
    return text


def printed(name, t):
    """str(t) as PyTorch prints it, for nnb_torch_str's own test."""
    values = t.detach().reshape(-1).tolist()
    integer = t.dtype == torch.int64
    return {"name": name, "shape": list(t.shape), "integer": integer,
            "grad_fn": type(t.grad_fn).__name__ if t.grad_fn is not None else None,
            "values": values if integer else [f32_hex(v) for v in values], "text": str(t)}


def prints():
    g = torch.Generator().manual_seed(3)
    loss = nn.CrossEntropyLoss()(torch.randn(4, 3, generator=g, requires_grad=True), torch.tensor([0, 2, 1, 1]))
    bce = nn.BCEWithLogitsLoss()(torch.randn(12, 1, generator=g, requires_grad=True), torch.ones(12, 1))
    wide = torch.randn(3, 7, generator=g, requires_grad=True) * 2
    return [
        printed("probabilities", torch.softmax(torch.randn(3, 2, generator=g), 1)),
        printed("negative-logits", torch.randn(4, 3, generator=g) * 2),
        printed("sure-probabilities", torch.tensor([[0.99997, 0.00003], [0.25, 0.75]])),  # sci mode: min < 1e-4
        printed("wide-range", torch.tensor([[1500.5, 0.5], [-2.25, 3.0]])),  # sci mode: max / min > 1000
        printed("whole-floats", torch.tensor([[1.0, 0.0], [-3.0, 12.0]])),  # int mode: "1."
        printed("whole-floats-far-apart", torch.tensor([2.0e9, 1.0, 0.0])),  # int mode, sci
        printed("zeros", torch.zeros(2, 2)),
        printed("vector-wraps", torch.randn(30, generator=g) * 3),
        printed("classes", torch.tensor([0, 1, 10, 2])),
        printed("many-classes", torch.arange(40) % 13),
        printed("loss-value", loss.detach()),
        printed("loss", loss),
        printed("bce-loss", bce),
        printed("suffix-on-its-own-line", wide),
        # 55 characters, and the suffix would fit in 80 but for PyTorch's two more
        printed("suffix-just-too-long", torch.rand(6, generator=g, requires_grad=True) * 2),
    ]


def message(fn, pred, target):
    try:
        fn(pred, target)
    except Exception as e:
        return str(e).splitlines()[0]
    raise AssertionError("PyTorch took it")


# A number as the lesson writes it: 0.7683, −0.5626, 300, the 2 in "Target 2".
NUMBER = re.compile(r"(?<![\w.])[−-]?\d+(?:\.\d+)?")


def numbers_behind(out):
    """Every number the golden file holds in its printouts and quotes, the
    lesson projects' settings and their parameter counts."""
    found = set()
    for item in out["runs"] + out["shows"] + out["mistakes"]:
        found.update(NUMBER.findall(item.get("log", item.get("text", ""))))
    for value in out["quotes"].values():
        found.update(NUMBER.findall(value))
    for name in os.listdir(LESSONS):
        if name.endswith(".nnb"):
            found.update(NUMBER.findall(json.dumps(load(name))))
            model, _ = build_split(load(name))
            found.add(str(sum(p.numel() for p in model.parameters())))
    return {n.replace("−", "-") for n in found}


def check(out):
    """The committed file is what PyTorch computes now, and every number in
    the lesson's paragraphs and titles is one of the file's."""
    path = os.path.join(HERE, "..", "data", "classify-lesson.json")
    with open(path) as f:
        if json.load(f) != json.loads(json.dumps(out)):
            raise SystemExit(f"{os.path.normpath(path)} is not what PyTorch computes now: rerun this script")
    behind = numbers_behind(out)
    # counting words and the coordinates of the data's square, not results
    behind.update(["0", "1", "2", "3", "4", "-1", "10", "50", "0.5", "1.0", "0.0"])
    missing = []
    for element in ET.parse(os.path.join(LESSONS, "classify.lesson")).iter():
        if element.tag in ("p", "title") and element.text:
            text = " ".join(element.text.split())
            missing += [(n, text[:60]) for n in NUMBER.findall(text) if n.replace("−", "-") not in behind]
    for number, where in missing:
        print(f"classify.lesson quotes {number} (“{where}…”), which PyTorch's runs here do not give")
    if missing:
        raise SystemExit(1)
    print("classify.lesson: every number is PyTorch's")


def main():
    xor = load("xor-tanh-8.nnb")
    spiral = load("spiral-relu-32-32.nnb")
    runs = [run(name, load(name + ".nnb"), "data/lessons/" + name + ".nnb")
            for name in ["xor-linear", "xor-tanh-8", "xor-softmax", "spiral-relu-32-32", "spiral-relu-4-4",
                         "spiral-tanh-32-32"]]
    runs.append(run("spiral-relu-32", with_hidden(spiral, [32], "the spiral with one hidden layer of 32")))
    runs.append(run("spiral-relu-4", with_hidden(spiral, [4], "the spiral with one hidden layer of 4")))

    model, data = build_split(xor)
    before = show_probabilities(model, data["x"], data["y"], 4)
    model, data, _, _ = train(xor)
    after = show_probabilities(model, data["x"], data["y"], 4)

    x, y = torch.randn(5, 2), torch.tensor([0, 1, 1, 0, 1])
    quotes = {
        # y.float() keeps (N,) but is no LongTensor: NN Blocks has no such target
        "float-flat": message(nn.CrossEntropyLoss(), x, y.float()),
        # the reverse of the one-output mistake: outputs squeezed to (N,)
        "squeezed-output": message(nn.BCEWithLogitsLoss(), torch.randn(300), torch.zeros(300, 1)),
        # the least CrossEntropyLoss of two softmax outputs: log(1 + e^-1)
        "softmax-floor": "%.4f" % nn.CrossEntropyLoss()(torch.tensor([[1.0, 0.0]]), torch.tensor([0])).item(),
        # and the largest probability softmax gives two numbers between 0 and 1
        "softmax-ceiling": "%.4f" % torch.softmax(torch.tensor([1.0, 0.0]), 0)[0].item(),
        "ln2": "%.4f" % math.log(2),
    }
    out = {"torch": torch.__version__,
           "format": "losses as float32 bits (big-endian hex), accuracies as Python floats, printouts as text",
           "runs": runs,
           "shows": [{"name": "untrained", "file": "data/lessons/xor-tanh-8.nnb", "trained": False, "text": before},
                     {"name": "trained", "file": "data/lessons/xor-tanh-8.nnb", "trained": True, "text": after}],
           "mistakes": [{"name": "cross-entropy", "file": "data/lessons/xor-tanh-8.nnb",
                         "text": target_mistakes(xor)},
                        {"name": "bce-with-logits", "file": "data/lessons/xor-one-output.nnb",
                         "text": target_mistakes(load("xor-one-output.nnb"))}],
           "quotes": quotes,
           "prints": prints()}
    if "--check" in sys.argv[1:]:
        check(out)
        return
    for item in out["shows"] + out["mistakes"]:
        print(f"--- {item['name']}\n{item['text']}", end="")
    print(quotes)
    path = os.path.join(HERE, "..", "data", "classify-lesson.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"wrote {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
