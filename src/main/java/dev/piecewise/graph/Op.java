package dev.piecewise.graph;


/** The six opcodes of a torch.fx node, spelled as FX prints them. */
public enum Op {
    PLACEHOLDER("placeholder"),
    GET_ATTR("get_attr"),
    CALL_FUNCTION("call_function"),
    CALL_METHOD("call_method"),
    CALL_MODULE("call_module"),
    OUTPUT("output");

    private final String fxName;

    Op(String fxName) {
        this.fxName = fxName;
    }

    public String fxName() {
        return fxName;
    }

    /** Returns the opcode FX prints as {@code name}, or null when there is none. */
    public static Op fromFxName(String name) {
        return switch (name) {
            case "placeholder" -> PLACEHOLDER;
            case "get_attr" -> GET_ATTR;
            case "call_function" -> CALL_FUNCTION;
            case "call_method" -> CALL_METHOD;
            case "call_module" -> CALL_MODULE;
            case "output" -> OUTPUT;
            default -> null;
        };
    }

    public boolean isCall() {
        return this == CALL_FUNCTION || this == CALL_METHOD || this == CALL_MODULE;
    }
}
