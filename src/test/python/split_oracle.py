"""What vLLM's split_graph and real torch.fx.passes.split_module do to one captured graph, under every option set
that Piecewise offers (see src/docs/partitioning.md), written as the fixtures' expected.json.

Every strategy runs on its own copy of the graph. The assignment follows vLLM's vllm/compilation/backends.py
(split_graph, _decompose_size_nodes, _merge_empty_only_subgraphs); the split itself is PyTorch's split_module, and
the verdict comes from running AOTAutograd on every non-splitting submodule with the graph's fake example values.
"""

import copy
import inspect
import operator

import torch
import torch.fx
from torch.fx.passes.split_module import split_module

SPLITTING_OPS = [
    "oracle::attn",
    "oracle::moe",
    "oracle::attn2",
    "oracle::sdpa",
    "vllm::unified_attention_with_output",
    "vllm::moe_forward",
]

# (sizeStrategy, getitemRule, merge): the vLLM row, the "none" rows, then one row per size strategy.
STRATEGIES = [
    ("decompose", "vllm", True),
    ("none", "vllm", True),
    ("none", "off", False),
    ("none", "tuple-only", False),
    ("move-single-consumer", "tuple-only", False),
    ("move-to-consumer", "tuple-only", False),
    ("duplicate", "tuple-only", False),
    ("decompose-list", "tuple-only", False),
]

_MISSING = object()
_SYM_INT = getattr(torch, "SymInt", ())  # torch 1.x (local debugging) has no SymInt
_SPLIT_KWARGS = {k: True for k in ("keep_original_order", "keep_original_node_name")
                 if k in inspect.signature(split_module).parameters}


def strategy_key(size_strategy, getitem_rule, merge):
    return f"{size_strategy}|{getitem_rule}|{'merge' if merge else 'nomerge'}"


def first_line(error):
    text = str(error)
    if isinstance(error, KeyError) and error.args:
        text = repr(error.args[0])
    return f"{type(error).__name__}: {text.splitlines()[0] if text else ''}".rstrip()


def full_message(error):
    return f"{type(error).__name__}: {error}"


# ---------------------------------------------------------------- values and kinds

def example_value(node):
    return node.meta.get("example_value", _MISSING)


def kind_of(value):
    """The value kinds of the fixtures; "none" also stands for a node without metadata."""
    if value is _MISSING or value is None:
        return "none"
    if isinstance(value, torch.Tensor):
        return "tensor"
    sym_types = [(getattr(torch, "SymInt", None), "symint"), (getattr(torch, "SymFloat", None), "symfloat"),
                 (getattr(torch, "SymBool", None), "symbool")]
    for cls, kind in sym_types:
        if cls is not None and isinstance(value, cls):
            return kind
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, torch.Size):
        return "size"
    if isinstance(value, tuple):
        return "tuple"
    if isinstance(value, list):
        return "list"
    return "none"


def is_size_producer(node):
    if node.op in ("placeholder", "output"):
        return False
    value = example_value(node)
    if value is not _MISSING:
        return isinstance(value, torch.Size)
    # symbolic_trace graphs (local debugging) carry no values
    return node.op == "call_method" and node.target == "size" and len(node.args) == 1 and not node.kwargs


def returns_tuple(node):
    value = example_value(node)
    if value is not _MISSING:
        return isinstance(value, (tuple, list)) and not isinstance(value, torch.Size)
    return bool(node.users) and all(u.op == "call_function" and u.target is operator.getitem
                                    and isinstance(u.args[1], int) for u in node.users)


# ---------------------------------------------------------------- op matching (vllm/compilation/partition_rules.py)

def should_split(node, ops):
    if node is None or node.op != "call_function":
        return False
    target = node.target
    if isinstance(target, torch._ops.OpOverloadPacket):
        return target._qualified_op_name in ops
    if isinstance(target, torch._ops.OpOverload):
        packet = target._schema.name
        overload = target._overloadname
        return f"{packet}.{overload}" in ops or (overload == "default" and packet in ops)
    return False


def is_empty_allocation(node):
    if node.op == "call_method":
        return node.target == "new_empty"
    if node.op != "call_function":
        return False
    target = node.target
    if target in (torch.empty, torch.empty_like, torch.empty_strided):
        return True
    if isinstance(target, torch._ops.OpOverloadPacket):
        name = target._qualified_op_name
    elif isinstance(target, torch._ops.OpOverload):
        name = target._schema.name
    else:
        return False
    return name.startswith("aten::empty") or name.startswith("aten::new_empty")


# ---------------------------------------------------------------- graph copies and rewrites

def copy_graph_module(gm):
    """A copy whose nodes can be rewritten; meta dicts are copied shallowly so example values are shared."""
    graph = copy.deepcopy(gm.graph)
    return torch.fx.GraphModule(gm, graph)


