"""Piecewise client: a torch.compile backend that sends every Dynamo graph to a Piecewise service.

    import piecewise
    model = torch.compile(model, backend=piecewise.backend("http://localhost:8080",
                                                          splitting_ops=["vllm::unified_attention_with_output"]))

Each graph Dynamo hands the backend is exported as fx-graph-json/1 (every value's kind, shape and dtype, and the
source line each node came from), posted to the service, and its verdict printed with the run's page. The graph
then runs unchanged (or goes to the backend given as ``then``). With ``raise_on_failure=True`` a graph that
would not compile under vLLM's split raises ``GraphWouldNotCompile``.

For a GraphModule saved with ``torch.save(gm, "gm.pt")``:

    python piecewise.py export gm.pt > graph.json
    python piecewise.py post gm.pt --url http://localhost:8080 [--splitting-ops ns::op,...]

Needs only the standard library and torch (1.13 or 2.x). The format is described in the service's
src/docs/formats.md, "fx-json".
"""

import argparse
import builtins
import itertools
import json
import math
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

import torch
import torch.fx

FORMAT = "fx-graph-json/1"

__all__ = ["backend", "export", "post", "GraphWouldNotCompile"]


class GraphWouldNotCompile(RuntimeError):
    """Raised by the backend, when asked to, for a graph whose pieces would not all compile."""

    def __init__(self, run):
        self.run = run
        super().__init__(run["verdict"]["summary"])


# --- export ---------------------------------------------------------------------------------------------------

def _qualified_name(target):
    """The target as torch 2.x prints it (``torch._C._nn.linear``, ``torch.ops.oracle.moe``, ``operator.getitem``,
    ``builtins.getattr``); torch 1.13 names ``operator`` functions ``_operator`` and builtins without a module."""
    if isinstance(target, str):
        return target
    try:
        from torch.fx.node import _get_qualified_name
        name = _get_qualified_name(target)
    except Exception:  # a target FX itself cannot name: fall back to what Python knows
        module = getattr(target, "__module__", None) or ""
        name = (module + "." if module else "") + getattr(target, "__name__", repr(target))
    if name.startswith("_operator."):
        return name[1:]
    if "." not in name and getattr(builtins, name, None) is target:
        return "builtins." + name
    return name


def _arg(a):
    if isinstance(a, torch.fx.Node):
        return {"node": a.name}
    if a is None or isinstance(a, (bool, str)):
        return a
    if isinstance(a, int):
        return a
    if isinstance(a, float):
        return a if math.isfinite(a) else {"repr": repr(a)}
    if isinstance(a, tuple):
        return {"tuple": [_arg(x) for x in a]}
    if isinstance(a, list):
        return {"list": [_arg(x) for x in a]}
    if isinstance(a, dict):
        return {"dict": {str(k): _arg(v) for k, v in a.items()}}
    if isinstance(a, slice):
        return {"slice": [_arg(a.start), _arg(a.stop), _arg(a.step)]}
    if a is Ellipsis:
        return {"repr": "Ellipsis"}
    return {"repr": repr(a)}


def _sym(value):
    return str(value)


def _value(v):
    """A value as fx-graph-json/1 describes it, or None when nothing is known."""
    sym_int = getattr(torch, "SymInt", None)
    sym_float = getattr(torch, "SymFloat", None)
    sym_bool = getattr(torch, "SymBool", None)
    if isinstance(v, torch.Tensor):
        return {"kind": "tensor", "shape": [_sym(d) for d in v.shape], "dtype": str(v.dtype).replace("torch.", "")}
    if sym_int is not None and isinstance(v, sym_int):
        return {"kind": "symint", "value": _sym(v)}
    if sym_float is not None and isinstance(v, sym_float):
        return {"kind": "symfloat", "value": _sym(v)}
    if sym_bool is not None and isinstance(v, sym_bool):
        return {"kind": "symbool", "value": _sym(v)}
    if isinstance(v, torch.Size):
        return {"kind": "size", "value": [_sym(d) for d in v]}
    if isinstance(v, bool):
        return {"kind": "bool", "value": v}
    if isinstance(v, int):
        return {"kind": "int", "value": v}
    if isinstance(v, float):
        return {"kind": "float", "value": v if math.isfinite(v) else repr(v)}
    if isinstance(v, (tuple, list)):
        items = [_value(x) or {"kind": "none"} for x in v]
        return {"kind": "tuple" if isinstance(v, tuple) else "list", "items": items}
    if v is None:
        return {"kind": "none"}
    return None


def _tensor_meta(meta):
    """ShapeProp's TensorMetadata (``meta['tensor_meta']``), for graphs that carry no example values."""
    shape = getattr(meta, "shape", None)
    dtype = getattr(meta, "dtype", None)
    if shape is None or dtype is None:
        return None
    return {"kind": "tensor", "shape": [_sym(d) for d in shape], "dtype": str(dtype).replace("torch.", "")}


def _node_value(node):
    if node.op == "output":
        return None
    for key in ("example_value", "val"):
        if key in node.meta:
            return _value(node.meta[key])
    if "tensor_meta" in node.meta:
        return _tensor_meta(node.meta["tensor_meta"])
    return None


def _source(node):
    """The user's line a node came from, as FX writes it: ``model.py:88 in forward, code: x = x.view(-1, 32)``."""
    trace = node.meta.get("stack_trace")
    if not trace:
        return None
    lines = [l for l in trace.rstrip().splitlines() if l.strip()]
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i].strip()
        if line.startswith('File "'):
            try:
                path, rest = line[len('File "'):].split('", line ', 1)
                number, function = rest.split(", in ", 1)
            except ValueError:
                return None
            code = lines[i + 1].strip() if i + 1 < len(lines) else ""
            return "%s:%s in %s, code: %s" % (path, number, function, code)
    return None


