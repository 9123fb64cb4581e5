package dev.piecewise.run;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.util.List;

/**
 * Groups of runs made together (a comparison of option sets, every graph of a trace, an archive): as JSON, as a
 * terminal summary, and as a JUnit XML report for CI dashboards.
 */
@Tag(name = "groups", description = "Runs made together, and their JUnit XML report")
@RestController
@RequestMapping("/api/groups")
public class GroupApiController {

    private final RunService service;

    GroupApiController(RunService service) {
        this.service = service;
    }

    @Operation(summary = "The runs of a group, in the order they were made")
    @ApiResponse(responseCode = "200", description = "the group's runs, each with its links",
            content = {@Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = RunGroup.class)),
                    @Content(mediaType = MediaType.TEXT_PLAIN_VALUE, schema = @Schema(type = "string"))})
    @ApiResponse(responseCode = "404", description = "no such group", content = @Content(mediaType = "application/problem+json"))
    @GetMapping(value = "/{id}", produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.TEXT_PLAIN_VALUE})
    ResponseEntity<?> get(@PathVariable String id, HttpServletRequest request) {
        RunGroup group = RunGroup.of(id, members(id));
        return RunText.wanted(request) ? ResponseEntity.ok().contentType(RunText.TYPE).body(RunText.summary(group))
                : ResponseEntity.ok(group);
    }

    @Operation(summary = "The group as a JUnit XML test suite: one test case per run, failed when it would not compile")
    @ApiResponse(responseCode = "200", description = "a JUnit XML testsuite",
            content = @Content(mediaType = MediaType.APPLICATION_XML_VALUE, schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "404", description = "no such group", content = @Content(mediaType = "application/problem+json"))
    @GetMapping(value = "/{id}/junit.xml", produces = {MediaType.APPLICATION_XML_VALUE, MediaType.TEXT_XML_VALUE})
    ResponseEntity<String> junit(@PathVariable String id) {
        String base = ServletUriComponentsBuilder.fromCurrentContextPath().toUriString();
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/xml;charset=UTF-8"))
                .body(JUnitReport.render(id, members(id), base));
    }

    private List<RunReport> members(String id) {
        List<RunReport> runs = service.group(id);
        if (runs.isEmpty()) {
            throw new GroupNotFoundException(id);
        }
        return runs;
    }
}
