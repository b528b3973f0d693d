// Starts the engine's worker: wasm-bindgen's no-modules glue, then its wasm (both built by
// Trunk from the `hostside_worker` bin, next to this file).
importScripts("./hostside_worker.js");
wasm_bindgen({ module_or_path: "./hostside_worker_bg.wasm" });
