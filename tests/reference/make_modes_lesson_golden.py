#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Golden numbers of the lesson "Train mode, eval mode and buffers"
(data/lessons/modes.lesson), from real PyTorch 1.13.

The lesson's projects are files in data/lessons/ (modes-dropout.nnb,
modes-batchnorm.nnb), replayed with tests/reference/nnb_torch.py's recipe,
so that the lesson, NN Blocks and this script read the same files. The
file holds, as text, what each Show me prints:

- "train-eval": <show what="train-eval" rows="2"/>: torch.manual_seed(0),
  then model(X[:2]) twice in train mode (Dropout draws a new mask each
  time) and twice after model.eval() (the same numbers).
- "training": <show what="training"/>: every module's .training flag.
- "state-dict": <show what="state_dict"/>: state_dict()'s keys and shapes,
  which are parameters and which buffers, and the counts.
- "train-log": the BatchNorm1d network's training log (full batch).
- "eval-forgotten": <mistake kind="eval-forgotten"/> on the trained
  network: the test loss in eval mode, in train mode (the mistake), and
  in eval mode again after the running estimates moved.
- "missing-buffer": <mistake kind="missing-buffer"/>: the state_dict
  loaded into a fresh network gives the same eval output; without
  "1.running_var" load_state_dict refuses with PyTorch's message.

    /usr/bin/python3 tests/reference/make_modes_lesson_golden.py

