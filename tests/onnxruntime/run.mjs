// SPDX-License-Identifier: GPL-3.0-or-later
// Runs an ONNX file NN Blocks exported in a real ONNX runtime:
//
//     node tests/onnxruntime/run.mjs MODEL.onnx INPUT.json
//
// onnxruntime-web's wasm backend under node: one thread, no proxy worker,
// its .wasm read from node_modules (no network, no browser). The model has
// one graph input and one output, whatever its operators. INPUT.json is
// {"shape": [...], "data": [...]} (float32, as tests/reference/onnx_run.py
// reads it); prints one JSON object:
//     {"runtime": "onnxruntime-web VERSION", "output": {"shape", "data"}}
// Errors (a model ORT refuses, an operator it lacks) go to stderr, exit 1.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';

// what main was doing, for the error message
let stage = 'starting';

async function main () {
  const [modelPath, inputPath] = process.argv.slice(2);
  if (!modelPath || !inputPath) {
    process.stderr.write('usage: run.mjs MODEL.onnx INPUT.json\n');
    process.exit(2);
  }
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';

  stage = `reading ${inputPath}`;
  const spec = JSON.parse(readFileSync(inputPath, 'utf8'));
  stage = `loading ${modelPath}`;
  const session = await ort.InferenceSession.create(readFileSync(modelPath), {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
  });
  if (session.inputNames.length !== 1 || session.outputNames.length !== 1) {
    throw new Error(`expected one input and one output, the model has ${session.inputNames.length} and ${session.outputNames.length}`);
  }
  stage = `running ${modelPath}`;
  const x = new ort.Tensor('float32', Float32Array.from(spec.data), spec.shape);
  const results = await session.run({ [session.inputNames[0]]: x });
  const y = results[session.outputNames[0]];
  if (y.type !== 'float32') {
    throw new Error(`the output is ${y.type}, not float32`);
  }
  // a float32 widened to a double prints exactly: the C side reads it back bit for bit
  process.stdout.write(JSON.stringify({
    runtime: `onnxruntime-web ${ort.env.versions.web}`,
    output: { shape: Array.from(y.dims), data: Array.from(y.data) },
  }));
  await session.release();
}

main().catch((error) => {
  // the wasm build throws a C++ exception as a bare number, without its text
  const what = typeof error === 'number'
    ? `onnxruntime-web threw C++ exception ${error} (its text is lost in the wasm build): ` +
      'often an operator whose shapes or attributes do not fit; onnx.checker\'s strict shape inference names it'
    : (error && error.message ? error.message : String(error));
  process.stderr.write(`run.mjs: ${stage}: ${what}\n`);
  process.exit(1);
});
