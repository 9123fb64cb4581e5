package dev.piecewise.run;

import dev.piecewise.limits.WorkBudget;
import dev.piecewise.web.HttpRehearsal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import dev.piecewise.limits.BufferedBodyRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.unit.DataSize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.multipart.MultipartHttpServletRequest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The runs API (README.md, "URLs"; src/docs/architecture.md): create from a multipart or raw upload, read one or a page, delete. */
@Tag(name = "runs", description = "Partition FX graphs as vLLM would and keep every run")
@RestController
@RequestMapping("/api/runs")
public class RunApiController {

    private final RunService service;
    private final UploadRuns uploads;
    private final long maxUploadBytes;
    private final WorkBudget budget;
    private final HttpRehearsal rehearsal;

    RunApiController(RunService service, UploadRuns uploads, @Value("${piecewise.upload.max-size}") DataSize maxUpload,
                     WorkBudget budget, HttpRehearsal rehearsal) {
        this.service = service;
        this.uploads = uploads;
        this.maxUploadBytes = maxUpload.toBytes();
        this.budget = budget;
        this.rehearsal = rehearsal;
    }

    /** Both create methods are one POST in the OpenAPI description: the same words for both. */
    private static final String CREATE_SUMMARY = "Create a run from a multipart upload or the graph as the raw body";
    private static final String CREATE_DESCRIPTION = "Either multipart/form-data with the graph in part 'file' and "
            + "the options as text parts, or the graph as the raw body (text/plain or any text/* for fx-text, fx-python "
            + "and torch-trace, application/json for fx-json, application/octet-stream, application/zip or "
            + "application/gzip for archives) with the options as query parameters. The format is detected from the "
            + "text, not the type. 201 with the run (Location /api/runs/{id}), or with the group when the upload made "
            + "several runs (Location /api/groups/{id}); Accept: text/plain gets a one-screen summary.";

