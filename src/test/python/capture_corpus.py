"""Captures the real-PyTorch corpus under src/test/resources/fixtures/corpus/.

Each model is compiled with torch.compile and a recording backend, batch and sequence marked dynamic (a case
"<model>-static" or "<model>-batch" marks none, or the batch alone; "<model>-auto" marks none and compiles with
dynamic=True, as the fixtures under tensorified/ were); for every graph
Dynamo hands over, the dumps users paste into Piecewise are written (print(graph), print_readable(), gm.code, the
TORCH_LOGS=graph_code log, fx-graph-json/1) together with what real split_module and AOTAutograd did under every
option set (expected.json, see split_oracle.py).

    python3 src/test/python/capture_corpus.py --out src/test/resources/fixtures/corpus --jobs 8
    python3 src/test/python/capture_corpus.py --out /tmp/check --cases moe_view,hf_llama   # validation models

Needs torch 2.11 and transformers 5.17 (no network: models are built from tiny configs with random weights).
"""

import argparse
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import time
import traceback

os.environ.setdefault("TORCH_LOGS", "graph_code")

import torch  # noqa: E402
import torch._dynamo  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import corpus_models  # noqa: E402
import fx_json  # noqa: E402
import split_oracle  # noqa: E402

GRAD_ENABLED_CASES = {"custom_grad_autocast"}
# The frame Dynamo resumes after a graph break gets new tensors that mark_dynamic never saw; without this its graph
# would be specialised to the example's sizes.
# .item() and .tolist() stay in the graph (unbacked SymInts and SymFloats) only when Dynamo captures scalar outputs,
# and torch.nonzero only with dynamic output shapes; vLLM's own models break the graph there instead.
DATA_DEPENDENT = {"capture_scalar_outputs": True, "capture_dynamic_output_shape_ops": True}
DYNAMO_CONFIG = {"custom_graph_break": {"assume_static_by_default": False},
                 **{case: DATA_DEPENDENT for case in ("custom_item_scale", "custom_item_count", "custom_item_split",
                                                       "custom_nonzero")}}
_LOG_RECORDS = []


def _capture_torch_logs():
    """Sends what TORCH_LOGS would print to stderr into _LOG_RECORDS, formatted by torch's own handler."""
    for name, logger in list(logging.root.manager.loggerDict.items()):
        # torch.__trace is TORCH_TRACE's structured log: it keeps writing its own file.
        if not name.startswith("torch") or name == "torch.__trace" or not isinstance(logger, logging.Logger):
            continue
        for handler in logger.handlers:
            handler.emit = (lambda h: lambda record: _LOG_RECORDS.append(h.format(record)))(handler)


def shorten_paths(text):
    """Keeps the dumps independent of where Python and this script live, as the committed fixtures are."""
    text = re.sub(r"(?:/[^\s:\"'\[\]]+)?/(?:site|dist)-packages/", "site-packages/", text)
    return text.replace(HERE + os.sep, "")


class Recorder:
    def __init__(self):
        self.graphs = []

    def __call__(self, gm, example_inputs):
        log = [r for r in _LOG_RECORDS if "__graph_code" in r]
        _LOG_RECORDS.clear()
        self.graphs.append((gm, "\n".join(log)))
        return gm.forward


def write_case(out_dir, case, gm, log, aot):
    os.makedirs(out_dir, exist_ok=True)

    def write(name, text):
        with open(os.path.join(out_dir, name), "w") as f:
            f.write(text)

    write("graph.txt", shorten_paths(str(gm.graph)))
    write("readable.py", shorten_paths(gm.print_readable(print_output=False)))
    write("code.py", shorten_paths(gm.code))
    write("graph_code.log", shorten_paths(log) + "\n")
    write("graph.json", json.dumps(fx_json.graph_json(gm, case), indent=1))
    expected = split_oracle.expected_json(gm, case, aot=aot)
    write("expected.json", shorten_paths(json.dumps(expected, indent=1)))
    return expected


# A case "<model>-<regime>" captures the model with other dimensions dynamic than its own marks.
REGIMES = {
    "static": "no dimension marked dynamic",
    "batch": "only the first marked dimension dynamic",
    "auto": "torch.compile(dynamic=True), no dimension marked",
}


