package dev.piecewise.graph.format;

import dev.piecewise.graph.Arg;
import dev.piecewise.graph.Graph;
import dev.piecewise.graph.GraphParseException;
import dev.piecewise.graph.KindInference;
import dev.piecewise.graph.Node;
import dev.piecewise.graph.Op;
import dev.piecewise.graph.ValueInfo;
import dev.piecewise.graph.ValueKind;
import dev.piecewise.graph.format.JsonReader.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses the project's {@code fx-graph-json/1} format (src/docs/formats.md), which carries every value's kind and shape. */
public final class FxJsonParser implements GraphParser {

    public static final String FORMAT_ID = "fx-graph-json/1";

    @Override
    public Graph parse(String text, String name) {
        return parse(text, name, ParseLimits.DEFAULTS);
    }

    static Graph parse(String text, String name, ParseLimits limits) {
        Object document = new JsonReader(text, limits).readDocument();
        if (!(document instanceof JsonObject root)) {
            throw new GraphParseException("an fx-json upload is a JSON object", 1, 1);
        }
        Object format = root.get("format");
        if (!FORMAT_ID.equals(format)) {
            throw new GraphParseException("expected \"format\": \"" + FORMAT_ID + "\" but found " + format,
                    root.line, root.column);
        }
        String graphName = root.get("name") instanceof String s ? s : name;
        if (!(root.get("nodes") instanceof List<?> nodes)) {
            throw new GraphParseException("expected a \"nodes\" array", root.line, root.column);
        }
        if (nodes.size() > limits.maxNodes()) {
            throw limits.tooManyNodes(root.line, root.column);
        }
        Graph.Builder builder = new Graph.Builder(graphName, true, nodes.size());
        for (Object item : nodes) {
            if (!(item instanceof JsonObject node)) {
                throw new GraphParseException("every entry of \"nodes\" must be an object", root.line, root.column);
            }
            builder.add(node(node), node.line, node.column);
        }
        Graph graph = builder.build(root.line, root.column);
        return KindInference.complete(graph);
    }

