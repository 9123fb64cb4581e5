package dev.piecewise.partition;

import dev.piecewise.fixtures.Fixtures;
import dev.piecewise.graph.Arg;
import dev.piecewise.graph.Graph;
import dev.piecewise.graph.Node;
import dev.piecewise.graph.ValueKind;
import dev.piecewise.graph.format.FxJsonParser;
import dev.piecewise.graph.format.GraphFormat;
import dev.piecewise.graph.format.FxTextParser;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Partition behaviour (src/docs/partitioning.md) that no fixture exercises, on small graphs written for the purpose. */
class PartitionerBehaviourTest {

    private static final SplittingOps ATTN = new SplittingOps(List.of("oracle::attn"));

    private static PartitionResult run(String graphText, SizeStrategy strategy, GetitemRule rule) {
        Graph graph = new FxTextParser().parse(graphText, "t");
        return Partitioner.partition(graph, new PartitionOptions(ATTN, strategy, rule, true, true));
    }

    private static final String TWO_CONSUMERS = """
            graph():
                %x : torch.Tensor [num_users=2] = placeholder[target=x]
                %size : [num_users=2] = call_method[target=size](args = (%x,), kwargs = {})
                %a : [num_users=1] = call_function[target=torch.ops.oracle.attn](args = (%x,), kwargs = {})
                %v : [num_users=1] = call_method[target=view](args = (%a, %size), kwargs = {})
                %b : [num_users=1] = call_function[target=torch.ops.oracle.attn](args = (%v,), kwargs = {})
                %w : [num_users=1] = call_method[target=reshape](args = (%b, %size), kwargs = {})
                return (w,)
            """;

    @Test
    void moveToConsumerMovesToTheEarliestAndReportsTheRest() {
        PartitionResult result = run(TWO_CONSUMERS, SizeStrategy.MOVE_TO_CONSUMER, GetitemRule.TUPLE_ONLY);
        assertThat(result.assignment()).containsEntry("size", 2);
        assertThat(result.relocations()).containsExactly(new Relocation("size", RelocationAction.MOVED, List.of(), "submod_0", "submod_2"));
        assertThat(result.outcome()).isEqualTo(Outcome.AOT_FAILS);
        assertThat(result.problems()).extracting(Problem::submodule).containsExactly("submod_2", "submod_4");
        assertThat(result.diagnostics()).extracting(Diagnostic::code).contains("unresolved-size");
        // Physically moved: it now sits right before its first user.
        assertThat(result.submodules().get(1).nodes()).containsExactly("size", "v");
    }

    @Test
    void moveSingleConsumerLeavesAMultiConsumerSizeWhereItIs() {
        PartitionResult result = run(TWO_CONSUMERS, SizeStrategy.MOVE_SINGLE_CONSUMER, GetitemRule.TUPLE_ONLY);
        assertThat(result.assignment()).containsEntry("size", 0);
        assertThat(result.relocations()).isEmpty();
        assertThat(result.diagnostics()).extracting(Diagnostic::code).contains("unresolved-size");
        assertThat(result.outcome()).isEqualTo(Outcome.AOT_FAILS);
    }

    @Test
    void duplicateClonesIntoEveryConsumerAndErasesTheOriginal() {
        PartitionResult result = run(TWO_CONSUMERS, SizeStrategy.DUPLICATE, GetitemRule.TUPLE_ONLY);
        assertThat(result.outcome()).isEqualTo(Outcome.OK);
        assertThat(result.assignment()).doesNotContainKey("size").containsEntry("size_1", 2).containsEntry("size_2", 4);
        assertThat(result.createdNodes()).extracting(Node::kind).containsOnly(ValueKind.SIZE);
        // Nothing is left in subgraph 0; the tensor crosses instead of the Size.
        assertThat(result.submodules()).extracting(Submodule::name).containsExactly("submod_1", "submod_2", "submod_3", "submod_4");
        assertThat(result.submodules().get(1).inputs()).extracting(SubmoduleValue::name).contains("x");
    }

