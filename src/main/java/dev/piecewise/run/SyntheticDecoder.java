package dev.piecewise.run;

/**
 * Writes {@code print(graph)} text of a decoder of any size: one {@code oracle::attn} split per layer and vLLM's MoE
 * {@code size()} pattern in every layer (11 nodes a layer), so that every cut has a {@code torch.Size} to relocate.
 * What {@link RunWarmup} rehearses on, and the benchmarks measure.
 */
public final class SyntheticDecoder {

    private SyntheticDecoder() {
    }

    public static String fxText(int layers) {
        StringBuilder sb = new StringBuilder(layers * 1200);
        sb.append("graph():\n");
        sb.append("    %x : [num_users=3] = placeholder[target=x]\n");
        for (int i = 0; i < layers; i++) {
            sb.append("    %w").append(i).append(" : [num_users=1] = placeholder[target=w").append(i).append("]\n");
        }
        String previous = "x";
        for (int i = 0; i < layers; i++) {
            String s = i == 0 ? "" : "_" + i;
            String s2 = i == 0 ? "_1" : "_" + (2 * i + 1);
            String v = i == 0 ? "" : "_" + (2 * i);
            node(sb, "size" + s, "call_method", "size", "%" + previous);
            node(sb, "view" + v, "call_method", "view", "%" + previous + ", -1, 64");
            node(sb, "linear" + s, "call_function", "torch._C._nn.linear", "%view" + v + ", %w" + i + ", None");
            node(sb, "relu" + s, "call_function", "torch.relu", "%linear" + s);
            node(sb, "attn_default" + s, "call_function", "torch.ops.oracle.attn.default", "%relu" + s);
            node(sb, "mul" + s, "call_function", "operator.mul", "%attn_default" + s + ", 2");
            node(sb, "view" + s2, "call_method", "view", "%mul" + s + ", %size" + s);
            node(sb, "add" + s, "call_function", "operator.add", "%view" + s2 + ", %" + previous);
            node(sb, "layer_norm" + s, "call_function", "torch.nn.functional.layer_norm", "%add" + s + ", (64,)");
            node(sb, "contiguous" + s, "call_method", "contiguous", "%layer_norm" + s);
            previous = "contiguous" + s;
        }
        sb.append("    return (").append(previous).append(",)\n");
        return sb.toString();
    }

    private static void node(StringBuilder sb, String name, String op, String target, String args) {
        sb.append("    %").append(name).append(" : [num_users=1] = ").append(op).append("[target=").append(target)
                .append("](args = (").append(args).append(",), kwargs = {})\n");
    }
}
