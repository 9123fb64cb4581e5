"""A torch.fx graph in Piecewise's fx-graph-json/1 (src/docs/formats.md), values from node.meta['example_value']."""

import math
import operator

import torch
import torch.fx

from split_oracle import example_value, kind_of


def target_name(node):
    target = node.target
    if isinstance(target, str):
        return target
    if isinstance(target, torch._ops.OpOverloadPacket):
        return "torch.ops." + target._qualified_op_name.replace("::", ".")
    if isinstance(target, torch._ops.OpOverload):
        return "torch.ops." + target._schema.name.replace("::", ".") + "." + target._overloadname
    module = getattr(target, "__module__", None)
    qualname = getattr(target, "__qualname__", None) or getattr(target, "__name__", None)
    if module == "_operator" or target in vars(operator).values():
        module = "operator"
    if module and qualname:
        return f"{module}.{qualname}"
    return torch.fx.node._get_qualified_name(target)


def encode_arg(arg):
    if isinstance(arg, torch.fx.Node):
        return {"node": arg.name}
    if arg is None or isinstance(arg, (bool, str)):
        return arg
    if isinstance(arg, int):
        return arg
    if isinstance(arg, float):
        return arg if math.isfinite(arg) else {"repr": repr(arg)}
    if isinstance(arg, torch.Size):
        return {"repr": repr(arg)}
    if isinstance(arg, tuple):
        return {"tuple": [encode_arg(a) for a in arg]}
    if isinstance(arg, list):
        return {"list": [encode_arg(a) for a in arg]}
    if isinstance(arg, dict):
        return {"dict": {str(k): encode_arg(v) for k, v in arg.items()}}
    if isinstance(arg, slice):
        return {"slice": [encode_arg(arg.start), encode_arg(arg.stop), encode_arg(arg.step)]}
    return {"repr": repr(arg)}


def encode_value(value):
    kind = kind_of(value)
    if kind == "tensor":
        return {"kind": kind, "shape": [str(s) for s in value.shape], "dtype": str(value.dtype).replace("torch.", "")}
    if kind in ("symint", "symfloat", "symbool"):
        return {"kind": kind, "value": str(value)}
    if kind in ("int", "float", "bool"):
        if kind == "float" and not math.isfinite(value):
            return {"kind": kind, "value": repr(value)}
        return {"kind": kind, "value": value}
    if kind == "size":
        return {"kind": kind, "value": [str(s) for s in value]}
    if kind in ("tuple", "list"):
        return {"kind": kind, "items": [encode_value(v) for v in value]}
    return {"kind": "none"}


def graph_json(gm, name):
    nodes = []
    for node in gm.graph.nodes:
        entry = {"name": node.name, "op": node.op, "target": target_name(node),
                 "args": [encode_arg(a) for a in node.args],
                 "kwargs": {k: encode_arg(v) for k, v in node.kwargs.items()}}
        if node.op == "output":
            entry["value"] = None
        else:
            entry["value"] = encode_value(example_value(node))
        nodes.append(entry)
    return {"format": "fx-graph-json/1", "name": name, "torch": torch.__version__, "nodes": nodes}