    /**
     * A Size made from another Size (a slice of it), each read by a later subgraph: the second is cloned as the
     * first's cloning left it, reading the first's clone, not the first, which the cloning erased.
     */
    @Test
    void duplicateClonesASizeMadeFromAClonedSizeAsItNowReads() {
        PartitionResult result = run("""
                graph():
                    %x : torch.Tensor [num_users=2] = placeholder[target=x]
                    %size : [num_users=1] = call_method[target=size](args = (%x,), kwargs = {})
                    %a : [num_users=1] = call_function[target=torch.ops.oracle.attn](args = (%x,), kwargs = {})
                    %getitem : [num_users=1] = call_function[target=operator.getitem](args = (%size, slice(None, -1, None)), kwargs = {})
                    %b : [num_users=1] = call_function[target=torch.ops.oracle.attn](args = (%a,), kwargs = {})
                    %v : [num_users=1] = call_method[target=view](args = (%b, %getitem), kwargs = {})
                    return (v,)
                """, SizeStrategy.DUPLICATE, GetitemRule.TUPLE_ONLY);
        assertThat(result.graph().nodes()).extracting(Node::name)
                .containsExactly("x", "a", "size_1", "b", "getitem_1", "v", "output");
        assertThat(result.graph().node("getitem_1").args().get(0)).isEqualTo(new Arg.Ref("size_1"));
        assertThat(result.graph().node("v").args().get(1)).isEqualTo(new Arg.Ref("getitem_1"));
        // The first clone stays in the subgraph of the slice it fed, so it crosses to the second clone's.
        assertThat(result.crossings()).extracting(Crossing::value).contains("size_1");
    }

    /** A Size read only through an int getitem, by a call after a cut. */
    private static final String INDEXED_SIZE = """
            graph():
                %x : torch.Tensor [num_users=2] = placeholder[target=x]
                %size : [num_users=1] = call_method[target=size](args = (%x,), kwargs = {})
                %n : [num_users=1] = call_function[target=operator.getitem](args = (%size, 0), kwargs = {})
                %a : [num_users=1] = call_function[target=torch.ops.oracle.attn](args = (%x,), kwargs = {})
                %v : [num_users=1] = call_method[target=view](args = (%a, %n, -1), kwargs = {})
                return (v,)
            """;

    @Test
    void decomposeListReplacesAnIntGetitemOfTheSizeInItsUsersAndErasesIt() {
        PartitionResult result = run(INDEXED_SIZE, SizeStrategy.DECOMPOSE_LIST, GetitemRule.TUPLE_ONLY);
        assertThat(result.graph().nodes()).extracting(Node::name).containsExactly("x", "sym_size_int", "a", "v", "output");
        assertThat(result.graph().node("v").args().get(1)).isEqualTo(new Arg.Ref("sym_size_int"));
    }

    @Test
    void decomposeSplicesIntoVariadicCallsAndFlagsOthers() {
        String full = """
                graph():
                    %x : torch.Tensor [num_users=1] = placeholder[target=x]
                    %size : [num_users=1] = call_method[target=size](args = (%x,), kwargs = {})
                    %a : [num_users=1] = call_function[target=torch.ops.oracle.attn](args = (%x,), kwargs = {})
                    %f : [num_users=1] = call_function[target=torch.full](args = (%size, 0.5), kwargs = {})
                    %y : [num_users=1] = call_function[target=operator.add](args = (%a, %f), kwargs = {})
                    return (y,)
                """;
        PartitionResult result = run(full, SizeStrategy.DECOMPOSE, GetitemRule.VLLM);
        assertThat(result.outcome()).isEqualTo(Outcome.BAD_CALL);
        assertThat(result.error()).startsWith("TypeError: full() received an invalid combination of arguments");
        assertThat(result.compilable()).isFalse();
        assertThat(result.suggestion()).isNotNull();
        assertThat(result.suggestion().sizeStrategy()).isEqualTo(SizeStrategy.DECOMPOSE_LIST);
        assertThat(run(full, SizeStrategy.DECOMPOSE_LIST, GetitemRule.VLLM).outcome()).isEqualTo(Outcome.OK);
    }