def capture(case, out_root):
    """Compiles one model and writes every graph; returns its corpus.json entry."""
    started = time.time()
    model_case, _, regime = case.rpartition("-")
    if regime not in REGIMES:
        model_case, regime = case, ""
    entry = {"description": corpus_models.description(model_case) + (f"; {REGIMES[regime]}" if regime else ""),
             "splittingOps": split_oracle.SPLITTING_OPS}
    try:
        model, inputs, dynamic_dims, info = corpus_models.build(model_case)
        entry.update(info)
        if regime:
            dynamic_dims = dynamic_dims[:1] if regime == "batch" else []
        for arg, dim in dynamic_dims:
            torch._dynamo.mark_dynamic(inputs[arg], dim)
        entry["inputs"] = [list(t.shape) for t in inputs]
        entry["dynamicDims"] = [list(d) for d in dynamic_dims]
        recorder = Recorder()
        torch._dynamo.reset()
        _LOG_RECORDS.clear()
        compiled = torch.compile(model, backend=recorder, dynamic=True if regime == "auto" else None)
        with torch.set_grad_enabled(model_case in GRAD_ENABLED_CASES), \
                torch._dynamo.config.patch(**DYNAMO_CONFIG.get(model_case, {})):
            compiled(*inputs)
    except Exception as e:  # noqa: BLE001 - one model's failure must not lose the batch
        entry.update(status="failed", error=split_oracle.first_line(e),
                     traceback=shorten_paths(traceback.format_exc()[-3000:]))
        return entry
    aot = split_oracle.AotChecker()
    graphs = recorder.graphs
    entry["graphs"] = []
    for i, (gm, log) in enumerate(graphs):
        name = case if len(graphs) == 1 else f"{case}_g{i}"
        try:
            expected = write_case(os.path.join(out_root, name), name, gm, log, aot)
            outcomes = {k: v["outcome"] for k, v in expected["strategies"].items()}
            splits = sum(1 for n in gm.graph.nodes if split_oracle.should_split(n, split_oracle.SPLITTING_OPS))
            entry["graphs"].append({"case": name, "nodeCount": expected["nodeCount"], "splittingOpCalls": splits,
                                    "outcomes": outcomes})
        except Exception as e:  # noqa: BLE001
            entry["graphs"].append({"case": name, "status": "failed", "error": split_oracle.first_line(e),
                                    "traceback": shorten_paths(traceback.format_exc()[-3000:])})
    entry["status"] = "ok" if entry["graphs"] and all("status" not in g for g in entry["graphs"]) else "failed"
    if not graphs:
        entry["error"] = "Dynamo captured no graph"
    entry["seconds"] = round(time.time() - started, 1)
    return entry


def run_cases(cases, out_root, status_dir):
    torch.set_num_threads(2)
    _capture_torch_logs()
    for case in cases:
        entry = capture(case, out_root)
        with open(os.path.join(status_dir, case + ".json"), "w") as f:
            json.dump(entry, f, indent=1)
        print(f"{case}: {entry.get('status')} {entry.get('error', '')} {entry.get('seconds', '')}s", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="corpus directory (one folder per captured graph)")
    parser.add_argument("--cases", help="comma-separated cases (default: the whole corpus)")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    cases = args.cases.split(",") if args.cases else corpus_models.all_cases()
    out_root = os.path.abspath(args.out)
    status_dir = os.path.join(out_root, ".status")
    os.makedirs(status_dir, exist_ok=True)
    if args.worker or args.jobs <= 1:
        run_cases(cases, out_root, status_dir)
    else:
        chunks = [cases[i::args.jobs] for i in range(args.jobs)]
        workers = [subprocess.Popen([sys.executable, os.path.abspath(__file__), "--out", out_root, "--worker",
                                     "--cases", ",".join(c)]) for c in chunks if c]
        for w in workers:
            w.wait()
    if args.worker:
        return
    write_index(out_root, status_dir, cases)
    shutil.rmtree(status_dir)


def write_index(out_root, status_dir, cases):
    import transformers

    index = {"torch": torch.__version__, "transformers": transformers.__version__,
             "splittingOps": split_oracle.SPLITTING_OPS, "cases": {}, "skipped": {}}
    for case in cases:
        path = os.path.join(status_dir, case + ".json")
        if not os.path.exists(path):
            index["skipped"][case] = "worker died before writing a status"
            continue
        with open(path) as f:
            entry = json.load(f)
        for g in entry.get("graphs", []):
            if "status" in g:
                index["skipped"][g["case"]] = g["error"]
            else:
                index["cases"][g["case"]] = {
                    "model": case, "modelClass": entry.get("modelClass"), "notes": entry["description"],
                    "splittingOps": entry["splittingOps"], "inputs": entry.get("inputs"),
                    "dynamicDims": entry.get("dynamicDims"), "expertsImplementation": entry.get("experts"),
                    "nodeCount": g["nodeCount"], "splittingOpCalls": g["splittingOpCalls"],
                    "outcomes": g["outcomes"]}
        if entry.get("status") == "failed" and not entry.get("graphs"):
            index["skipped"][case] = {"error": entry.get("error"), "traceback": entry.get("traceback")}
    with open(os.path.join(out_root, "corpus.json"), "w") as f:
        json.dump(index, f, indent=1)


if __name__ == "__main__":
    main()