def export(gm, name=None):
    """A GraphModule (or Graph) as an fx-graph-json/1 document (a dict; ``json.dumps`` it)."""
    graph = gm.graph if hasattr(gm, "graph") else gm
    nodes = []
    for node in graph.nodes:
        entry = {
            "name": node.name,
            "op": node.op,
            "target": _qualified_name(node.target) if node.op == "call_function" else str(node.target),
            "args": [_arg(a) for a in node.args],
            "kwargs": {str(k): _arg(v) for k, v in node.kwargs.items()},
            "value": _node_value(node),
        }
        source = _source(node)
        if source is not None:
            entry["source"] = source
        nodes.append(entry)
    return {"format": FORMAT, "name": name or type(gm).__name__, "torch": torch.__version__, "nodes": nodes}


# --- the service ----------------------------------------------------------------------------------------------

def post(url, document, splitting_ops=None, options=None, timeout=60, token=None):
    """Posts an fx-graph-json/1 document; returns the run (a dict). 4xx answers raise urllib.error.HTTPError.

    token: an API token (uploader role) for a service with authentication on; default $PIECEWISE_TOKEN.
    """
    query = [("splittingOps", op) for op in (splitting_ops or [])]
    query += sorted((options or {}).items())
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    token = token or os.environ.get("PIECEWISE_TOKEN")
    if token:
        headers["Authorization"] = "Bearer " + token
    request = urllib.request.Request(
        url.rstrip("/") + "/api/runs" + ("?" + urllib.parse.urlencode(query) if query else ""),
        data=json.dumps(document).encode("utf-8"), headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read().decode("utf-8"))


def _report(url, run, out):
    verdict = run["verdict"]
    out.write("piecewise: %s: %s (%s) %s/runs/%s\n" % (
        run["name"], "compiles" if verdict["compilable"] else "WOULD NOT COMPILE", verdict["outcome"],
        url.rstrip("/"), run["id"]))
    if not verdict["compilable"]:
        out.write("piecewise:   %s\n" % verdict["summary"])
    out.flush()


def _then(then, gm, example_inputs):
    if then is None:
        return gm.forward
    if isinstance(then, str):
        # torch 2.x: strings name registered backends such as "inductor"
        from torch._dynamo.backends.registry import lookup_backend
        then = lookup_backend(then)
    return then(gm, example_inputs)


def backend(url, splitting_ops=None, raise_on_failure=False, then=None, name="graph", options=None, out=None,
            token=None):
    """A torch.compile backend posting every graph to the Piecewise service at ``url``.

    splitting_ops    ``ns::op`` names vLLM splits at; None for vLLM's defaults
    raise_on_failure raise GraphWouldNotCompile for a graph whose pieces would not all compile
    then             the backend that compiles the graph afterwards (a callable or a name such as "inductor");
                     None runs it unchanged
    name             the runs are named ``<name> <n>``, n counting the graphs from 0
    options          further options of the service (``{"sizeStrategy": "none"}``)
    out              where verdicts are written (sys.stderr by default)
    token            an API token when the service has authentication on (default: $PIECEWISE_TOKEN)
    """
    counter = itertools.count()

    def compile_graph(gm, example_inputs):
        document = export(gm, "%s %d" % (name, next(counter)))
        stream = out or sys.stderr
        try:
            run = post(url, document, splitting_ops, options, token=token)
        except urllib.error.HTTPError as e:
            stream.write("piecewise: the service refused %s: %s %s\n" % (document["name"], e.code,
                                                                        e.read().decode("utf-8", "replace")))
            if raise_on_failure:
                raise
            return _then(then, gm, example_inputs)
        except (urllib.error.URLError, OSError) as e:
            stream.write("piecewise: cannot reach %s: %s\n" % (url, e))
            if raise_on_failure:
                raise
            return _then(then, gm, example_inputs)
        _report(url, run, stream)
        if raise_on_failure and not run["verdict"]["compilable"]:
            raise GraphWouldNotCompile(run)
        return _then(then, gm, example_inputs)

    return compile_graph


# --- command line ---------------------------------------------------------------------------------------------

def _load(path):
    try:
        gm = torch.load(path, weights_only=False)
    except TypeError:  # torch before 1.13 has no weights_only
        gm = torch.load(path)
    if not isinstance(gm, torch.fx.GraphModule):
        raise SystemExit("%s holds a %s, not a torch.fx.GraphModule" % (path, type(gm).__name__))
    return gm


def main(argv=None):
    parser = argparse.ArgumentParser(prog="piecewise.py", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    exporting = commands.add_parser("export", help="write a saved GraphModule as fx-graph-json/1 to stdout")
    exporting.add_argument("module", help="a file written by torch.save(graph_module, ...)")
    exporting.add_argument("--name", help="the graph's name (default: the file's name)")
    posting = commands.add_parser("post", help="post a saved GraphModule and print the verdict")
    posting.add_argument("module")
    posting.add_argument("--url", default="http://localhost:8080")
    posting.add_argument("--splitting-ops", help="comma-separated ns::op names (default: vLLM's)")
    posting.add_argument("--name")
    args = parser.parse_args(argv)
    gm = _load(args.module)
    document = export(gm, args.name or args.module.rsplit("/", 1)[-1])
    if args.command == "export":
        json.dump(document, sys.stdout)
        sys.stdout.write("\n")
        return 0
    ops = [op.strip() for op in args.splitting_ops.split(",")] if args.splitting_ops else None
    run = post(args.url, document, ops)
    _report(args.url, run, sys.stdout)
    return 0 if run["verdict"]["compilable"] else 1


if __name__ == "__main__":
    sys.exit(main())