    @Test
    void decomposeReplacesGetitemsAndSaysWhatItAssumed() {
        PartitionResult result = run(INDEXED_SIZE, SizeStrategy.DECOMPOSE, GetitemRule.VLLM);
        assertThat(result.outcome()).isEqualTo(Outcome.OK);
        assertThat(result.assignment()).doesNotContainKeys("size", "n").containsEntry("sym_size_int", 0);
        assertThat(result.submodules().get(2).inputs()).extracting(SubmoduleValue::name, SubmoduleValue::kind)
                .contains(org.assertj.core.groups.Tuple.tuple("sym_size_int", ValueKind.SYMINT));
        assertThat(result.diagnostics()).extracting(Diagnostic::code).contains("assumed-shape");
    }

    @Test
    void splittingOpNamesMatchPacketsDefaultsAndOnlyTheirOwnOverload() {
        String graph = """
                graph():
                    %x : torch.Tensor [num_users=5] = placeholder[target=x]
                    %a : [num_users=0] = call_function[target=torch.ops.ns.op](args = (%x,), kwargs = {})
                    %b : [num_users=0] = call_function[target=torch.ops.ns.op.default](args = (%x,), kwargs = {})
                    %c : [num_users=0] = call_function[target=torch.ops.ns.op.other](args = (%x,), kwargs = {})
                    %d : [num_users=0] = call_function[target=torch.ops.aten.split.Tensor](args = (%x, 2), kwargs = {})
                    %e : [num_users=0] = call_method[target=op](args = (%x,), kwargs = {})
                    return (x,)
                """;
        Graph g = new FxTextParser().parse(graph, null);
        SplittingOps ops = new SplittingOps(List.of("ns::op", "aten::split.Tensor"));
        assertThat(g.nodes().stream().filter(ops::splitsAt).map(Node::name)).containsExactly("a", "b", "d");
        SplittingOps overload = new SplittingOps(List.of("ns::op.other"));
        assertThat(g.nodes().stream().filter(overload::splitsAt).map(Node::name)).containsExactly("c");
        assertThat(SplittingOps.parse(" ").names()).isEqualTo(SplittingOps.VLLM_DEFAULTS);
        assertThat(SplittingOps.parse("a::b, c::d\ne::f").names()).containsExactly("a::b", "c::d", "e::f");
    }

    /** Moving only the id, as PR #35635 describes, makes split_module raise the KeyError the fixtures recorded. */
    @Test
    void assignmentOnlyMoveRaisesTheRecordedKeyError() {
        for (String fixture : List.of("size_kwarg", "moe_view", "vllm_moe_lm")) {
            JsonNode root = Fixtures.expected(fixture);
            if (!root.has("assignmentOnlyMoveToConsumer")) {
                continue;
            }
            Graph graph = new FxJsonParser().parse(Fixtures.read(fixture, "graph.json"), null);
            SubgraphIds ids = new SubgraphIds(graph);
            root.get("strategies").get("move-to-consumer|tuple-only|nomerge").get("assignment").properties()
                    .forEach(e -> ids.set(graph.indexOf(e.getKey()), e.getValue().asInt()));
            SplitModule.Split split = SplitModule.run(graph, ids);
            assertThat(split.error().message()).as(fixture)
                    .isEqualTo(root.get("assignmentOnlyMoveToConsumer").get("splitModuleError").asString());
        }
    }

    @Test
    void gradModeIsCopiedIntoEverySubmoduleOfItsRegion() {
        String graph = """
                graph():
                    %x : torch.Tensor [num_users=1] = placeholder[target=x]
                    %_set_grad_enabled : [num_users=0] = call_function[target=torch._C._set_grad_enabled](args = (False,), kwargs = {})
                    %y : [num_users=1] = call_function[target=operator.mul](args = (%x, 2), kwargs = {})
                    %a : [num_users=1] = call_function[target=torch.ops.oracle.attn](args = (%y,), kwargs = {})
                    %z : [num_users=1] = call_function[target=operator.add](args = (%a, 1), kwargs = {})
                    return (z,)
                """;
        PartitionResult result = run(graph, SizeStrategy.NONE, GetitemRule.VLLM);
        assertThat(result.outcome()).isEqualTo(Outcome.OK);
        assertThat(result.diagnostics()).filteredOn(d -> d.code().equals("global-state-copied")).singleElement()
                .satisfies(d -> assertThat(d.message()).contains("[0, 1, 2]").contains("submod_1, submod_2"));
        // The grad-mode call itself makes no cross-submodule use.
        assertThat(result.submodules().get(0).outputs()).extracting(SubmoduleValue::name).containsExactly("y");
    }

