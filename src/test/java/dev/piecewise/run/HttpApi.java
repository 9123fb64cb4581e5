package dev.piecewise.run;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/** Talks to a running service over real HTTP, the way curl and test harnesses do; other packages' tests use it too. */
public final class HttpApi {

    public record Response(int status, String contentType, String location, String body,
                           java.net.http.HttpHeaders headers) {
        public JsonNode json() {
            return JSON.readTree(body);
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient client = HttpClient.newHttpClient();
    private final String base;
    private final String bearer;

    public HttpApi(int port) {
        this(port, null);
    }

    /** Every request with {@code Authorization: Bearer <token>}. */
    HttpApi(int port, String bearer) {
        this.base = "http://localhost:" + port;
        this.bearer = bearer;
    }

    /** Any request, to a path of this service; the bearer token is added. */
    Response send(String path, java.util.function.UnaryOperator<HttpRequest.Builder> request) {
        return send(request.apply(HttpRequest.newBuilder(URI.create(base + path))).build());
    }

    /** {@code curl -F file=@NAME -F key=value ...} */
    Response postMultipart(String fileName, byte[] content, Map<String, String> parts) {
        String boundary = "----piecewise" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n");
        body.writeBytes(content);
        write(body, "\r\n");
        parts.forEach((k, v) -> write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + k
                + "\"\r\n\r\n" + v + "\r\n"));
        write(body, "--" + boundary + "--\r\n");
        return send(HttpRequest.newBuilder(URI.create(base + "/api/runs"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build());
    }

    /** {@code curl --data-binary @FILE -H 'Content-Type: TYPE' '/api/runs?key=value'} */
    public Response postRaw(byte[] content, String contentType, Map<String, String> query) {
        return postRaw(content, contentType, query, null);
    }

    /** The same with an Accept header, as a browser or a picky client sends. */
    Response postRaw(byte[] content, String contentType, Map<String, String> query, String accept) {
        return postRaw(content, contentType, query(query), accept);
    }

    /** With the query string as given, e.g. an option repeated. */
    Response postRaw(byte[] content, String contentType, String query, String accept) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/api/runs" + query))
                .POST(HttpRequest.BodyPublishers.ofByteArray(content));
        if (accept != null) {
            request.header("Accept", accept);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request.build());
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET().build());
    }

    /**
     * Submits the form of a page as a browser would: loads {@code page} for its session cookie and CSRF token,
     * then posts the token (and {@code fields}, already URL-encoded) to {@code action}. Redirects are not followed.
     */
    Response submitForm(String page, String action, String fields) {
        Response form = get(page);
        java.util.regex.Matcher token = java.util.regex.Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"")
                .matcher(form.body());
        if (!token.find()) {
            throw new IllegalStateException(page + " has no form with a CSRF token");
        }
        String cookie = form.header("Set-Cookie");
        HttpRequest.Builder post = HttpRequest.newBuilder(URI.create(base + action))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + URLEncoder.encode(token.group(1), StandardCharsets.UTF_8)
                        + (fields.isEmpty() ? "" : "&" + fields)));
        if (cookie != null) {
            post.header("Cookie", cookie.split(";")[0]);
        }
        return send(post.build());
    }

    Response delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE().build());
    }

    private static String query(Map<String, String> params) {
        return params.isEmpty() ? "" : "?" + params.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private Response send(HttpRequest request) {
        if (bearer != null) {
            request = HttpRequest.newBuilder(request, (k, v) -> true).header("Authorization", "Bearer " + bearer).build();
        }
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(null),
                    response.headers().firstValue("Location").orElse(null), response.body(),
                    response.headers());
        } catch (IOException e) {
            throw new IllegalStateException("request to " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }
}
