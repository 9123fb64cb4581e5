package dev.piecewise.run;

import java.util.List;

/** The runs made together by one request (a trace's graphs, an archive, a comparison), as the API returns them. */
public record RunGroup(String id, List<RunAnswer> runs) {

    static RunGroup of(String id, List<RunReport> runs) {
        return new RunGroup(id, runs.stream().map(RunAnswer::of).toList());
    }
}