    @Test
    void gradModeRegionsNeedIdsThatNeverDecrease() {
        String graph = """
                graph():
                    %x : torch.Tensor [num_users=2] = placeholder[target=x]
                    %_set_grad_enabled : [num_users=0] = call_function[target=torch._C._set_grad_enabled](args = (False,), kwargs = {})
                    %a : [num_users=1] = call_function[target=torch.ops.oracle.attn](args = (%x,), kwargs = {})
                    %m : [num_users=1] = call_function[target=operator.mul](args = (%x, 2), kwargs = {})
                    %g : [num_users=1] = call_function[target=operator.getitem](args = (%a, 0), kwargs = {})
                    %z : [num_users=1] = call_function[target=operator.add](args = (%g, %m), kwargs = {})
                    return (z,)
                """;
        PartitionResult result = run(graph, SizeStrategy.NONE, GetitemRule.VLLM);
        assertThat(result.outcome()).isEqualTo(Outcome.SPLIT_FAILS);
        assertThat(result.error()).isEqualTo("AssertionError: autocast or set_grad_enabled require monotonically "
                + "increasing partitions: highest: 2, this node's: 1");
        // Without the getitem rule the ids never decrease; the tuple then crosses instead.
        assertThat(run(graph, SizeStrategy.NONE, GetitemRule.OFF).outcome()).isEqualTo(Outcome.AOT_FAILS);
    }

    @Test
    void decomposeRejectsASlicedSizeAsVllmAsserts() {
        String sliced = """
                graph():
                    %x : torch.Tensor [num_users=2] = placeholder[target=x]
                    %size : [num_users=1] = call_method[target=size](args = (%x,), kwargs = {})
                    %getitem : [num_users=1] = call_function[target=operator.getitem](args = (%size, slice(None, -1, None)), kwargs = {})
                    %a : [num_users=1] = call_function[target=torch.ops.oracle.attn](args = (%x,), kwargs = {})
                    %v : [num_users=1] = call_method[target=view](args = (%a, %getitem), kwargs = {})
                    return (v,)
                """;
        PartitionResult result = run(sliced, SizeStrategy.DECOMPOSE, GetitemRule.VLLM);
        assertThat(result.outcome()).isEqualTo(Outcome.SPLIT_FAILS);
        assertThat(result.error()).isEqualTo("AssertionError: Expected literal int index for getitem on size(), "
                + "got slice: slice(None, -1, None)");
        // decompose-list slices the element list instead.
        assertThat(run(sliced, SizeStrategy.DECOMPOSE_LIST, GetitemRule.VLLM).outcome()).isEqualTo(Outcome.OK);
    }

    @Test
    void anExplicitDefaultOverloadMatchesOnlyThatOverload() {
        Graph g = new FxTextParser().parse("""
                graph():
                    %x : torch.Tensor [num_users=2] = placeholder[target=x]
                    %a : [num_users=0] = call_function[target=torch.ops.ns.op](args = (%x,), kwargs = {})
                    %b : [num_users=0] = call_function[target=torch.ops.ns.op.default](args = (%x,), kwargs = {})
                    return (x,)
                """, null);
        SplittingOps ops = new SplittingOps(List.of("ns::op.default"));
        assertThat(g.nodes().stream().filter(ops::splitsAt).map(Node::name)).containsExactly("b");
    }

    @Test
    void containersBuiltFromSizesAndNestedTuplesAreSeen() {
        String graph = """
                graph():
                    %x : [num_users=2] = placeholder[target=x]
                    %lstm : [num_users=2] = call_module[target=lstm](args = (%x,), kwargs = {})
                    %out : [num_users=1] = call_function[target=operator.getitem](args = (%lstm, 0), kwargs = {})
                    %hc : [num_users=2] = call_function[target=operator.getitem](args = (%lstm, 1), kwargs = {})
                    %h : [num_users=1] = call_function[target=operator.getitem](args = (%hc, 0), kwargs = {})
                    %c : [num_users=1] = call_function[target=operator.getitem](args = (%hc, 1), kwargs = {})
                    %getattr_1 : [num_users=1] = call_function[target=builtins.getattr](args = (%x, shape), kwargs = {})
                    %getitem : [num_users=1] = call_function[target=operator.getitem](args = (%getattr_1, slice(None, -1, None)), kwargs = {})
                    %shape : [num_users=1] = call_function[target=operator.add](args = (%getitem, (4, 8)), kwargs = {})
                    return (out, h, c, shape)
                """;
        Graph g = new FxTextParser().parse(graph, null);
        assertThat(g.node("hc").kind()).isEqualTo(ValueKind.TUPLE);
        assertThat(g.node("shape").kind()).isEqualTo(ValueKind.SIZE);
    }

