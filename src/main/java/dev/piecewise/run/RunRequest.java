package dev.piecewise.run;

import dev.piecewise.graph.format.GraphFormat;
import dev.piecewise.partition.GetitemRule;
import dev.piecewise.partition.PartitionOptions;
import dev.piecewise.partition.SizeStrategy;
import dev.piecewise.partition.SplittingOps;

import java.util.Map;
import java.util.Set;

/**
 * The options of one upload (README.md, "Options"), validated: an unknown option or value is rejected with the accepted ones.
 *
 * @param name   the run's name, or null to take the file name or the graph's own name
 * @param format     null for auto-detection
 * @param graphIndex which graph of a TORCH_LOGS excerpt holding several (0, the first, by default)
 */
public record RunRequest(String name, GraphFormat format, int graphIndex, PartitionOptions options) {

    /** {@code compileId} and {@code expect} are read by {@link UploadRuns} and the API, the rest here. */
    public static final Set<String> OPTION_NAMES = Set.of("name", "format", "graphIndex", "splittingOps",
            "sizeStrategy", "getitemRule", "mergeConsecutiveSplits", "mergeEmptyAllocations", "compileId", "expect");

    /** Reads options from request parameters (query string or multipart text parts). */
    public static RunRequest fromParameters(Map<String, String> params) {
        for (String key : params.keySet()) {
            if (!OPTION_NAMES.contains(key)) {
                throw new BadOptionException(key, "unknown option '" + key + "'; accepted options: "
                        + String.join(", ", OPTION_NAMES.stream().sorted().toList()));
            }
        }
        String name = blankToNull(params.get("name"));
        if (name != null && name.length() > 200) {
            throw new BadOptionException("name", "name is " + name.length() + " characters long; at most 200 are accepted");
        }
        GraphFormat format = BadOptionException.parse("format", blankToNull(params.get("format")), GraphFormat::fromOption);
        SplittingOps ops = BadOptionException.parse("splittingOps", params.get("splittingOps"), SplittingOps::parse);
        SizeStrategy strategy = BadOptionException.parse("sizeStrategy", orDefault(params.get("sizeStrategy"), "decompose"),
                SizeStrategy::fromId);
        GetitemRule rule = BadOptionException.parse("getitemRule", orDefault(params.get("getitemRule"), "vllm"),
                GetitemRule::fromId);
        boolean consecutive = bool("mergeConsecutiveSplits", params.get("mergeConsecutiveSplits"));
        boolean empty = bool("mergeEmptyAllocations", params.get("mergeEmptyAllocations"));
        int graphIndex = BadOptionException.parse("graphIndex", orDefault(params.get("graphIndex"), "0"),
                RunRequest::nonNegative);
        return new RunRequest(name, format, graphIndex, new PartitionOptions(ops, strategy, rule, consecutive, empty));
    }

    private static int nonNegative(String value) {
        try {
            int n = Integer.parseInt(value.isEmpty() ? "0" : value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new IllegalArgumentException("graphIndex must be a whole number from 0, not '" + value + "'");
    }

    private static String orDefault(String value, String otherwise) {
        return value == null || value.isBlank() ? otherwise : value;
    }

    /** true or false in any case: harnesses written in Python send {@code True}. */
    private static boolean bool(String option, String value) {
        if (value == null || value.isBlank() || value.trim().equalsIgnoreCase("true")) {
            return true;
        }
        if (value.trim().equalsIgnoreCase("false")) {
            return false;
        }
        throw new BadOptionException(option, "unknown " + option + " '" + value + "'; accepted values: true, false");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
