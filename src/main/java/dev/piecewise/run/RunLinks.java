package dev.piecewise.run;

import dev.piecewise.partition.Outcome;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Where a run and what belongs to it are, as root-relative URLs like the {@code Location} header: resolve them
 * against the address the answer came from, so they stay right behind a proxy.
 *
 * @param code the split module as Python; null when the split fails, as there is none
 */
@Schema(description = "Root-relative URLs of the run (resolve them against the service's address)")
public record RunLinks(@Schema(example = "/api/runs/3f0c…") String self,
                       @Schema(description = "the run's page", example = "/runs/3f0c…") String page,
                       @Schema(description = "the original upload", example = "/api/runs/3f0c…/upload") String upload,
                       @Schema(description = "the split module as Python; null when the split fails",
                               example = "/api/runs/3f0c…/code", nullable = true) String code) {

    static RunLinks of(String id, Outcome outcome) {
        String self = "/api/runs/" + id;
        return new RunLinks(self, "/runs/" + id, self + "/upload", outcome == Outcome.SPLIT_FAILS ? null : self + "/code");
    }
}