    @Test
    void aGraphNoSplittingOpCutsSaysWhichCustomOpsItCalls() {
        PartitionResult result = Partitioner.partition(new FxTextParser().parse(TWO_CONSUMERS, null),
                PartitionOptions.vllmDefaults(SplittingOps.parse("")));
        assertThat(result.submodules()).hasSize(1);
        assertThat(result.diagnostics()).filteredOn(d -> d.code().equals("no-splitting-op")).singleElement()
                .satisfies(d -> assertThat(d.message()).contains("oracle::attn").contains("vllm::unified_attention"));
    }

    private static final SplittingOps MOE = new SplittingOps(List.of("oracle::moe"));

    /**
     * A Size crossing first into a submodule: split_module's record_cross_partition_use threads the free symbols
     * of the Size's example value right after it. print_readable writes no annotation on x.size(), so they come
     * from x's annotation, and the inputs match those of the same graph in fx-json, which carries the Size's value.
     */
    @Test
    void aCrossingSizeIsFollowedByItsSymbolsFromItsTensorsAnnotation() {
        String readable = """
                class GraphModule(torch.nn.Module):
                    def forward(self, s77: "Sym(s77)", L_x_: "f32[s77, 32]", L_y_: "f32[s77, 32]"):
                        l_x_ = L_x_
                        l_y_ = L_y_
                        size = l_x_.size()
                        moe: "f32[s77, 32]" = torch.ops.oracle.moe(l_x_);  l_x_ = None
                        zeros: "f32[s77, 32]" = torch.zeros(size);  size = None
                        add: "f32[s77, 32]" = zeros + l_y_;  zeros = l_y_ = None
                        add_1: "f32[s77, 32]" = add + moe;  add = moe = None
                        return (add_1,)
                """;
        String json = """
                {"format": "fx-graph-json/1", "nodes": [
                 {"name": "s77", "op": "placeholder", "target": "s77", "value": {"kind": "symint", "value": "s77"}},
                 {"name": "l_x_", "op": "placeholder", "target": "L_x_", "value": {"kind": "tensor", "shape": ["s77", "32"], "dtype": "float32"}},
                 {"name": "l_y_", "op": "placeholder", "target": "L_y_", "value": {"kind": "tensor", "shape": ["s77", "32"], "dtype": "float32"}},
                 {"name": "size", "op": "call_method", "target": "size", "args": [{"node": "l_x_"}], "value": {"kind": "size", "value": ["s77", "32"]}},
                 {"name": "moe", "op": "call_function", "target": "torch.ops.oracle.moe", "args": [{"node": "l_x_"}], "value": {"kind": "tensor", "shape": ["s77", "32"], "dtype": "float32"}},
                 {"name": "zeros", "op": "call_function", "target": "torch.zeros", "args": [{"node": "size"}], "value": {"kind": "tensor", "shape": ["s77", "32"], "dtype": "float32"}},
                 {"name": "add", "op": "call_function", "target": "operator.add", "args": [{"node": "zeros"}, {"node": "l_y_"}], "value": {"kind": "tensor", "shape": ["s77", "32"], "dtype": "float32"}},
                 {"name": "add_1", "op": "call_function", "target": "operator.add", "args": [{"node": "add"}, {"node": "moe"}], "value": {"kind": "tensor", "shape": ["s77", "32"], "dtype": "float32"}},
                 {"name": "output", "op": "output", "target": "output", "args": [{"tuple": [{"node": "add_1"}]}]}]}
                """;
        PartitionOptions none = new PartitionOptions(MOE, SizeStrategy.NONE, GetitemRule.TUPLE_ONLY, true, true);
        for (Graph graph : List.of(dev.piecewise.graph.format.GraphFormat.FX_PYTHON.parse(readable, "t"),
                new FxJsonParser().parse(json, "t"))) {
            PartitionResult result = Partitioner.partition(graph, none);
            assertThat(result.submodules().get(2).inputs()).extracting(SubmoduleValue::name)
                    .containsExactly("size", "s77", "l_y_", "moe");
        }
    }