def _replace_everywhere(user, old, new):
    """Replaces old by new in user's args and kwargs at any depth."""
    user.args = torch.fx.node.map_arg(user.args, lambda n: new if n is old else n)
    user.kwargs = torch.fx.node.map_arg(user.kwargs, lambda n: new if n is old else n)


def _dims(graph, tensor, insert_after, in_dim_order):
    """Per-dim replacements of tensor.size(): sym_size.int nodes for symbolic dims, ints for static ones."""
    value = example_value(tensor)
    if value is _MISSING or not isinstance(value, torch.Tensor):
        return None
    dims = []
    cursor = insert_after
    for i in range(value.dim()):
        d = value.shape[i]
        if isinstance(d, _SYM_INT):
            with graph.inserting_after(cursor):
                dn = graph.call_function(torch.ops.aten.sym_size.int, args=(tensor, i))
            dn.meta["example_value"] = d
            dims.append(dn)
            if in_dim_order:
                cursor = dn
        else:
            dims.append(int(d))
    return dims


def decompose_vllm(gm):
    """vLLM's _decompose_size_nodes: x.size() becomes per-dim values inserted right after x; getitem users take
    their element (an int index is asserted), every other user has the Size spliced into its positional args."""
    graph = gm.graph
    for node in [n for n in graph.nodes if n.op == "call_method" and n.target == "size"]:
        if len(node.args) > 1 or node.kwargs:
            continue
        tensor = node.args[0]
        dims = _dims(graph, tensor, tensor, in_dim_order=False)
        if dims is None:
            continue
        for user in list(node.users):
            if (user.op == "call_function" and user.target is operator.getitem and len(user.args) == 2
                    and user.args[0] is node):
                idx = user.args[1]
                if not isinstance(idx, int):
                    raise AssertionError(f"Expected literal int index for getitem on size(), "
                                         f"got {type(idx).__name__}: {idx}")
                user.replace_all_uses_with(dims[idx])
                graph.erase_node(user)
            else:
                new_args = []
                for arg in user.args:
                    if arg is node:
                        new_args.extend(dims)
                    else:
                        new_args.append(arg)
                user.args = tuple(new_args)
        graph.erase_node(node)


def _static_slice(idx):
    return isinstance(idx, slice) and all(b is None or isinstance(b, int) for b in (idx.start, idx.stop, idx.step))


def decompose_list(gm):
    """The corrected decomposition: x.size() (no dim) and slices of it become lists of their elements wherever
    they are used, args and kwargs alike; new nodes go right after the size node in dim order."""
    graph = gm.graph
    for node in [n for n in graph.nodes if n.op == "call_method" and n.target == "size"]:
        if len(node.args) != 1 or node.kwargs:
            continue
        tensor = node.args[0]
        dims = _dims(graph, tensor, node, in_dim_order=True)
        if dims is None:
            continue
        for user in list(node.users):
            if (user.op == "call_function" and user.target is operator.getitem and len(user.args) == 2
                    and user.args[0] is node and (isinstance(user.args[1], int) or _static_slice(user.args[1]))):
                idx = user.args[1]
                replacement = dims[idx] if isinstance(idx, int) else list(dims[idx])
                for user_of_user in list(user.users):
                    _replace_everywhere(user_of_user, user, replacement)
                graph.erase_node(user)
            else:
                _replace_everywhere(user, node, list(dims))
        graph.erase_node(node)


# ---------------------------------------------------------------- subgraph ids (vLLM split_graph)

def assign_ids(gm, ops, getitem_rule, merge_consecutive):
    ids = {}
    split_ids = []
    subgraph_id = 0
    for node in gm.graph.nodes:
        if node.op in ("output", "placeholder"):
            continue
        if node.op == "call_function" and node.target is operator.getitem:
            source = node.args[0]
            if isinstance(source, torch.fx.Node) and source.op != "placeholder":
                if getitem_rule == "vllm" or (getitem_rule == "tuple-only" and returns_tuple(source)):
                    ids[node] = ids[source]
                    continue
        if should_split(node, ops):
            subgraph_id += 1
            ids[node] = subgraph_id
            split_ids.append(subgraph_id)
            if merge_consecutive and should_split(node.next, ops):
                subgraph_id -= 1
            else:
                subgraph_id += 1
        else:
            ids[node] = subgraph_id
    return ids, split_ids


