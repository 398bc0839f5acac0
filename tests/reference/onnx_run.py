#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks an ONNX file exported by NN Blocks and evaluates it.

    onnx_run.py MODEL.onnx [INPUT.json]

Runs onnx.checker.check_model (full check, with shape inference) and
strict shape inference, then, given an input ({"shape": [...],
"data": [...]}), evaluates the graph node by node with PyTorch — onnx 1.12
has no reference evaluator and onnxruntime is not packaged in Debian 12.
The interpreter knows only the operators NN Blocks writes and follows
their ONNX definitions (Gemm with alpha, beta, transA, transB). Prints
one JSON object: {"ir_version", "opset", "producer", "input_dims",
"output_dims", "ops", "output": {"shape", "data"}}.
"""
import json
import sys

# the PyTorch NN Blocks reproduces: OpenBLAS kernel, threads, ATen kernels
import nnb_pytorch_env  # noqa: E402,F401  (before torch and numpy load)

import onnx
import onnx.checker
import onnx.numpy_helper
import onnx.shape_inference
import torch


def dims(value_info):
    return [d.dim_param if d.HasField("dim_param") else d.dim_value
            for d in value_info.type.tensor_type.shape.dim]


def attributes(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def gemm(inputs, attrs):
    a, b = inputs[0], inputs[1]
    if attrs.get("transA", 0):
        a = a.t()
    if attrs.get("transB", 0):
        b = b.t()
    y = attrs.get("alpha", 1.0) * (a @ b)
    if len(inputs) > 2 and inputs[2] is not None:
        y = y + attrs.get("beta", 1.0) * inputs[2]
    return y


OPS = {
    "Gemm": gemm,
    "Relu": lambda i, a: torch.relu(i[0]),
    "Tanh": lambda i, a: torch.tanh(i[0]),
    "Sigmoid": lambda i, a: torch.sigmoid(i[0]),
    "LeakyRelu": lambda i, a: torch.nn.functional.leaky_relu(i[0], a.get("alpha", 0.01)),
    "Identity": lambda i, a: i[0],
    "Add": lambda i, a: i[0] + i[1],
    "Mul": lambda i, a: i[0] * i[1],
    "Div": lambda i, a: i[0] / i[1],
    "Erf": lambda i, a: torch.erf(i[0]),
    # opset 13: over one axis (default -1), as nn.Softmax(dim) and nn.LogSoftmax(dim)
    "Softmax": lambda i, a: torch.softmax(i[0], a.get("axis", -1)),
    "LogSoftmax": lambda i, a: torch.log_softmax(i[0], a.get("axis", -1)),
    # LayerNorm's decomposition (opset 13 has no LayerNormalization)
    "ReduceMean": lambda i, a: torch.mean(i[0], dim=a["axes"], keepdim=bool(a.get("keepdims", 1))),
    "Sub": lambda i, a: i[0] - i[1],
    "Sqrt": lambda i, a: torch.sqrt(i[0]),
    # torch.cat's node, along its axis
    "Concat": lambda i, a: torch.cat(i, dim=a["axis"]),
}


def evaluate(model, x):
    values = {init.name: torch.from_numpy(onnx.numpy_helper.to_array(init).copy())
              for init in model.graph.initializer}
    values[model.graph.input[0].name] = x
    for node in model.graph.node:
        inputs = [values[name] if name else None for name in node.input]
        values[node.output[0]] = OPS[node.op_type](inputs, attributes(node))
    return values[model.graph.output[0].name]


def main():
    model = onnx.load(sys.argv[1])
    onnx.checker.check_model(model, full_check=True)
    inferred = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    result = {
        "ir_version": model.ir_version,
        "opset": [[o.domain, o.version] for o in model.opset_import],
        "producer": model.producer_name,
        "input_dims": dims(model.graph.input[0]),
        "output_dims": dims(inferred.graph.output[0]),
        "ops": [n.op_type for n in model.graph.node],
        "initializers": [i.name for i in model.graph.initializer],
    }
    if len(sys.argv) > 2:
        with open(sys.argv[2]) as f:
            spec = json.load(f)
        x = torch.tensor(spec["data"], dtype=torch.float32).reshape(spec["shape"])
        with torch.no_grad():
            y = evaluate(model, x)
        result["output"] = {"shape": list(y.shape), "data": [float(v) for v in y.reshape(-1)]}
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