    /** decompose-list rewrites x.size()/x.shape and their slices; a Size built by torch.Size([...]) stays (GPT-2). */
    @Test
    void decomposeListLeavesSizesItDidNotTakeFromATensor() {
        String graphText = """
                graph():
                    %s27 : torch.SymInt [num_users=1] = placeholder[target=s27]
                    %x : torch.Tensor [num_users=3] = placeholder[target=x]
                    %size : [num_users=1] = call_method[target=size](args = (%x,), kwargs = {})
                    %getitem : [num_users=1] = call_function[target=operator.getitem](args = (%size, slice(None, -1, None)), kwargs = {})
                    %built : [num_users=1] = call_function[target=torch.Size](args = ([1, %s27, 192],), kwargs = {})
                    %a : [num_users=1] = call_function[target=torch.ops.oracle.attn](args = (%x,), kwargs = {})
                    %v : [num_users=1] = call_method[target=view](args = (%a, %built), kwargs = {})
                    %w : [num_users=1] = call_method[target=view](args = (%v, %getitem), kwargs = {})
                    return (w,)
                """;
        PartitionResult result = run(graphText, SizeStrategy.DECOMPOSE_LIST, GetitemRule.TUPLE_ONLY);
        assertThat(result.relocations()).extracting(Relocation::node).containsExactly("size", "getitem");
        assertThat(result.submodules().stream().flatMap(s -> s.nodes().stream())).contains("built");
        assertThat(result.crossings()).extracting(Crossing::value).contains("built");
    }

    /**
     * split_module copies grad-mode and autocast nodes into every submodule their region reaches (before the
     * submodule's own nodes, and an {@code _exit_autocast} after them): the node lists PyTorch printed, copies
     * included, for every option set it was run with; the copies are reported as such and placed nowhere.
     */
    @Test
    void gradModeAndAutocastNodesAreCopiedWhereSplitModuleCopiesThem() {
        java.nio.file.Path dir = Fixtures.ROOT.resolve("corpus/custom_grad_autocast");
        Graph graph = GraphFormat.FX_JSON.parse(Fixtures.read(dir.resolve("graph.json")), "custom_grad_autocast");
        JsonNode expected = tools.jackson.databind.json.JsonMapper.builder().build()
                .readTree(Fixtures.read(dir.resolve("expected.json")));
        SplittingOps ops = new SplittingOps(Fixtures.strings(expected.get("splittingOps")));
        Map<String, JsonNode> strategies = new java.util.LinkedHashMap<>();
        expected.get("strategies").properties().forEach(e -> strategies.put(e.getKey(), e.getValue()));
        assertThat(strategies).containsKey("none|vllm|merge");
        strategies.forEach((key, strategy) -> {
            boolean merge = strategy.get("mergeConsecutiveSplits").asBoolean();
            PartitionResult result = Partitioner.partition(graph, new PartitionOptions(ops,
                    SizeStrategy.fromId(strategy.get("sizeStrategy").asString()),
                    GetitemRule.fromId(strategy.get("getitemRule").asString()), merge,
                    strategy.get("mergeEmptyAllocations").asBoolean()));
            List<JsonNode> subs = List.copyOf(strategy.get("submodules").values());
            assertThat(result.submodules()).as(key).hasSameSizeAs(subs);
            Map<String, Integer> placed = new HashMap<>();
            for (int i = 0; i < subs.size(); i++) {
                Submodule submodule = result.submodules().get(i);
                assertThat(submodule.name()).as(key).isEqualTo(subs.get(i).get("name").asString());
                assertThat(submodule.nodes()).as(key + " " + submodule.name())
                        .isEqualTo(Fixtures.strings(subs.get(i).get("nodes")));
                submodule.originalNodes().forEach(n -> placed.put(n, submodule.graphId()));
            }
            Map<String, Integer> assignment = new HashMap<>();
            strategy.get("assignment").properties().forEach(e -> assignment.put(e.getKey(), e.getValue().asInt()));
            assertThat(placed).as(key + " placement of original nodes").isEqualTo(assignment);
        });
        Submodule third = Partitioner.partition(graph, new PartitionOptions(ops, SizeStrategy.NONE, GetitemRule.VLLM,
                true, true)).submodules().get(3);
        assertThat(third.copies()).containsExactly(new GlobalStateCopy("_enter_autocast", "_enter_autocast"),
                new GlobalStateCopy("_set_grad_enabled", "_set_grad_enabled_1"),
                new GlobalStateCopy("_exit_autocast", "_exit_autocast"));
    }

