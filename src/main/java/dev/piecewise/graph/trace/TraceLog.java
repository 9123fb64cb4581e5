package dev.piecewise.graph.trace;

import dev.piecewise.graph.GraphParseException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The graphs of a TORCH_TRACE log: every {@code dynamo_output_graph} in the order they were logged, each with the
 * {@code vllm_compilation_config}, {@code vllm_piecewise_split_graph} and {@code dynamo_graph_break_reason} of the
 * same compilation. Other entry types are skipped. See src/docs/formats.md, "TORCH_TRACE logs".
 */
public record TraceLog(List<TraceGraph> graphs) {

    static final String OUTPUT_GRAPH = "dynamo_output_graph";
    static final String VLLM_CONFIG = "vllm_compilation_config";
    static final String VLLM_SPLIT = "vllm_piecewise_split_graph";
    static final String GRAPH_BREAK = "dynamo_graph_break_reason";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public TraceLog {
        graphs = List.copyOf(graphs);
    }

    /** @throws GraphParseException as {@link TraceLogReader#read} does, and for a vLLM config that is not JSON */
    public static TraceLog read(String text) {
        // One pass: the last entry of each kind per compilation (a restarted frame logs again under a later
        // attempt), and for each output graph the last config logged outside any compilation before it.
        Map<String, TraceEntry> lastOfCompilation = new HashMap<>();
        List<TraceEntry> outputs = new ArrayList<>();
        List<TraceEntry> globalConfigs = new ArrayList<>();
        TraceEntry globalConfig = null;
        for (TraceEntry e : TraceLogReader.read(text, Set.of(OUTPUT_GRAPH, VLLM_CONFIG, VLLM_SPLIT, GRAPH_BREAK))) {
            if (e.payload() == null) {
                continue;
            }
            if (e.is(OUTPUT_GRAPH)) {
                outputs.add(e);
                globalConfigs.add(globalConfig);
            } else if (e.compileId() == null) {
                globalConfig = e.is(VLLM_CONFIG) ? e : globalConfig;
            } else {
                for (String kind : List.of(VLLM_CONFIG, VLLM_SPLIT, GRAPH_BREAK)) {
                    if (e.is(kind)) {
                        lastOfCompilation.put(key(kind, e.compileId()), e);
                    }
                }
            }
        }
        List<TraceGraph> graphs = new ArrayList<>(outputs.size());
        for (int i = 0; i < outputs.size(); i++) {
            TraceEntry output = outputs.get(i);
            CompileId id = output.compileId();
            TraceEntry split = id == null ? null : lastOfCompilation.get(key(VLLM_SPLIT, id));
            TraceEntry breakReason = id == null ? null : lastOfCompilation.get(key(GRAPH_BREAK, id));
            TraceEntry config = id == null ? null : lastOfCompilation.get(key(VLLM_CONFIG, id));
            graphs.add(new TraceGraph(i, id, output.payload(), output.payloadLine(),
                    split == null ? null : split.payload(), split == null ? 0 : split.payloadLine(),
                    splittingOps(config != null ? config : globalConfigs.get(i)),
                    breakReason == null ? null : breakReason.payload()));
        }
        return new TraceLog(graphs);
    }

    /** The graph {@code compileId} names ({@code 0/0}, or {@code 0/0_1} with the attempt). */
    public Optional<TraceGraph> find(String compileId) {
        return graphs.stream().filter(g -> g.compileId() != null && g.compileId().matches(compileId)).findFirst();
    }

    private static String key(String kind, CompileId id) {
        return kind + "|" + id.rank() + "|" + id.id();
    }

    /**
     * {@code splitting_ops} is one comma-separated string in vLLM's logged config (a JSON list is taken too); null
     * when there is no config or it names no {@code splitting_ops}.
     */
    private static List<String> splittingOps(TraceEntry config) {
        if (config == null) {
            return null;
        }
        JsonNode json;
        try {
            json = JSON.readTree(config.payload());
        } catch (JacksonException notJson) {
            throw new GraphParseException("the vllm_compilation_config payload is not JSON", config.payloadLine(), 2);
        }
        JsonNode ops = json.get("splitting_ops");
        if (ops == null || ops.isNull()) {
            return null;
        }
        List<String> names = new ArrayList<>();
        if (ops.isArray()) {
            ops.forEach(op -> names.add(op.asString().trim()));
        } else {
            names.addAll(Arrays.stream(ops.asString().split(",")).map(String::trim).toList());
        }
        // An empty list is vLLM splitting at nothing: the graph stays one piece.
        return names.stream().filter(Objects::nonNull).filter(s -> !s.isEmpty()).toList();
    }
}
