package dev.piecewise.run;

/**
 * Writes {@code print(graph)} text of a decoder of any size: one {@code oracle::attn} split per layer and vLLM's MoE
 * {@code size()} pattern in every layer (11 nodes a layer), so that every cut has a {@code torch.Size} to relocate.
 * What {@link RunWarmup} rehearses on, and the benchmarks measure. Written exactly as PyTorch prints a graph (a
 * trailing comma only in a one-item tuple, each node's real user count): the warm-up is there to compile the code
 * real uploads run, and a parser branch it never took would send the first real upload back to the interpreter.
 */
public final class SyntheticDecoder {

    private SyntheticDecoder() {
    }

    public static String fxText(int layers) {
        StringBuilder sb = new StringBuilder(layers * 1200);
        sb.append("graph():\n");
        // The input feeds the first layer's size, view and residual add (or, with no layer, the output); each layer's
        // output the next one's.
        sb.append("    %x : [num_users=").append(layers == 0 ? 1 : 3).append("] = placeholder[target=x]\n");
        for (int i = 0; i < layers; i++) {
            sb.append("    %w").append(i).append(" : [num_users=1] = placeholder[target=w").append(i).append("]\n");
        }
        String previous = "x";
        for (int i = 0; i < layers; i++) {
            String s = i == 0 ? "" : "_" + i;
            String s2 = i == 0 ? "_1" : "_" + (2 * i + 1);
            String v = i == 0 ? "" : "_" + (2 * i);
            node(sb, "size" + s, 1, "call_method", "size", "%" + previous);
            node(sb, "view" + v, 1, "call_method", "view", "%" + previous, "-1", "64");
            node(sb, "linear" + s, 1, "call_function", "torch._C._nn.linear", "%view" + v, "%w" + i, "None");
            node(sb, "relu" + s, 1, "call_function", "torch.relu", "%linear" + s);
            node(sb, "attn_default" + s, 1, "call_function", "torch.ops.oracle.attn.default", "%relu" + s);
            node(sb, "mul" + s, 1, "call_function", "operator.mul", "%attn_default" + s, "2");
            node(sb, "view" + s2, 1, "call_method", "view", "%mul" + s, "%size" + s);
            node(sb, "add" + s, 1, "call_function", "operator.add", "%view" + s2, "%" + previous);
            node(sb, "layer_norm" + s, 1, "call_function", "torch.nn.functional.layer_norm", "%add" + s, "(64,)");
            node(sb, "contiguous" + s, i == layers - 1 ? 1 : 3, "call_method", "contiguous", "%layer_norm" + s);
            previous = "contiguous" + s;
        }
        sb.append("    return (").append(previous).append(",)\n");
        return sb.toString();
    }

    private static void node(StringBuilder sb, String name, int users, String op, String target, String... args) {
        sb.append("    %").append(name).append(" : [num_users=").append(users).append("] = ").append(op)
                .append("[target=").append(target).append("](args = (").append(String.join(", ", args))
                .append(args.length == 1 ? ",)" : ")").append(", kwargs = {})\n");
    }
}