    /** A text dump whose {@code count} tensors t0, t1, ... are made before one attention and read after it. */
    private static String tensorsCrossingOneCut(int count) {
        StringBuilder sb = new StringBuilder("graph():\n    %x : [num_users=1] = placeholder[target=x]\n");
        String sum = "x";
        for (int i = 0; i < count; i++) {
            sb.append("    %t").append(i).append(" : [num_users=1] = call_function[target=torch.relu](args = (%x,), kwargs = {})\n");
        }
        sb.append("    %a : [num_users=1] = call_function[target=torch.ops.oracle.attn](args = (%x,), kwargs = {})\n");
        for (int i = 0; i < count; i++) {
            sb.append("    %s").append(i).append(" : [num_users=1] = call_function[target=operator.add](args = (%")
                    .append(sum).append(", %t").append(i).append("), kwargs = {})\n");
            sum = "s" + i;
        }
        return sb.append("    return (").append(sum).append(",)\n").toString();
    }

    /** The tensors crossing the cut and the last sum, which crosses to the graph's output, carry no metadata. */
    @Test
    void guessedTensorKindsAreCountedAndTheFirstTenNamed() {
        PartitionResult many = run(tensorsCrossingOneCut(12), SizeStrategy.NONE, GetitemRule.TUPLE_ONLY);
        assertThat(many.diagnostics()).filteredOn(d -> d.code().equals("inferred-kinds")).singleElement()
                .extracting(Diagnostic::message).asString()
                .startsWith("13 crossing values were taken to be tensors")
                .endsWith(": t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, …");
        PartitionResult few = run(tensorsCrossingOneCut(2), SizeStrategy.NONE, GetitemRule.TUPLE_ONLY);
        assertThat(few.diagnostics()).filteredOn(d -> d.code().equals("inferred-kinds")).singleElement()
                .extracting(Diagnostic::message).asString().startsWith("3 crossing values").endsWith(": t0, t1, s1");
    }

    /** Twelve {@code x.size()} calls without shapes, the third indexed at 3 (so assumed rank 4). */
    @Test
    void assumedShapesAreCountedAndTheFirstTenListed() {
        StringBuilder text = new StringBuilder("graph():\n    %x : [num_users=13] = placeholder[target=x]\n");
        for (int i = 0; i < 12; i++) {
            text.append("    %size_").append(i).append(" : [num_users=1] = call_method[target=size](args = (%x,), kwargs = {})\n");
            String viewedAs = "%size_" + i;
            if (i == 2) {
                text.append("    %g : [num_users=1] = call_function[target=operator.getitem](args = (%size_2, 3), kwargs = {})\n");
                viewedAs = "%g";
            }
            text.append("    %v_").append(i).append(" : [num_users=0] = call_method[target=view](args = (%x, ")
                    .append(viewedAs).append("), kwargs = {})\n");
        }
        text.append("    %a : [num_users=1] = call_function[target=torch.ops.oracle.attn](args = (%x,), kwargs = {})\n")
                .append("    return (a,)\n");
        PartitionResult result = run(text.toString(), SizeStrategy.DECOMPOSE, GetitemRule.VLLM);
        Diagnostic note = result.diagnostics().stream().filter(d -> d.code().equals("assumed-shape")).findFirst().orElseThrow();
        assertThat(note.message()).startsWith("The upload carries no shapes, so 12 Size value(s) were decomposed")
                .contains(": size_0 (rank 2), size_1 (rank 2), size_2 (rank 4), size_3 (rank 2)")
                .contains("size_9 (rank 2) and 2 more.").doesNotContain("size_10");
        assertThat(note.node()).isEqualTo("size_0");
    }
}