def merge_empty_only(ids, split_ids):
    """vLLM's _merge_empty_only_subgraphs; returns what moved."""
    by_id = {}
    for node, sid in ids.items():
        by_id.setdefault(sid, []).append(node)
    splitting = set(split_ids)
    previous = None
    merged_empty = []
    for sid in range(max(ids.values(), default=-1) + 1):
        nodes = by_id.get(sid, [])
        if not nodes:
            continue
        merged = False
        if len(nodes) == 1 and is_empty_allocation(nodes[0]) and previous is not None:
            node = nodes[0]
            if all(i.op == "placeholder" or ids[i] <= previous for i in node.all_input_nodes):
                ids[node] = previous
                merged_empty.append({"node": node.name, "from": sid, "to": previous})
                merged = True
        if not merged and sid not in splitting:
            previous = sid
    return merged_empty


def _graph_position(gm):
    return {n: i for i, n in enumerate(gm.graph.nodes)}


def move_size_producers(gm, ids, single_consumer_only, physically=True):
    """PR #35635 made sound: a Size whose users all sit in strictly later subgraphs moves to the earliest of them,
    right before its first user there (or, with physically=False, only its id moves, as the PR describes)."""
    relocated = []
    for node in [n for n in gm.graph.nodes if is_size_producer(n)]:
        users = list(node.users)
        if not users or any(u.op == "output" for u in users):
            continue
        source = ids[node]
        user_ids = {ids[u] for u in users}
        if min(user_ids) <= source or (single_consumer_only and len(user_ids) != 1):
            continue
        target = min(user_ids)
        if physically:
            position = _graph_position(gm)
            first_user = min((u for u in users if ids[u] == target), key=position.__getitem__)
            first_user.prepend(node)
        ids[node] = target
        relocated.append({"node": node.name, "from": source, "to": target})
    return relocated


def duplicate_size_producers(gm, ids):
    """Clones a Size producer into every later subgraph that uses it, right before its first user there; the
    original goes when nothing uses it any more."""
    graph = gm.graph
    for node in [n for n in graph.nodes if is_size_producer(n)]:
        source = ids[node]
        position = _graph_position(gm)
        first_user_in = {}
        for user in sorted(node.users, key=position.__getitem__):
            if user.op != "output" and ids[user] > source:
                first_user_in.setdefault(ids[user], user)
        for sid, first_user in sorted(first_user_in.items()):
            with graph.inserting_before(first_user):
                clone = graph.node_copy(node)
            clone.meta = copy.copy(node.meta)
            ids[clone] = sid
            for user in list(node.users):
                if user.op != "output" and ids.get(user) == sid:
                    user.replace_input_with(node, clone)
        if first_user_in and not node.users:
            graph.erase_node(node)
            del ids[node]


# ---------------------------------------------------------------- split and verdict

def _run_split(gm, ids):
    return split_module(gm, None, lambda n: ids[n], **_SPLIT_KWARGS)


def _submodules(split):
    subs = [(name, mod) for name, mod in split.named_children() if name.startswith("submod_")]
    return sorted(subs, key=lambda s: int(s[0].rsplit("_", 1)[1]))


def _direct_inputs(sub):
    """The submodule's inputs in the order its nodes use them, without the shape symbols split_module threads."""
    names = {}
    for node in sub.graph.nodes:
        if node.op != "placeholder":
            for used in node.all_input_nodes:
                if used.op == "placeholder":
                    names.setdefault(used.name, None)
    return list(names)


def _with_tuple_output(sub):
    """Inductor makes a graph return a tuple before AOTAutograd sees it (make_graph_return_tuple); so do we."""
    out = next(n for n in sub.graph.nodes if n.op == "output")
    if isinstance(out.args[0], (tuple, list)):
        return sub
    copied = copy_graph_module(sub)
    out = next(n for n in copied.graph.nodes if n.op == "output")
    out.args = ((out.args[0],),)
    copied.recompile()
    return copied


def _outputs_of(sub):
    out = next(n for n in sub.graph.nodes if n.op == "output")
    result = []
    torch.fx.node.map_arg(out.args[0], lambda n: result.append(n.name) or n)
    return result


class AotChecker:
    """Runs AOTAutograd (no-op compiler) on a submodule with fake example inputs; identical submodules are
    checked once."""

    def __init__(self):
        self.cache = {}

    def error(self, sub, inputs):
        key = (sub.code, tuple(repr(v) if not isinstance(v, torch.Tensor) else
                               (tuple(str(s) for s in v.shape), str(v.dtype), v.requires_grad) for v in inputs))
        if key not in self.cache:
            self.cache[key] = self._check(sub, inputs)
        return self.cache[key]

    @staticmethod
    def _check(sub, inputs):
        try:
            from torch._functorch.aot_autograd import aot_module_simplified
        except ImportError:  # torch 1.x: no verdict
            return None
        try:
            with torch.no_grad():
                aot_module_simplified(_with_tuple_output(sub), list(inputs), fw_compiler=lambda g, _: g.forward)
            return None
        except Exception as e:  # noqa: BLE001 - every AOTAutograd failure is a verdict
            return full_message(e)


