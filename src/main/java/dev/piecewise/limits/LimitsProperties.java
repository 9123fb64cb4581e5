package dev.piecewise.limits;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import dev.piecewise.graph.format.ParseLimits;

import java.time.Duration;

/**
 * {@code piecewise.limits.*} (src/docs/operations.md, "Limits"):
 *
 * @param workBudget      upload bytes being read, parsed, partitioned or rendered at once; unset: a sixteenth of
 *                        the maximum heap (the work on a graph takes about ten times its text)
 * @param admissionWait   how long a request waits for room in the budget before a 503 with Retry-After
 * @param bodyReadTimeout the time a client has to send a whole request body (read without holding a thread)
 * @param maxParts        parts of one multipart body
 * @param maxParameters   query and form parameters of one request
 * @param workTimeout     the time a request's work may take; checked between the steps of a run
 * @param maxNestingDepth brackets and parentheses nested in one graph's arguments, checked before the parsers recurse
 * @param maxNodes        nodes of one graph, counted while parsing
 * @param collectAfter    work on an upload at least this large is followed by a full garbage collection once no
 *                        other work holds room in the budget and the old generation is half full; 0 never
 */
@ConfigurationProperties("piecewise.limits")
public record LimitsProperties(DataSize workBudget,
                               @DefaultValue("5s") Duration admissionWait,
                               @DefaultValue("60s") Duration bodyReadTimeout,
                               @DefaultValue("50") int maxParts,
                               @DefaultValue("1000") int maxParameters,
                               @DefaultValue("120s") java.time.Duration workTimeout,
                               @DefaultValue("256") int maxNestingDepth,
                               @DefaultValue("2000000") int maxNodes,
                               @DefaultValue("32MB") DataSize collectAfter) {

    /** The parsers' caps; their errors name these settings. */
    public ParseLimits parseLimits() {
        return new ParseLimits(maxNestingDepth, maxNodes);
    }

    long workBudgetBytes() {
        return workBudget != null ? workBudget.toBytes() : Runtime.getRuntime().maxMemory() / 16;
    }
}
