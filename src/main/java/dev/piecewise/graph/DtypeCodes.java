package dev.piecewise.graph;

import java.util.HashMap;
import java.util.Map;

/** The short dtype codes of print_readable annotations ({@code f32}) and the dtype names they stand for. */
public final class DtypeCodes {

    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("f32", "float32"), Map.entry("f64", "float64"), Map.entry("f16", "float16"),
            Map.entry("bf16", "bfloat16"), Map.entry("i64", "int64"), Map.entry("i32", "int32"),
            Map.entry("i16", "int16"), Map.entry("i8", "int8"), Map.entry("u8", "uint8"), Map.entry("b8", "bool"),
            Map.entry("c64", "complex64"), Map.entry("c128", "complex128"), Map.entry("c32", "complex32"),
            Map.entry("f8e4m3fn", "float8_e4m3fn"), Map.entry("f8e5m2", "float8_e5m2"));
    private static final Map<String, String> CODES = new HashMap<>();

    static {
        NAMES.forEach((code, name) -> CODES.put(name, code));
    }

    private DtypeCodes() {
    }

    /** {@code f32} gives {@code float32}; an unknown code is returned as it is. */
    public static String name(String code) {
        return NAMES.getOrDefault(code, code);
    }

    /** {@code float32} gives {@code f32}; an unknown name is returned as it is. */
    public static String code(String name) {
        return CODES.getOrDefault(name, name);
    }
}