    private static Node node(JsonObject json) {
        String name = string(json, "name");
        String opName = string(json, "op");
        Op op = Op.fromFxName(opName);
        if (op == null) {
            throw at(json, "unknown op '" + opName + "'; expected placeholder, get_attr, call_function, call_method, "
                    + "call_module or output");
        }
        String target = json.get("target") == null ? opName : string(json, "target");
        Object argsJson = json.get("args");
        List<Arg> args = List.of();
        if (argsJson instanceof List<?> list) {
            args = args(list, json);
        } else if (argsJson != null) {
            throw at(json, "\"args\" must be an array");
        }
        Object kwargsJson = json.get("kwargs");
        Map<String, Arg> kwargs = Map.of();
        if (kwargsJson instanceof JsonObject map && !map.isEmpty()) {
            kwargs = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : map.entrySet()) {
                kwargs.put(e.getKey(), arg(e.getValue(), json));
            }
        } else if (kwargsJson != null && !(kwargsJson instanceof JsonObject)) {
            throw at(json, "\"kwargs\" must be an object");
        }
        // A node the exporter gave no value gets an inferred kind, as in fx-text.
        ValueInfo value = json.get("value") instanceof JsonObject v ? value(v) : null;
        String type = json.get("type") instanceof String t ? t : null;
        String source = json.get("source") instanceof String s ? s : null;
        return new Node(name, op, target, args, kwargs, type, value, source);
    }

    private static String string(JsonObject json, String key) {
        if (json.get(key) instanceof String s && !s.isEmpty()) {
            return s;
        }
        throw at(json, "expected a string \"" + key + "\"");
    }

    private static GraphParseException at(JsonObject json, String message) {
        return new GraphParseException(message, json.line, json.column);
    }

    private static Arg arg(Object json, JsonObject owner) {
        if (json == null) {
            return Arg.NONE;
        }
        if (json instanceof Long l) {
            return Arg.IntLit.of(l);
        }
        if (json instanceof java.math.BigInteger big) {
            return new Arg.Repr(big.toString()); // as the Python parser keeps an int too large for a long
        }
        if (json instanceof Double d) {
            return new Arg.FloatLit(d.isInfinite() ? (d > 0 ? "inf" : "-inf") : d.isNaN() ? "nan" : d.toString());
        }
        if (json instanceof Boolean b) {
            return new Arg.BoolLit(b);
        }
        if (json instanceof String s) {
            return new Arg.Str(s);
        }
        if (json instanceof List<?> list) {
            // Plain arrays are not part of the encoding, but read them as lists rather than reject a harmless export.
            return new Arg.ListArg(args(list, owner));
        }
        JsonObject object = (JsonObject) json;
        if (object.size() != 1) {
            throw at(object, "an encoded argument has exactly one key: node, tuple, list, dict, slice or repr");
        }
        Map.Entry<String, Object> e = object.entrySet().iterator().next();
        Object v = e.getValue();
        switch (e.getKey()) {
            case "node":
                if (!(v instanceof String ref)) {
                    throw at(object, "{\"node\": ...} takes a node name");
                }
                return new Arg.Ref(ref);
            case "tuple":
            case "list":
                if (!(v instanceof List<?> items)) {
                    throw at(object, "{\"" + e.getKey() + "\": ...} takes an array");
                }
                List<Arg> args = args(items, object);
                return e.getKey().equals("tuple") ? new Arg.Tuple(args) : new Arg.ListArg(args);
            case "dict":
                if (!(v instanceof JsonObject map)) {
                    throw at(object, "{\"dict\": ...} takes an object");
                }
                Map<String, Arg> entries = new LinkedHashMap<>();
                map.forEach((k, x) -> entries.put(k, arg(x, map)));
                return new Arg.Dict(entries);
            case "slice":
                if (!(v instanceof List<?> parts) || parts.size() != 3) {
                    throw at(object, "{\"slice\": [start, stop, step]} takes three items");
                }
                return new Arg.Slice(arg(parts.get(0), object), arg(parts.get(1), object), arg(parts.get(2), object));
            case "repr":
                return new Arg.Repr(String.valueOf(v));
            default:
                throw at(object, "unknown argument encoding '" + e.getKey()
                        + "'; expected node, tuple, list, dict, slice or repr");
        }
    }

    /** Loops rather than streams: every node's arguments and shape pass here. */
    private static List<Arg> args(List<?> items, JsonObject owner) {
        Arg[] args = new Arg[items.size()];
        for (int i = 0; i < args.length; i++) {
            args[i] = arg(items.get(i), owner);
        }
        return List.of(args);
    }

    private static List<String> strings(List<?> items) {
        String[] strings = new String[items.size()];
        for (int i = 0; i < strings.length; i++) {
            strings[i] = String.valueOf(items.get(i));
        }
        return List.of(strings);
    }

    private static ValueInfo value(JsonObject json) {
        if (!(json.get("kind") instanceof String kindId)) {
            throw at(json, "a value needs a \"kind\"");
        }
        ValueKind kind;
        try {
            kind = ValueKind.fromId(kindId);
        } catch (IllegalArgumentException e) {
            throw at(json, e.getMessage());
        }
        List<String> shape = json.get("shape") instanceof List<?> dims ? strings(dims) : null;
        String expr = null;
        Object v = json.get("value");
        if (kind == ValueKind.SIZE && v instanceof List<?> dims) {
            shape = strings(dims);
        } else if (v != null && !(v instanceof List) && !(v instanceof JsonObject)) {
            expr = String.valueOf(v);
        }
        List<ValueInfo> items = null;
        if (json.get("items") instanceof List<?> list) {
            items = new ArrayList<>();
            for (Object item : list) {
                items.add(item instanceof JsonObject o ? value(o) : ValueInfo.of(ValueKind.NONE));
            }
        }
        String dtype = json.get("dtype") instanceof String d ? d : null;
        return new ValueInfo(kind, shape, dtype, expr, items, false);
    }
}
