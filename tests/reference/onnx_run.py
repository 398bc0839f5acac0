#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks an ONNX file exported by NN Blocks and describes it.

    onnx_run.py MODEL.onnx

Runs onnx.checker.check_model (full check, with shape inference) and
strict shape inference, and prints one JSON object: {"ir_version",
"opset", "producer", "input_dims", "output_dims", "ops", "initializers"}.
The numbers come from a real ONNX runtime instead: onnxruntime-web under
node (tests/onnxruntime/run.mjs, nnb_test_assert_onnxruntime_matches).
"""
import json
import sys

import onnx
import onnx.checker
import onnx.shape_inference


def dims(value_info):
    return [d.dim_param if d.HasField("dim_param") else d.dim_value
            for d in value_info.type.tensor_type.shape.dim]


def main():
    model = onnx.load(sys.argv[1])
    onnx.checker.check_model(model, full_check=True)
    inferred = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    json.dump({
        "ir_version": model.ir_version,
        "opset": [[o.domain, o.version] for o in model.opset_import],
        "producer": model.producer_name,
        "input_dims": dims(model.graph.input[0]),
        "output_dims": dims(inferred.graph.output[0]),
        "ops": [n.op_type for n in model.graph.node],
        "initializers": [i.name for i in model.graph.initializer],
    }, sys.stdout)


if __name__ == "__main__":
    main()
