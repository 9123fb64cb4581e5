package dev.piecewise.run;

import dev.piecewise.graph.format.GraphFormat;
import dev.piecewise.graph.trace.TraceGraph;
import dev.piecewise.graph.trace.TraceLog;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/** The graphs of the TORCH_TRACE log a run came from, to choose another with {@code compileId}. */
@Tag(name = "runs")
@RestController
public class TraceApiController {

    /**
     * @param chosen     whether the run partitioned this graph
     * @param vllmSplit  whether the log holds vLLM's split of it
     * @param breakAfter where and why the frame broke after this graph, or null
     */
    public record TraceGraphView(int index, String compileId, int attempt, Integer rank, int nodeLine, boolean chosen,
                                 boolean vllmSplit, List<String> splittingOps, String breakAfter) {
    }

    private final RunService service;

    TraceApiController(RunService service) {
        this.service = service;
    }

    @Operation(summary = "The graphs of the TORCH_TRACE log a run came from")
    @ApiResponse(responseCode = "200", description = "every graph of the log, in the order logged")
    @ApiResponse(responseCode = "404", description = "no such run", content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(responseCode = "409", description = "the run is not from a TORCH_TRACE log",
            content = @Content(mediaType = "application/problem+json"))
    @GetMapping(value = "/api/runs/{id}/graphs", produces = MediaType.APPLICATION_JSON_VALUE)
    List<TraceGraphView> graphs(@PathVariable String id) {
        RunReport run = service.get(id);
        if (!run.format().equals(GraphFormat.TORCH_TRACE.id())) {
            throw new NotATraceException("run " + id + " is from an " + run.format()
                    + " upload, not a TORCH_TRACE log, so it has no list of graphs");
        }
        String text = service.upload(id).orElseThrow(() -> new RunNotFoundException(id));
        return TraceLog.read(text).graphs().stream().map(g -> view(g, run.graph().graphIndex())).toList();
    }

    private static TraceGraphView view(TraceGraph g, int chosen) {
        return new TraceGraphView(g.index(), g.compileId().id(), g.compileId().attempt(), g.compileId().rank(),
                g.readableLine(), g.index() == chosen, g.vllmSplit() != null, g.splittingOps(), g.breakSummary());
    }
}
