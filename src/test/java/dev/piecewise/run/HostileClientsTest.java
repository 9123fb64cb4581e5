package dev.piecewise.run;

import dev.piecewise.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an attacker did, over real HTTP: slow request bodies, bodies that declare more than they send, concurrent
 * uploads larger than the work budget, too many parts or parameters. The service keeps answering.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "piecewise.limits.body-read-timeout=3s", "piecewise.limits.work-budget=4MB", "piecewise.limits.admission-wait=1s",
        "piecewise.upload.max-size=3MB"})
@ActiveProfiles(resolver = TestDatabase.class)
class HostileClientsTest {

    private static final byte[] GRAPH = Fixtures.read("moe_view", "graph.txt").getBytes(StandardCharsets.UTF_8);

    @LocalServerPort
    int port;

    /** A connection that sends headers declaring {@code declared} bytes, then {@code sent} bytes of body. */
    private Socket slowUpload(long declared, int sent) throws IOException {
        Socket socket = new Socket("localhost", port);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /api/runs HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: " + declared
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[sent]);
        out.flush();
        return socket;
    }

    @Test
    void twoHundredFiftySlowBodiesDoNotStopOtherRequests() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 250; i++) {
                slow.add(slowUpload(1000, 1));
            }
            HttpApi api = new HttpApi(port);
            long start = System.nanoTime();
            assertThat(api.get("/actuator/health").status()).isEqualTo(200);
            assertThat(api.get("/api/runs").status()).isEqualTo(200);
            assertThat(api.postRaw(GRAPH, "text/plain", Map.of("splittingOps", "oracle::moe")).status()).isEqualTo(201);
            assertThat((System.nanoTime() - start) / 1e9).as("seconds for three requests beside 250 slow bodies").isLessThan(3);
            // The slow bodies are then refused once the body-read time is over, not left open for ever.
            String answer = read(slow.get(0));
            assertThat(answer).startsWith("HTTP/1.1 408").contains("piecewise.limits.body-read-timeout");
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    private static String read(Socket socket) throws IOException {
        socket.setSoTimeout(15_000);
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        int n = in.read(buffer);
        return n < 0 ? "" : new String(buffer, 0, n, StandardCharsets.UTF_8);
    }

    @Test
    void idleConnectionsDeclaringLargeBodiesDoNotPinMemory() throws Exception {
        // Declaring the maximum reserves room in the budget only while the body arrives, never a buffer of that size.
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 25; i++) {
                idle.add(slowUpload(3 * 1024 * 1024, 0));
            }
            HttpApi.Response small = new HttpApi(port).postRaw(GRAPH, "text/plain", Map.of("splittingOps", "oracle::moe"));
            assertThat(small.status()).as(small.body()).isIn(201, 503);
            if (small.status() == 503) {
                assertThat(small.header("Retry-After")).isNotNull();
                assertThat(small.body()).contains("piecewise.limits.work-budget");
            }
        } finally {
            for (Socket s : idle) {
                s.close();
            }
        }
        // Once the idle connections are gone, their room is free again.
        assertThat(new HttpApi(port).postRaw(GRAPH, "text/plain", Map.of("splittingOps", "oracle::moe")).status()).isEqualTo(201);
    }

    @Test
    void concurrentOversizeUploadsAreRefusedWhileHealthAnswers() throws Exception {
        byte[] big = new byte[2_500_000];
        java.util.Arrays.fill(big, (byte) 'x');
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<HttpApi.Response>> uploads = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                uploads.add(pool.submit(() -> new HttpApi(port).postRaw(big, "text/plain", Map.of())));
            }
            for (int i = 0; i < 5; i++) {
                assertThat(new HttpApi(port).get("/actuator/health").status()).isEqualTo(200);
            }
            for (Future<HttpApi.Response> upload : uploads) {
                HttpApi.Response r = upload.get();
                // 400: the text is no graph; 503: no room in the budget for it now. Never a 500.
                assertThat(r.status()).as(r.body()).isIn(400, 503);
                assertThat(r.contentType()).startsWith("application/problem+json");
                assertThat(r.body().length()).as("the problem does not echo the upload").isLessThan(2000);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anOversizeUploadIsAPageForBrowsersAndAProblemForTheApi() {
        byte[] big = new byte[5 * 1024 * 1024];
        java.util.Arrays.fill(big, (byte) 'x');
        String browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        HttpApi.Response page = new HttpApi(port).send("/runs", r -> r.header("Accept", browserAccept)
                .header("Content-Type", "multipart/form-data; boundary=b").POST(HttpRequest.BodyPublishers.ofByteArray(big)));
        assertThat(page.status()).isEqualTo(413);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.body()).contains("<h1>Upload too large</h1>").contains("3 MB").doesNotContain("3145728");

        HttpApi.Response problem = new HttpApi(port).postRaw(big, "text/plain", Map.of(), "application/json");
        assertThat(problem.status()).isEqualTo(413);
        assertThat(problem.contentType()).startsWith("application/problem+json");
        assertThat(problem.json().get("detail").asString()).contains("limit of 3 MB");
    }

    @Test
    void aMultipartBodyWithoutItsClosingBoundaryIsABadRequestSayingSo() {
        byte[] unclosed = ("--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"g.txt\"\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] body = java.util.Arrays.copyOf(unclosed, unclosed.length + GRAPH.length);
        System.arraycopy(GRAPH, 0, body, unclosed.length, GRAPH.length);
        HttpApi.Response problem = new HttpApi(port).postRaw(body, "multipart/form-data; boundary=b0undary", Map.of(),
                "application/json");
        assertThat(problem.status()).isEqualTo(400);
        assertThat(problem.contentType()).startsWith("application/problem+json");
        assertThat(problem.json().get("title").asString()).isEqualTo("Malformed multipart upload");
        assertThat(problem.json().get("detail").asString()).contains("no closing boundary '--b0undary--'");
    }

    @Test
    void tooManyPartsAndParametersAreProblemsNamingTheLimit() {
        HttpApi api = new HttpApi(port);
        Map<String, String> parts = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 60; i++) {
            parts.put("p" + i, "v");
        }
        HttpApi.Response manyParts = api.postMultipart("g.txt", GRAPH, parts);
        assertThat(manyParts.status()).isEqualTo(413);
        assertThat(manyParts.contentType()).startsWith("application/problem+json");
        assertThat(manyParts.body()).contains("piecewise.limits.max-parts");

        String query = "?splittingOps=oracle::moe" + "&a".repeat(1100);
        HttpApi.Response manyParameters = api.postRaw(GRAPH, "text/plain", query, null);
        assertThat(manyParameters.status()).isEqualTo(400);
        assertThat(manyParameters.contentType()).as(manyParameters.body()).startsWith("application/problem+json");
        assertThat(manyParameters.body()).contains("piecewise.limits.max-parameters");
        HttpApi.Response manyOnAGet = api.get("/api/runs" + query);
        assertThat(manyOnAGet.status()).isEqualTo(400);
        assertThat(manyOnAGet.contentType()).as(manyOnAGet.body()).startsWith("application/problem+json");
    }

    @Test
    void aSecondFilePartIsRefused() {
        String boundary = "b0undary";
        String body = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\n"
                + new String(GRAPH, StandardCharsets.UTF_8) + "\r\n--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.txt\"\r\n\r\nsecond\r\n--" + boundary + "--\r\n");
        HttpApi.Response response = new HttpApi(port).send("/api/runs", r -> r
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("option").asString()).isEqualTo("file");
    }

    @Test
    void errorsDoNotEchoLargeInput() {
        HttpApi api = new HttpApi(port);
        String huge = "x".repeat(1_000_000);
        HttpApi.Response option = api.postRaw(GRAPH, "text/plain", "?sizeStrategy=" + "y".repeat(6000), null);
        assertThat(option.status()).isEqualTo(400);
        assertThat(option.body().length()).isLessThan(2000);
        HttpApi.Response line = api.postRaw(("graph():\n    %a : [num_users=1] = " + huge + "\n").getBytes(StandardCharsets.UTF_8),
                "text/plain", Map.of());
        assertThat(line.status()).isEqualTo(400);
        assertThat(line.body().length()).as("a problem about a 1 MB line").isLessThan(2000);
    }

    @Test
    void getErrorDirectlyIsNotAServerError() {
        HttpApi.Response error = new HttpApi(port).get("/error");
        assertThat(error.status()).isEqualTo(404);
    }

    @Test
    void deeplyNestedGraphsAre400NotServerErrors() {
        HttpApi api = new HttpApi(port);
        String json = "{\"format\": \"fx-graph-json/1\", \"nodes\": [{\"name\": \"x\", \"op\": \"placeholder\", \"target\": \"x\", "
                + "\"args\": [" + "[".repeat(50_000) + "]".repeat(50_000) + "], \"kwargs\": {}}]}";
        HttpApi.Response deepJson = api.postRaw(json.getBytes(StandardCharsets.UTF_8), "application/json", Map.of());
        assertThat(deepJson.status()).as(deepJson.body()).isEqualTo(400);
        String text = "graph():\n    %x : [num_users=1] = placeholder[target=x]\n    %y : [num_users=1] = call_function["
                + "target=torch.relu](args = (" + "(".repeat(50_000) + "%x" + ",)".repeat(50_000) + ",), kwargs = {})\n    return (y,)\n";
        HttpApi.Response deepText = api.postRaw(text.getBytes(StandardCharsets.UTF_8), "text/plain", Map.of());
        assertThat(deepText.status()).as(deepText.body()).isEqualTo(400);
        assertThat(api.get("/actuator/health").status()).isEqualTo(200);
    }
}
