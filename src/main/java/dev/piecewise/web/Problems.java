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
    public static final String UNAUTHORIZED = "unauthorized";
    public static final String FORBIDDEN = "forbidden";
    public static final String BUSY = "busy";
    public static final String STORAGE_UNAVAILABLE = "storage-unavailable";
    public static final String WORK_TIMEOUT = "work-timeout";
    public static final String TOO_MANY_PARTS = "too-many-parts";
    public static final String BODY_TIMEOUT = "body-timeout";

    /** Option values and input lines in a problem are cut to this many characters: errors never echo large input. */
    public static final int MAX_ECHO = 200;

    private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder().build();

    /** What to do instead of posting a graph with another content type. */
    public static final String UNSUPPORTED_MEDIA_TYPE_HINT = "post the graph as multipart/form-data (part 'file'), "
            + "or as the raw body with Content-Type text/plain (fx-text, fx-python) or application/json (fx-json), "
            + "e.g. curl --data-binary @graph.txt -H 'Content-Type: text/plain' (curl's default, "
            + "application/x-www-form-urlencoded, is not accepted)";

    private Problems() {
    }

    /** A detail longer than this is cut: a message that quotes an option value or an input line stays short. */
    static final int MAX_DETAIL = 1000;

    public static ProblemDetail problem(HttpStatus status, String type, String title, String detail) {
        if (detail != null && detail.length() > MAX_DETAIL) {
            detail = detail.substring(0, MAX_DETAIL) + "… (cut from " + detail.length() + " characters)";
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create("https://piecewise.dev/problems/" + type));
        problem.setTitle(title);
        return problem;
    }

    /** {@code text} cut to {@link #MAX_ECHO} characters, saying how long it was. */
    public static String truncate(String text) {
        if (text == null || text.length() <= MAX_ECHO) {
            return text;
        }
        return text.substring(0, MAX_ECHO) + "… (" + text.length() + " characters)";
    }

    /** Writes a problem straight to the response, for filters that answer before Spring MVC does. */
    public static void write(jakarta.servlet.http.HttpServletResponse response, HttpStatus status, String type,
                             String title, String detail) throws java.io.IOException {
        java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("type", "https://piecewise.dev/problems/" + type);
        body.put("title", title);
        body.put("status", status.value());
        body.put("detail", detail);
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(JSON.writeValueAsString(body));
    }

    public static ResponseEntity<ProblemDetail> respond(HttpStatus status, String type, String title, String detail) {
        return response(problem(status, type, title, detail));
    }

    public static ResponseEntity<ProblemDetail> response(ProblemDetail problem) {
        return ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