    @Operation(summary = CREATE_SUMMARY, description = CREATE_DESCRIPTION)
    @ApiResponse(responseCode = "201", description = "the run with its links, or the group of runs the upload made",
            content = {@Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @Schema(oneOf = {RunAnswer.class, RunGroup.class})),
                    @Content(mediaType = MediaType.TEXT_PLAIN_VALUE, schema = @Schema(type = "string"))})
    @ApiResponse(responseCode = "400", description = "a graph that does not parse (with line and column) or a bad option",
            content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(responseCode = "413", description = "upload over the limit", content = @Content(mediaType = "application/problem+json"))
    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE,
            produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.TEXT_PLAIN_VALUE})
    ResponseEntity<?> createFromMultipart(MultipartHttpServletRequest request) throws IOException {
        for (String part : request.getFileMap().keySet()) {
            if (!part.equals("file")) {
                throw new BadOptionException(part, "unknown file part '" + part + "'; the graph goes in part 'file'");
            }
        }
        if (request.getMultiFileMap().getOrDefault("file", java.util.List.of()).size() > 1) {
            throw new BadOptionException("file", "the multipart upload has " + request.getMultiFileMap().get("file").size()
                    + " parts named 'file'; send one graph per run");
        }
        MultipartFile file = request.getFile("file");
        if (file == null) {
            throw new BadOptionException("file", "a multipart upload carries the graph in part 'file'");
        }
        if (file.getSize() > maxUploadBytes) {
            throw new UploadTooLargeException(maxUploadBytes);
        }
        return created(request, file.getBytes(), file.getOriginalFilename());
    }

    // One POST in the OpenAPI description: this request body lists the multipart form and the raw bodies.
    @Operation(summary = CREATE_SUMMARY, description = CREATE_DESCRIPTION)
    @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "the graph: multipart part 'file', or the raw body",
            required = true, content = {
                    @Content(mediaType = MediaType.MULTIPART_FORM_DATA_VALUE, schema = @Schema(implementation = MultipartUpload.class)),
                    @Content(mediaType = MediaType.TEXT_PLAIN_VALUE, schema = @Schema(type = "string")),
                    @Content(mediaType = "text/*", schema = @Schema(type = "string")),
                    @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(type = "object",
                            description = "an fx-graph-json/1 document")),
                    @Content(mediaType = MediaType.APPLICATION_OCTET_STREAM_VALUE, schema = @Schema(type = "string", format = "binary")),
                    @Content(mediaType = "application/zip", schema = @Schema(type = "string", format = "binary")),
                    @Content(mediaType = "application/gzip", schema = @Schema(type = "string", format = "binary"))})
    @Parameter(name = "name", in = ParameterIn.QUERY, description = "free text, at most 200 characters")
    @Parameter(name = "format", in = ParameterIn.QUERY,
            schema = @Schema(allowableValues = {"auto", "fx-text", "fx-python", "fx-json"}, defaultValue = "auto"))
    @Parameter(name = "graphIndex", in = ParameterIn.QUERY, description = "which graph of a TORCH_LOGS excerpt",
            schema = @Schema(type = "integer", defaultValue = "0"))
    @Parameter(name = "compileId", in = ParameterIn.QUERY,
            description = "which graph of a TORCH_TRACE log: 0/0 (frame/compile), or all for every graph as one group")
    @Parameter(name = "expect", in = ParameterIn.QUERY, description = "answer 422 (with the stored run) when a run falls short",
            schema = @Schema(allowableValues = {"compilable", "ok"}))
    @Parameter(name = "splittingOps", in = ParameterIn.QUERY,
            description = "ns::op or ns::op.overload, separated by commas, spaces or new lines; vLLM's defaults when absent")
    @Parameter(name = "sizeStrategy", in = ParameterIn.QUERY, schema = @Schema(allowableValues = {"decompose", "none",
            "decompose-list", "move-to-consumer", "move-single-consumer", "duplicate"}, defaultValue = "decompose"))
    @Parameter(name = "getitemRule", in = ParameterIn.QUERY,
            schema = @Schema(allowableValues = {"vllm", "tuple-only", "off"}, defaultValue = "vllm"))
    @Parameter(name = "mergeConsecutiveSplits", in = ParameterIn.QUERY, schema = @Schema(type = "boolean", defaultValue = "true"))
    @Parameter(name = "mergeEmptyAllocations", in = ParameterIn.QUERY, schema = @Schema(type = "boolean", defaultValue = "true"))
    @ApiResponse(responseCode = "201", description = "the run with its links, or the group of runs the upload made",
            content = {@Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @Schema(oneOf = {RunAnswer.class, RunGroup.class})),
                    @Content(mediaType = MediaType.TEXT_PLAIN_VALUE, schema = @Schema(type = "string"))})
    @ApiResponse(responseCode = "400", description = "a graph that does not parse (with line and column) or a bad option",
            content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(responseCode = "413", description = "upload over the limit", content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(responseCode = "415", description = "another content type", content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(responseCode = "422", description = "expect= was not met: the run (or group), stored like any other",
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @Schema(oneOf = {RunAnswer.class, RunGroup.class})))
    @PostMapping(consumes = {MediaType.TEXT_PLAIN_VALUE, "text/*", MediaType.APPLICATION_JSON_VALUE,
            MediaType.APPLICATION_OCTET_STREAM_VALUE, "application/zip", "application/gzip", "application/x-gzip",
            "application/x-tar"}, produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.TEXT_PLAIN_VALUE})
    ResponseEntity<?> createFromBody(HttpServletRequest request) throws IOException {
        byte[] body = readBounded(request);
        // The declared charset, read from the header itself: the request's encoding is forced to UTF-8.
        String charset = request.getContentType() == null ? null
                : MediaType.parseMediaType(request.getContentType()).getParameter("charset");
        if (charset != null && !charset.equalsIgnoreCase("UTF-8")) {
            body = recode(body, charset.replace("\"", ""));
        }
        return created(request, body, null);
    }

    /** A body declared in another charset (text/plain; charset=ISO-8859-1) is read in it and kept as UTF-8. */
    private static byte[] recode(byte[] body, String charset) {
        try {
            return new String(body, java.nio.charset.Charset.forName(charset)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException unknown) {
            throw new BadOptionException("charset", "unknown charset '" + charset + "' in the Content-Type");
        }
    }

    /** The parts of a multipart upload, for the OpenAPI description. */
    @Schema(name = "MultipartUpload")
    record MultipartUpload(@Schema(type = "string", format = "binary", requiredMode = Schema.RequiredMode.REQUIRED) String file,
                           String name, String format, Integer graphIndex, String splittingOps, String sizeStrategy,
                           String getitemRule, Boolean mergeConsecutiveSplits, Boolean mergeEmptyAllocations,
                           String compileId, String expect) {
    }

    /**
     * 201 with the run, or with the group when the upload made several (a trace with compileId=all, an archive);
     * 422 with the same body when an {@code expect}ation fails. {@code Accept: text/plain} gets a one-screen summary.
     */
    private ResponseEntity<?> created(HttpServletRequest request, byte[] upload, String fileName) {
        Map<String, String> params = parameters(request);
        Expectation expectation = Expectation.parse(params.get("expect"));
        boolean gzip = AcceptEncoding.gzip(request);
        boolean text = RunText.wanted(request);
        RunService.Next next = gzip || text ? RunService.Next.COMPRESSED_JSON : RunService.Next.JSON;
        // Only the warm-up's requests come through the rehearsal's connector, before the service's port opens.
        UploadRuns.Created created = rehearsal.serves(request) ? uploads.rehearse(upload, params, next)
                : uploads.create(upload, fileName, params, next);
        ResponseEntity.BodyBuilder response = ResponseEntity
                .status(expectation.metBy(created.runs()) ? HttpStatus.CREATED : HttpStatus.UNPROCESSABLE_CONTENT)
                .location(URI.create(created.single() ? "/api/runs/" + created.runs().get(0).id()
                        : "/api/groups/" + created.group()));
        RunGroup group = RunGroup.of(created.group(), created.runs());
        if (text) {
            return response.contentType(RunText.TYPE).body(created.single() ? RunText.summary(created.runs().get(0))
                    : RunText.summary(group));
        }
        if (created.runJson() != null) { // the run's JSON as stored, not serialized or compressed again
            if (gzip) { // the server's compression leaves an answer with an encoding alone
                response.header(HttpHeaders.CONTENT_ENCODING, "gzip");
            }
            return response.contentType(MediaType.APPLICATION_JSON).header(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING)
                    .body(RunDocuments.answer(created.runJson(), created.runs().get(0), gzip));
        }
        return response.body(created.single() ? RunAnswer.of(created.runs().get(0)) : group);
    }

    /**
     * Raw bodies bypass the multipart limits, so the limit is enforced while reading. The buffer grows with what
     * arrives, never pre-sized from Content-Length: a client may declare 50 MB and send nothing.
     */
    private byte[] readBounded(HttpServletRequest request) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > maxUploadBytes) {
            throw new UploadTooLargeException(maxUploadBytes);
        }
        byte[] prefetched = BufferedBodyRequest.bodyOf(request);
        if (prefetched != null) { // read within the limits already; no second copy of a large graph
            return prefetched;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[65536];
        long total = 0;
        try (InputStream in = request.getInputStream()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                total += n;
                if (total > maxUploadBytes) {
                    throw new UploadTooLargeException(maxUploadBytes);
                }
                out.write(buffer, 0, n);
            }
        }
        return out.toByteArray();
    }

    /** Options from the query and text parts; repeated splittingOps add up, other options may appear once. */
    private static Map<String, String> parameters(HttpServletRequest request) {
        Map<String, String> params = new LinkedHashMap<>();
        request.getParameterMap().forEach((k, v) -> {
            if (v.length > 1 && !k.equals("splittingOps")) {
                throw new BadOptionException(k, "option '" + k + "' is given " + v.length + " times; give it once");
            }
            params.put(k, v.length == 0 ? null : String.join(",", v));
        });
        return params;
    }

    @Operation(summary = "One run", description = "fields=summary: the verdict, crossings and problems, and each "
            + "submodule's name and counts without node lists, for harnesses that only need the verdict.")
    @ApiResponse(responseCode = "200", description = "the run with its links (fields=summary: without node lists)",
            content = {@Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @Schema(oneOf = {RunAnswer.class, RunOverview.class})),
                    @Content(mediaType = MediaType.TEXT_PLAIN_VALUE, schema = @Schema(type = "string"))})
    @ApiResponse(responseCode = "404", description = "no such run", content = @Content(mediaType = "application/problem+json"))
    @Parameter(name = "fields", in = ParameterIn.QUERY, schema = @Schema(allowableValues = {"all", "summary"},
            defaultValue = "all"))
    @GetMapping(value = "/{id}", produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.TEXT_PLAIN_VALUE})
    void get(@PathVariable String id, @RequestParam(defaultValue = "all") String fields, HttpServletRequest request,
             HttpServletResponse response) throws IOException {
        // The answer depends on both: JSON or a text summary, compressed or not.
        response.addHeader(HttpHeaders.VARY, HttpHeaders.ACCEPT);
        response.addHeader(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING);
        if (RunText.wanted(request)) {
            response.setContentType(RunText.TYPE.toString());
            response.getOutputStream().write(RunText.summary(service.get(id)).getBytes(StandardCharsets.UTF_8));
            return;
        }
        switch (fields.trim()) {
            case "all" -> {
                // Straight from the stored document to the wire: a 100k-node run is never one string in memory.
                byte[] stored = service.storedDocument(id);
                response.setContentType(MediaType.APPLICATION_JSON_VALUE);
                Optional<StoredAnswer> answer = StoredAnswer.of(stored);
                if (answer.isEmpty()) { // stored before runs were written in parts
                    RunDocuments.copyRun(stored, response.getOutputStream());
                    return;
                }
                Optional<Resource> compressed = AcceptEncoding.gzip(request) ? answer.get().compressed() : Optional.empty();
                if (compressed.isPresent()) { // the server's compression leaves an answer with an encoding alone
                    response.setHeader(HttpHeaders.CONTENT_ENCODING, "gzip");
                }
                Resource body = compressed.orElseGet(answer.get()::plain);
                response.setContentLengthLong(body.contentLength());
                try (InputStream in = body.getInputStream()) {
                    in.transferTo(response.getOutputStream());
                }
            }
            case "summary" -> {
                RunOverview overview = RunOverview.of(service.get(id));
                response.setContentType(MediaType.APPLICATION_JSON_VALUE);
                RunJson.MAPPER.writeValue(response.getOutputStream(), overview);
            }
            default -> throw new BadOptionException("fields",
                    "unknown fields '" + fields + "'; accepted values: all, summary");
        }
    }

    @Operation(summary = "Runs, newest first", description = "Filters: name contains, verdict (an outcome), "
            + "size strategy, from and to (days, UTC).")
    @ApiResponse(responseCode = "200", description = "one page of runs, each with its links")
    @ApiResponse(responseCode = "400", description = "a bad filter, page or size", content = @Content(mediaType = "application/problem+json"))
    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    RunReport.Page list(@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size,
                        @RequestParam(required = false) String name, @RequestParam(required = false) String verdict,
                        @RequestParam(required = false) String sizeStrategy, @RequestParam(required = false) String from,
                        @RequestParam(required = false) String to) {
        if (page < 0) {
            throw new BadOptionException("page", "page must be 0 or more");
        }
        if (size < 1 || size > 200) {
            throw new BadOptionException("size", "size must be between 1 and 200");
        }
        RunFilter filter = RunFilter.parse(name, verdict, sizeStrategy, from, to);
        return service.page(filter, page, size);
    }

    @Operation(summary = "Delete a run")
    @ApiResponse(responseCode = "204", description = "deleted")
    @ApiResponse(responseCode = "404", description = "no such run", content = @Content(mediaType = "application/problem+json"))
    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@PathVariable String id) {
        service.delete(id);
        return ResponseEntity.noContent().build();
    }

    /** The split module as vLLM writes it to computation_graph.py, to diff against a vLLM cache. */
    @Operation(summary = "The split module as Python, as vLLM writes computation_graph.py")
    @ApiResponse(responseCode = "200", description = "computation_graph.py",
            content = @Content(mediaType = "text/x-python", schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "404", description = "no such run", content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(responseCode = "409", description = "the split fails, so there is no split module",
            content = @Content(mediaType = "application/problem+json"))
    @GetMapping(value = "/{id}/code", produces = "text/x-python")
    ResponseEntity<String> code(@PathVariable String id) {
        String code;
        // Rendering partitions the stored upload again: it takes its room in the work budget like an upload.
        try (var lease = budget.lease(service.get(id).graph().bytes())) {
            code = service.code(id);
        }
        return ResponseEntity.ok()
                .header("Content-Disposition", "inline; filename=\"computation_graph.py\"")
                .contentType(MediaType.parseMediaType("text/x-python;charset=UTF-8"))
                .body(code);
    }

    @Operation(summary = "The original upload")
    @ApiResponse(responseCode = "200", description = "the upload as it was sent",
            content = @Content(mediaType = MediaType.TEXT_PLAIN_VALUE, schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "404", description = "no such run", content = @Content(mediaType = "application/problem+json"))
    @GetMapping(value = "/{id}/upload", produces = MediaType.TEXT_PLAIN_VALUE)
    String upload(@PathVariable String id) {
        return service.upload(id).orElseThrow(() -> new RunNotFoundException(id));
    }
}
