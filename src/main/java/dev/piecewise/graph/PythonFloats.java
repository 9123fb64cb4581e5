package dev.piecewise.graph;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** Python's float repr: the shortest round-tripping digits, scientific below 1e-4 and from 1e16. */
final class PythonFloats {

    private PythonFloats() {
    }

    /** A literal read, with its repr. */
    private record Known(String text, String repr) {
    }

    /**
     * Reprs of short literals read lately, by hash: a model writes the same few thousands of times (an RMSNorm's
     * {@code 1e-06} on every layer), and working one out takes a microsecond. A slot holds the last literal of its
     * hash, so the table stays this small whatever is read; threads racing on a slot each store a whole entry.
     */
    private static final Known[] KNOWN = new Known[256];
    private static final int KNOWN_LENGTH_AT_MOST = 32;

    static String repr(String text) {
        if (text.length() > KNOWN_LENGTH_AT_MOST) {
            return reprOf(text);
        }
        int slot = text.hashCode() & (KNOWN.length - 1);
        Known known = KNOWN[slot];
        if (known != null && known.text().equals(text)) {
            return known.repr();
        }
        String repr = reprOf(text);
        KNOWN[slot] = new Known(text, repr);
        return repr;
    }

    /**
     * The shortest decimal that reads back as {@code d} (finite, positive), as CPython's repr finds it: Java 17's
     * {@code Double.toString} at times gives a digit more ({@code 9.999999999999999E22} for {@code 1e23}), so the
     * exact value rounded to fewer digits is tried first.
     */
    private static BigDecimal shortest(double d) {
        BigDecimal java = new BigDecimal(Double.toString(d));
        BigDecimal exact = new BigDecimal(d);
        for (int digits = 1; digits < java.precision(); digits++) {
            BigDecimal rounded = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
            if (Double.parseDouble(rounded.toString()) == d) {
                return rounded;
            }
        }
        return java;
    }

    private static String reprOf(String text) {
        String t = text.trim();
        switch (t) {
            case "inf", "+inf", "Infinity" -> {
                return "inf";
            }
            case "-inf", "-Infinity" -> {
                return "-inf";
            }
            case "nan", "-nan", "NaN" -> {
                return "nan";
            }
            default -> {
            }
        }
        double d;
        try {
            d = Double.parseDouble(t);
        } catch (NumberFormatException notANumber) {
            return t;
        }
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        BigDecimal exact = shortest(Math.abs(d)).stripTrailingZeros();
        String digits = exact.unscaledValue().toString();
        int exponent = digits.length() - 1 - exact.scale(); // value = d.ddd × 10^exponent
        String sign = d < 0 ? "-" : "";
        if (exponent < -4 || exponent >= 16) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            int e = Math.abs(exponent); // at least two digits, as %02d would print it: String.format is slow
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (e < 10 ? "0" : "") + e;
        }
        if (exponent >= digits.length() - 1) {
            return sign + digits + "0".repeat(exponent - digits.length() + 1) + ".0";
        }
        if (exponent >= 0) {
            return sign + digits.substring(0, exponent + 1) + "." + digits.substring(exponent + 1);
        }
        return sign + "0." + "0".repeat(-exponent - 1) + digits;
    }
}
