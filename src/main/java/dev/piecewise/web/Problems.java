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

    /**
     * Why an upload was refused as too large, and what to do: a TORCH_TRACE log or a dump compresses about tenfold, and
     * an archive is read as it decompresses (to {@code piecewise.archive.max-uncompressed-size}), so the 78 MB log of a
     * 61,000-node model, over the default limit, goes through as a .tar.gz of 3.8 MB.
     *
     * @param framing said after the property's name, or null: the room a multipart body has beyond the limit
     */
    public static String uploadTooLarge(long limitBytes, String framing) {
        return "the upload exceeds the limit of " + size(limitBytes) + " (piecewise.upload.max-size"
                + (framing == null ? "" : "; " + framing) + "); logs and dumps compress about tenfold: send a large one "
                + "as a .tar.gz or .zip";
    }

    /** A byte count as people read it: {@code 50 MB}, {@code 512 KB}, {@code 900 bytes} (binary units, as Spring's). */
    public static String size(long bytes) {
        if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
            return (bytes >> 20) + " MB";
        }
        if (bytes >= 1 << 20) {
            return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / (double) (1 << 20));
        }
        if (bytes >= 1 << 10) {
            return (bytes >> 10) + " KB";
        }
        return bytes + " bytes";
    }

    /**
     * A browser asked: it navigates to pages (not under {@code /api/}) and accepts HTML, so it gets an error page;
     * API clients and curl keep problem details.
     */
    public static boolean forBrowser(jakarta.servlet.http.HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        return !request.getRequestURI().startsWith("/api/") && accept != null && accept.contains("text/html");
    }

    /** A request parameter that is not of its type ({@code page=abc}), naming it and what is expected. */
    public static ProblemDetail badParameter(org.springframework.web.method.annotation.MethodArgumentTypeMismatchException e) {
        ProblemDetail p = problem(HttpStatus.BAD_REQUEST, BAD_OPTION, "Bad option",
                "'" + truncate(String.valueOf(e.getValue())) + "' is not a valid " + e.getName()
                        + (e.getRequiredType() == int.class ? ": a whole number is expected" : ""));
        p.setProperty("option", e.getName());
        return p;
    }

    /**
     * Writes a problem straight to the response, for filters that answer before Spring MVC does: a small page for
     * browsers ({@link #forBrowser}), problem details for everyone else.
     */
    public static void write(jakarta.servlet.http.HttpServletRequest request, jakarta.servlet.http.HttpServletResponse response,
                             HttpStatus status, String type, String title, String detail) throws java.io.IOException {
        if (!forBrowser(request)) {
            write(response, status, type, title, detail);
            return;
        }
        response.setStatus(status.value());
        response.setContentType(MediaType.TEXT_HTML_VALUE);
        response.setCharacterEncoding("UTF-8");
        String escapedTitle = org.springframework.web.util.HtmlUtils.htmlEscape(title);
        response.getWriter().write("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" + escapedTitle
                + " · Piecewise</title><link rel=\"stylesheet\" href=\"/app.css\"></head><body><main id=\"main\"><h1>"
                + escapedTitle + "</h1><p>" + org.springframework.web.util.HtmlUtils.htmlEscape(detail)
                + "</p><p><a href=\"/\">Back to the upload</a> · <a href=\"/runs\">the history</a></p></main></body></html>");
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