writes tests/data/modes-lesson.json. With --check it writes nothing: it
holds the file to what PyTorch computes now, and every number in the
lesson's paragraphs and titles to the file (exit 77, skipped, where this
Python has no torch).
"""
import copy
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

import nnb_pytorch_env  # noqa: E402,F401  (before torch and numpy load)

try:
    import torch  # noqa: E402
    import torch.nn as nn  # noqa: E402
except ImportError:
    print("no torch in this Python: skipped")
    sys.exit(1 if os.environ.get("NNB_TEST_STRICT") == "1" else 77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nnb_torch  # noqa: E402
from nnb_torch import build_split, make_optimizer  # noqa: E402

torch.set_num_threads(1)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LESSONS = os.path.join(ROOT, "data", "lessons")
OUT = os.path.join(HERE, "..", "data", "modes-lesson.json")

# nnb_torch.py may not know BatchNorm1d yet: the project file's fields
_make_module = nnb_torch.make_module


def make_module(spec):
    if spec["type"] == "BatchNorm1d":
        return nn.BatchNorm1d(spec["num_features"], eps=spec.get("eps", 1e-5), momentum=spec.get("momentum", 0.1),
                              affine=spec.get("affine", True),
                              track_running_stats=spec.get("track_running_stats", True))
    return _make_module(spec)


nnb_torch.make_module = make_module


def load(name):
    with open(os.path.join(LESSONS, name)) as f:
        return json.load(f)


def show_train_eval(project, rows, seed):
    model, data = build_split(project)
    x = data["x"][:rows]
    lines = [f"x = X[:{rows}]", "with torch.no_grad():", f"    torch.manual_seed({seed})", "    model.train()"]
    with torch.no_grad():
        torch.manual_seed(seed)
        model.train()
        for which in ("1st", "2nd"):
            lines += [f"    print(model(x))  # train, {which}", str(model(x))]
        model.eval()
        lines.append("    model.eval()")
        for which in ("1st", "2nd"):
            lines += [f"    print(model(x))  # eval, {which}", str(model(x))]
    return "\n".join(lines) + "\n"


def show_training(project):
    model, _ = build_split(project)
    lines = ["for name, m in model.named_modules():", "    print(name or \"model\", type(m).__name__,",
             "          m.training)"]
    for name, m in model.named_modules():
        lines.append(f"{name or 'model'} {type(m).__name__} {m.training}")
    return "\n".join(lines) + "\n"


def show_state_dict(project):
    model, _ = build_split(project)
    params = dict(model.named_parameters())
    buffers = dict(model.named_buffers())
    state = model.state_dict()
    lines = ["for name, t in model.state_dict().items():", "    print(f\"{name:21s} {tuple(t.shape)}\")"]
    for name, t in state.items():
        lines.append(f"{name:21s} {tuple(t.shape)}")
    lines.append("for name, b in model.named_buffers():")
    lines.append("    print(name)")
    lines += list(buffers)
    n_params = sum(p.numel() for p in params.values())
    n_buffers = sum(b.numel() for b in buffers.values())
    lines += ["print(sum(p.numel() for p in model.parameters()))", str(n_params),
              "print(sum(b.numel() for b in model.buffers()))", str(n_buffers),
              "print(len(model.state_dict()))", str(len(state))]
    return "\n".join(lines) + "\n", {"parameters": n_params, "parameter-tensors": len(params),
                                      "buffers": n_buffers, "buffer-tensors": len(buffers),
                                      "entries": len(state), "values": sum(t.numel() for t in state.values())}


def train(project):
    """Full-batch training as the lesson runs it (model.train() for the
    step, model.eval() for the test loss after it)."""
    model, data = build_split(project)
    t = project["training"]
    optimizer = make_optimizer(model, t)
    fn = getattr(nn, t["loss"])()
    x, y = data["x"], data["y"]
    assert not t.get("batch_size")
    lines = []
    every = t.get("log_every", 0)
    for epoch in range(t["epochs"]):
        model.train()
        y_hat = model(x)
        loss = fn(y_hat, y)
        accuracy = (y_hat.argmax(1) == y).sum().item() / len(x)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        model.eval()
        if every > 0 and (epoch % every == 0 or epoch == t["epochs"] - 1):
            lines.append("epoch %3d loss %.4f accuracy %.4f" % (epoch, loss.item(), accuracy))
    return model, data, fn, "\n".join(lines) + "\n"


def bn_name(model):
    return next(name for name, m in model.named_modules() if isinstance(m, nn.BatchNorm1d))


def eval_forgotten(model, data, fn):
    """test_loss() is the lesson's: loss_fn(model(X_test), y_test) under
    torch.no_grad()"""
    bn = bn_name(model)
    module = dict(model.named_modules())[bn]
    x, y = data["x_test"], data["y_test"]
    lines = []
    with torch.no_grad():
        model.eval()
        right = fn(model(x), y)
        lines += ["model.eval()", "print(test_loss())", str(right)]
        before_n = str(module.num_batches_tracked)
        before_mean = module.running_mean.clone()
        lines += [f"print(model[{bn}].num_batches_tracked)", before_n,
                  f"before = model[{bn}].running_mean.clone()", "model.train()  # eval() forgotten"]
        model.train()
        wrong = fn(model(x), y)
        moved = (module.running_mean - before_mean).abs().max()
        lines += ["print(test_loss())", str(wrong), f"print(model[{bn}].num_batches_tracked)",
                  str(module.num_batches_tracked), f"moved = model[{bn}].running_mean - before",
                  "print(moved.abs().max())", str(moved)]
        model.eval()
        again = fn(model(x), y)
        lines += ["model.eval()", "print(test_loss())", str(again)]
    return "\n".join(lines) + "\n", {"eval": str(right), "train": str(wrong), "again": str(again),
                                      "moved": str(moved), "tracked": int(module.num_batches_tracked)}


def missing_buffer(project, model, data):
    bn = bn_name(model)
    fresh, _ = build_split(project)
    state = copy.deepcopy(model.state_dict())
    fresh.load_state_dict(state)
    model.eval()
    fresh.eval()
    same = torch.equal(model(data["x_test"]), fresh(data["x_test"]))
    key = f"{bn}.running_var"
    del state[key]
    try:
        fresh.load_state_dict(state)
        raise SystemExit("load_state_dict did not refuse")
    except RuntimeError as e:
        message = str(e)
    lines = ["state = model.state_dict()",
             "save_file(state, \"m.safetensors\")",
             "fresh = make_model()  # new weights",
             "state = load_file(\"m.safetensors\")",
             "fresh.load_state_dict(state)",
             "fresh.eval()",
             "a, b = model(X_test), fresh(X_test)",
             "print(torch.equal(a, b))",
             str(same),
             f"del state[\"{key}\"]",
             "fresh.load_state_dict(state)",
             f"RuntimeError: {message}"]
    return "\n".join(lines) + "\n", message


NUMBER = re.compile(r"(?<![\w.])[−-]?\d+(?:\.\d+)?")


def check(out):
    with open(OUT) as f:
        if json.load(f) != json.loads(json.dumps(out)):
            raise SystemExit(f"{os.path.normpath(OUT)} is not what PyTorch computes now: rerun this script")
    behind = set()
    for value in out["shows"].values():
        behind.update(NUMBER.findall(value))
    for value in out["quotes"].values():
        behind.update(NUMBER.findall(json.dumps(value)))
    for name in ("modes-dropout.nnb", "modes-batchnorm.nnb"):
        behind.update(NUMBER.findall(json.dumps(load(name))))
    behind = {n.replace("−", "-") for n in behind}
    # counting words and the shapes of the code, not results
    behind.update(["0", "1", "2", "3", "4", "5", "6"])
    # the quotes' counts as numbers
    behind.update(str(v) for v in out["quotes"]["counts"].values())
    missing = []
    for element in ET.parse(os.path.join(LESSONS, "modes.lesson")).iter():
        if element.tag in ("p", "title") and element.text:
            text = " ".join(element.text.split())
            missing += [(n, text[:60]) for n in NUMBER.findall(text) if n.replace("−", "-") not in behind]
    for number, where in missing:
        print(f"modes.lesson quotes {number} (“{where}…”), which PyTorch's runs here do not give")
    if missing:
        raise SystemExit(1)
    print("modes.lesson: every number is PyTorch's")


def main():
    dropout = load("modes-dropout.nnb")
    batchnorm = load("modes-batchnorm.nnb")
    state_text, counts = show_state_dict(batchnorm)
    model, data, fn, log = train(batchnorm)
    forgotten, numbers = eval_forgotten(model, data, fn)
    missing, message = missing_buffer(batchnorm, model, data)
    out = {"torch": torch.__version__,
           "format": "what each Show me prints, as text",
           "shows": {"train-eval": show_train_eval(dropout, 2, 0),
                     "training": show_training(batchnorm),
                     "state-dict": state_text,
                     "train-log": log,
                     "eval-forgotten": forgotten,
                     "missing-buffer": missing},
           "quotes": {"counts": counts, "eval-forgotten": numbers, "message": message,
                      "rows": {"train": len(data["x"]), "test": len(data["x_test"])}}}
    if "--check" in sys.argv[1:]:
        check(out)
        return
    for name, text in out["shows"].items():
        print(f"--- {name}\n{text}", end="")
    print(out["quotes"])
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"wrote {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
