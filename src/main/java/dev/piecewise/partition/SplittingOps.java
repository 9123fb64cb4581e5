package dev.piecewise.partition;

import dev.piecewise.graph.Node;
import dev.piecewise.graph.Op;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The ops vLLM cuts at. {@code ns::op} matches the targets {@code torch.ops.ns.op} (the op packet Dynamo emits)
 * and {@code torch.ops.ns.op.default}; {@code ns::op.overload}, {@code .default} included, matches only
 * {@code torch.ops.ns.op.overload}.
 */
public final class SplittingOps {

    public static final List<String> VLLM_DEFAULTS = List.of(
            "vllm::unified_attention", "vllm::unified_attention_with_output", "vllm::unified_mla_attention",
            "vllm::unified_mla_attention_with_output", "vllm::mamba_mixer2", "vllm::mamba_mixer", "vllm::short_conv",
            "vllm::linear_attention", "vllm::plamo2_mamba_mixer", "vllm::gdn_attention_core", "vllm::kda_attention",
            "vllm::sparse_attn_indexer", "vllm::rocm_aiter_sparse_attn_indexer", "vllm::unified_kv_cache_update",
            "vllm::unified_mla_kv_cache_update");

    private static final Pattern OP_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*::[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

    private final List<String> names;
    private final Set<String> targets = new HashSet<>();

    public SplittingOps(List<String> names) {
        this.names = List.copyOf(names);
        for (String name : names) {
            if (!OP_NAME.matcher(name).matches()) {
                String meant = opName(name);
                throw new IllegalArgumentException("splitting op '" + name
                        + "' is not of the form ns::op or ns::op.overload (e.g. vllm::unified_attention_with_output)"
                        + (meant == null ? "" : "; did you mean " + meant + "?"));
            }
            String dotted = "torch.ops." + name.replace("::", ".");
            targets.add(dotted);
            if (!name.contains(".")) { // ns::op names the op packet Dynamo emits and its default overload
                targets.add(dotted + ".default");
            }
        }
    }

    /** Parses a user's list: names separated by commas, spaces or new lines; none at all means vLLM's defaults. */
    public static SplittingOps parse(String list) {
        if (list == null || list.isBlank()) {
            return new SplittingOps(VLLM_DEFAULTS);
        }
        // A LinkedHashSet: de-duplication stays linear in the number of names (List.contains was quadratic).
        Set<String> names = new LinkedHashSet<>();
        for (String part : list.split("[,\\s]+")) {
            if (!part.isBlank()) {
                names.add(part);
            }
        }
        return names.isEmpty() ? new SplittingOps(VLLM_DEFAULTS) : new SplittingOps(List.copyOf(names));
    }

    /**
     * The name a target printed as Python ({@code torch.ops.oracle.moe}, {@code torch.ops.aten.foo.default},
     * {@code oracle.moe}) stands for ({@code oracle::moe}, {@code aten::foo.default}); null when it is none.
     */
    public static String opName(String target) {
        String dotted = target.startsWith("torch.ops.") ? target.substring("torch.ops.".length()) : target;
        String[] parts = dotted.split("\\.", -1);
        if (parts.length < 2 || parts.length > 3) {
            return null;
        }
        String name = parts[0] + "::" + parts[1] + (parts.length == 3 ? "." + parts[2] : "");
        return OP_NAME.matcher(name).matches() ? name : null;
    }

    /**
     * The custom ops (not {@code aten}) a graph calls, as {@code ns::op}, in the order first called, at most
     * {@code limit}: the likely splitting ops of a graph that none of the chosen ones cuts.
     */
    public static List<String> customOpsCalled(Iterable<Node> nodes, int limit) {
        Set<String> ops = new LinkedHashSet<>();
        for (Node node : nodes) {
            if (ops.size() >= limit) {
                break;
            }
            if (node.op() == Op.CALL_FUNCTION && node.target().startsWith("torch.ops.")
                    && !node.target().startsWith("torch.ops.aten.")) {
                String[] parts = node.target().substring("torch.ops.".length()).split("\\.");
                if (parts.length >= 2) {
                    ops.add(parts[0] + "::" + parts[1]);
                }
            }
        }
        return List.copyOf(ops);
    }

    public List<String> names() {
        return names;
    }

    public boolean splitsAt(Node node) {
        return node.op() == Op.CALL_FUNCTION && targets.contains(node.target());
    }
}
