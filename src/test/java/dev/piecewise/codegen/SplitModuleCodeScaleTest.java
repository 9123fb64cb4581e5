package dev.piecewise.codegen;

import dev.piecewise.graph.Graph;
import dev.piecewise.graph.Arg;
import dev.piecewise.graph.Node;
import dev.piecewise.graph.Op;
import dev.piecewise.graph.ValueInfo;
import dev.piecewise.graph.ValueKind;
import dev.piecewise.partition.PartitionOptions;
import dev.piecewise.partition.Partitioner;
import dev.piecewise.partition.SplittingOps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The code of a graph with a million placeholders is written in linear time (Set.copyOf probed quadratically). */
class SplitModuleCodeScaleTest {

    @Test
    @Timeout(120)
    void aMillionPlaceholders() {
        int n = 1_000_000;
        List<Node> nodes = new ArrayList<>(n + 2);
        for (int i = 0; i < n; i++) {
            nodes.add(new Node("arg" + i + "_1", Op.PLACEHOLDER, "arg" + i + "_1", List.of(), Map.of(), null,
                    ValueInfo.of(ValueKind.TENSOR), null));
        }
        nodes.add(new Node("y", Op.CALL_FUNCTION, "torch.ops.oracle.moe", List.of(), Map.of(), null, ValueInfo.of(ValueKind.TENSOR), null));
        nodes.add(new Node("output", Op.OUTPUT, "output", List.of(new Arg.Tuple(List.of(new Arg.Ref("y")))), Map.of(), null, null, null));
        Graph graph = Graph.trusted("wide", nodes, false);
        String code = SplitModuleCode.render(Partitioner.partitionOnce(graph,
                PartitionOptions.vllmDefaults(new SplittingOps(List.of("oracle::moe")))));
        assertThat(code).contains("def forward(self, arg0_1, arg1_1, ").contains(", arg999999_1):");
    }
}
