package dev.piecewise.web;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

import java.net.URI;

/** RFC 9457 problem responses with one stable {@code type} per kind of problem. */
public final class Problems {

    public static final String BAD_GRAPH = "bad-graph";
    public static final String BAD_OPTION = "bad-option";
    public static final String UPLOAD_TOO_LARGE = "upload-too-large";
    public static final String UNSUPPORTED_MEDIA_TYPE = "unsupported-media-type";
    public static final String RUN_NOT_FOUND = "run-not-found";
    public static final String GROUP_NOT_FOUND = "group-not-found";
    public static final String BAD_ARCHIVE = "bad-archive";
    public static final String NOT_A_TRACE = "not-a-trace";
    public static final String NOT_FOUND = "error-page";
    public static final String NO_CODE = "no-code";
    public static final String METHOD_NOT_ALLOWED = "method-not-allowed";
    public static final String BAD_REQUEST = "bad-request";
    public static final String INTERNAL = "internal-error";

    /** What to do instead of posting a graph with another content type. */
    public static final String UNSUPPORTED_MEDIA_TYPE_HINT = "post the graph as multipart/form-data (part 'file'), "
            + "or as the raw body with Content-Type text/plain (fx-text, fx-python) or application/json (fx-json), "
            + "e.g. curl --data-binary @graph.txt -H 'Content-Type: text/plain' (curl's default, "
            + "application/x-www-form-urlencoded, is not accepted)";

    private Problems() {
    }

    public static ProblemDetail problem(HttpStatus status, String type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create("https://piecewise.dev/problems/" + type));
        problem.setTitle(title);
        return problem;
    }

    public static ResponseEntity<ProblemDetail> respond(HttpStatus status, String type, String title, String detail) {
        return response(problem(status, type, title, detail));
    }

    public static ResponseEntity<ProblemDetail> response(ProblemDetail problem) {
        return ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