def run_strategy(gm, size_strategy, getitem_rule, merge, ops, aot):
    row = {"sizeStrategy": size_strategy, "getitemRule": getitem_rule,
           "mergeConsecutiveSplits": merge, "mergeEmptyAllocations": merge}
    work = copy_graph_module(gm)
    try:
        if size_strategy == "decompose":
            decompose_vllm(work)
        elif size_strategy == "decompose-list":
            decompose_list(work)
    except Exception as e:  # noqa: BLE001 - vLLM's split_graph raises it
        row.update(outcome="split-fails", error=first_line(e))
        return row
    ids, split_ids = assign_ids(work, ops, getitem_rule, merge)
    relocated = []
    if size_strategy in ("move-to-consumer", "move-single-consumer"):
        relocated = move_size_producers(work, ids, size_strategy == "move-single-consumer")
    elif size_strategy == "duplicate":
        duplicate_size_producers(work, ids)
    merged_empty = merge_empty_only(ids, split_ids) if merge else []
    work.recompile()
    try:
        split = _run_split(work, ids)
    except Exception as e:  # noqa: BLE001 - KeyError, cycle RuntimeError, ...
        row.update(outcome="split-fails", error=first_line(e))
        return row
    by_name = {n.name: n for n in work.graph.nodes}
    row["assignment"] = {n.name: ids[n] for n in work.graph.nodes if n.op not in ("placeholder", "output")}
    submodules = []
    aot_errors = {}
    splitting = set(split_ids)
    for name, sub in _submodules(split):
        graph_id = int(name.rsplit("_", 1)[1])
        placeholders = [n for n in sub.graph.nodes if n.op == "placeholder"]
        inputs = [p.name for p in placeholders]
        data_inputs = _direct_inputs(sub)
        outputs = _outputs_of(sub)

        def kinds(names):
            return [kind_of(example_value(by_name[x])) if x in by_name else "none" for x in names]

        submodules.append({
            "name": name, "graphId": graph_id, "splitting": graph_id in splitting,
            "nodes": [n.name for n in sub.graph.nodes if n.op not in ("placeholder", "output")],
            "inputs": inputs, "inputKinds": kinds(inputs),
            "dataInputs": data_inputs, "dataInputKinds": kinds(data_inputs),
            "outputs": outputs, "outputKinds": kinds(outputs),
        })
        if graph_id not in splitting and aot is not None:
            values = [example_value(by_name[x]) if x in by_name else _MISSING for x in inputs]
            if all(v is not _MISSING for v in values):
                err = aot.error(sub, values)
                if err is not None:
                    aot_errors[name] = err
    row["submodules"] = submodules
    row["relocated"] = relocated
    row["mergedEmpty"] = merged_empty
    # AssertionErrors are AOTAutograd rejecting a Size, tuple or list at the boundary; anything else raised while
    # tracing a decomposed graph is the call vLLM's splice rewrote (torch.full(sym_size_int, 32, 0.5)).
    bad_call = None
    if size_strategy.startswith("decompose"):
        bad_call = next((e.split("\n")[0] for e in aot_errors.values() if not e.startswith("AssertionError")), None)
    if bad_call is not None:
        row.update(outcome="bad-call", error=bad_call)
    else:
        row["outcome"] = "aot-fails" if aot_errors else "ok"
    row["compilable"] = not aot_errors and bad_call is None
    row["aotErrors"] = aot_errors
    return row


def assignment_only_move(gm, ops):
    """Moving Size producers by id only, as the seed PR describes; None when no Size would move."""
    work = copy_graph_module(gm)
    ids, _ = assign_ids(work, ops, "tuple-only", False)
    if not move_size_producers(work, ids, single_consumer_only=False, physically=False):
        return None
    try:
        _run_split(work, ids)
        error = None
    except Exception as e:  # noqa: BLE001
        error = first_line(e)
    return {"note": "moving Size producers by subgraph id only, without moving the node, as the seed PR describes",
            "splitModuleError": error}


def expected_json(gm, case, ops=SPLITTING_OPS, aot=None):
    result = {"case": case, "torch": torch.__version__,
              "nodeCount": len(gm.graph.nodes),
              "splittingOps": list(ops), "strategies": {}}
    for size_strategy, getitem_rule, merge in STRATEGIES:
        result["strategies"][strategy_key(size_strategy, getitem_rule, merge)] = run_strategy(
            gm, size_strategy, getitem_rule, merge, ops, aot)
    only_ids = assignment_only_move(gm, ops)
    if only_ids is not None:
        result["assignmentOnlyMoveToConsumer"] = only_ids
    return result
