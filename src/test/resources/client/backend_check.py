"""Drives piecewise.py (fetched from the service) the way a user does; prints one line per fact the test checks.

usage: backend_check.py URL CLIENT_DIR WORK_DIR
"""
import io
import subprocess
import sys

import torch
import torch.fx

url, client_dir, work_dir = sys.argv[1:4]
sys.path.insert(0, client_dir)
import piecewise  # noqa: E402  (the file the service served)

lib = torch.library.Library("oracle", "DEF")
lib.define("moe(Tensor x, Tensor router) -> Tensor")
lib.impl("moe", lambda x, router: x * router.sum(-1, keepdim=True), "CPU")


class StMoeView(torch.nn.Module):
    """The model of the st_moe_view fixture."""

    def __init__(self):
        super().__init__()
        self.gate = torch.nn.Linear(32, 4, bias=False)

    def forward(self, x):
        view = x.view(-1, x.shape[-1])
        moe = torch.ops.oracle.moe(view, self.gate(view))
        return moe.view(x.shape)


class MoeView(torch.nn.Module):
    """The moe_view fixture's pattern: the Size taken before the MoE op is used after it. It is also used before,
    as symbolic_trace records x.shape only where it is first used."""

    def __init__(self):
        super().__init__()
        self.gate = torch.nn.Linear(32, 4, bias=False)

    def forward(self, x):
        orig_shape = x.shape
        x = x.view(orig_shape[0], 32)
        out = torch.ops.oracle.moe(x, self.gate(x))
        return out.view(orig_shape)


x = torch.randn(8, 32)

# The backend on a symbolic_trace graph: posts it, prints the verdict, returns the graph's forward unchanged.
gm = torch.fx.symbolic_trace(StMoeView())
log = io.StringIO()
be = piecewise.backend(url, splitting_ops=["oracle::moe"], name="st_moe_view", out=log,
                       options={"sizeStrategy": "none", "getitemRule": "off", "mergeConsecutiveSplits": "false",
                                "mergeEmptyAllocations": "false"})
forward = be(gm, [x])
print("SAME_RESULT", torch.equal(forward(x), gm(x)))
print("LOG", log.getvalue().strip())

# raise_on_failure: without size handling the Size crosses the cut and AOTAutograd would fail.
failing = piecewise.backend(url, splitting_ops=["oracle::moe"], raise_on_failure=True, name="moe_view",
                            options={"sizeStrategy": "none"}, out=io.StringIO())
try:
    failing(torch.fx.symbolic_trace(MoeView()), [x])
    print("RAISED none")
except piecewise.GraphWouldNotCompile as e:
    print("RAISED", e.run["id"], e.run["verdict"]["outcome"])

# Handing the graph on to another backend.
handed = []
then = piecewise.backend(url, splitting_ops=["oracle::moe"], out=io.StringIO(),
                         then=lambda g, inputs: handed.append(len(inputs)) or g.forward)
then(torch.fx.symbolic_trace(MoeView()), [x])
print("HANDED", handed)

# A saved GraphModule through the command line, in a process of its own (so only built-in ops).
class Plain(torch.nn.Module):
    def forward(self, x):
        return torch.relu(x.view(-1, x.shape[-1])).view(x.shape)


saved = torch.fx.symbolic_trace(Plain())
torch.save(saved, work_dir + "/gm.pt")
exported = subprocess.run([sys.executable, client_dir + "/piecewise.py", "export", work_dir + "/gm.pt"],
                          capture_output=True, text=True)
with open(work_dir + "/graph.json", "w") as f:
    f.write(exported.stdout)
print("EXPORT", exported.returncode, len(saved.graph.nodes), exported.stderr.strip()[-300:])

# torch.compile where this torch has Dynamo (2.x): every graph is posted and its page printed.
if hasattr(torch, "compile"):
    log = io.StringIO()
    compiled = torch.compile(MoeView(), backend=piecewise.backend(url, splitting_ops=["oracle::moe"], out=log,
                                                                  name="dynamo_moe_view"))
    compiled(x)
    print("DYNAMO", log.getvalue().strip())
else:
    print("DYNAMO unavailable on torch", torch.__version__)
