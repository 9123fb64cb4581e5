"""Captures one deep model (a corpus model with many layers) in every form users upload, for timing the parsers at
scale: print(graph), print_readable(), gm.code, the TORCH_LOGS=graph_code log, fx-graph-json/1 and the TORCH_TRACE
log, packed as CASE-LAYERS.tar.gz. Also times vLLM's default split of the graph by real split_module.

    python3 src/test/python/capture_deep.py --case llama --layers 1000 --out /tmp/deep
"""

import argparse
import os
import sys
import tarfile
import tempfile
import time

TRACE_DIR = tempfile.mkdtemp(prefix="trace-")
os.environ["TORCH_TRACE"] = TRACE_DIR  # read when torch is imported
os.environ.setdefault("TORCH_LOGS", "graph_code")

import torch  # noqa: E402
import torch._dynamo  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import capture_corpus  # noqa: E402
import corpus_models  # noqa: E402
import fx_json  # noqa: E402
import split_oracle  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--case", required=True,
                        help="a Hugging Face case of corpus_models.HF_MODELS whose layer count is COMMON's (llama, qwen3, ...)")
    parser.add_argument("--layers", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--split", action="store_true", help="also time vLLM's default split by split_module")
    args = parser.parse_args()
    corpus_models.COMMON["num_hidden_layers"] = args.layers
    torch.set_num_threads(4)
    capture_corpus._capture_torch_logs()
    model, inputs, dynamic_dims, _ = corpus_models.build(args.case)
    config = getattr(getattr(model, "m", None), "config", None)
    if getattr(config, "num_hidden_layers", None) != args.layers:
        sys.exit(f"{args.case} does not take its layer count from corpus_models.COMMON; pick a decoder such as llama")
    for arg, dim in dynamic_dims:
        torch._dynamo.mark_dynamic(inputs[arg], dim)
    recorder = capture_corpus.Recorder()
    started = time.time()
    torch.compile(model, backend=recorder)(*inputs)
    captured = time.time() - started
    gm, log = recorder.graphs[0]
    name = f"{args.case}-{args.layers}"
    folder = os.path.join(tempfile.mkdtemp(), name)
    os.makedirs(folder)

    def write(file, text):
        with open(os.path.join(folder, file), "w") as f:
            f.write(text)

    import json
    write("graph.txt", capture_corpus.shorten_paths(str(gm.graph)))
    write("readable.py", capture_corpus.shorten_paths(gm.print_readable(print_output=False)))
    write("code.py", capture_corpus.shorten_paths(gm.code))
    write("graph_code.log", capture_corpus.shorten_paths(log) + "\n")
    write("graph.json", json.dumps(fx_json.graph_json(gm, name), indent=1))
    torch._logging._internal.trace_log.handlers[0].flush()
    logs = sorted(os.listdir(TRACE_DIR))
    with open(os.path.join(TRACE_DIR, logs[0])) as f:
        write("trace.log", f.read())
    nodes = len(gm.graph.nodes)
    info = f"{name}: {nodes} nodes, {len(recorder.graphs)} graph(s), Dynamo {captured:.1f} s"
    if args.split:
        started = time.time()
        outcome = split_oracle.run_strategy(gm, "decompose", "vllm", True, split_oracle.SPLITTING_OPS, None)
        info += f"; vLLM's split by split_module {time.time() - started:.1f} s ({outcome.get('outcome')})"
    write("info.txt", info + "\n")
    os.makedirs(args.out, exist_ok=True)
    with tarfile.open(os.path.join(args.out, name + ".tar.gz"), "w:gz") as tar:
        tar.add(folder, arcname=name)
    print(info, flush=True)


if __name__ == "__main__":
    main()
