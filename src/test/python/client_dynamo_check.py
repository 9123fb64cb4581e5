"""Runs piecewise.py's torch.compile backend on real Dynamo graphs and keeps what it posts.

The backend is pointed at a stub of the service on loopback that records each fx-graph-json/1 document and answers
like the service; the documents land in --out as <case>_g<i>.json. They are checked in the Java suite
(PythonClientDynamoExportTest) against what real split_module did on the same models (fixtures/corpus), so the
client's export of torch 2.x graphs is proven where CI has no torch 2.x.

    python3 src/test/python/client_dynamo_check.py --out src/test/resources/fixtures/client-export --cases llama,mixtral

Needs torch 2.x and transformers (as capture_corpus.py); no network.
"""

import argparse
import http.server
import json
import os
import sys
import threading

import torch
import torch._dynamo

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "main", "python"))

import corpus_models  # noqa: E402
import piecewise  # noqa: E402

POSTED = []


class StubService(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's naming
        document = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        POSTED.append(document)
        body = json.dumps({"id": str(len(POSTED)), "name": document["name"],
                           "verdict": {"compilable": True, "outcome": "ok", "summary": ""}}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--cases", required=True)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    server = http.server.HTTPServer(("127.0.0.1", 0), StubService)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = "http://127.0.0.1:%d" % server.server_address[1]
    torch.set_num_threads(4)
    for case in args.cases.split(","):
        POSTED.clear()
        try:
            model, inputs, dynamic_dims, _ = corpus_models.build(case)
            for arg, dim in dynamic_dims:
                torch._dynamo.mark_dynamic(inputs[arg], dim)
            torch._dynamo.reset()
            compiled = torch.compile(model, backend=piecewise.backend(url, name=case))
            with torch.set_grad_enabled(case == "custom_grad_autocast"), torch._dynamo.config.patch(
                    **({"assume_static_by_default": False} if case == "custom_graph_break" else {})):
                compiled(*inputs)
        except Exception as e:  # noqa: BLE001 - one model's failure must not lose the others
            print("%s: failed: %s" % (case, e), flush=True)
            continue
        for i, document in enumerate(POSTED):
            with open(os.path.join(args.out, "%s_g%d.json" % (case, i)), "w") as f:
                json.dump(document, f, indent=1)
        print("%s: %d graphs" % (case, len(POSTED)), flush=True)


if __name__ == "__main__":
    main()
