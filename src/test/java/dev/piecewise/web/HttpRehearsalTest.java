package dev.piecewise.web;

import dev.piecewise.run.HttpApi;
import dev.piecewise.run.RunRepository;
import dev.piecewise.run.SyntheticDecoder;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.test.context.ActiveProfiles;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Requests rehearsed through the running container: uploads made and answered but rolled back, refused uploads and
 * lists, on a connector of their own that is gone afterwards, and none of them stored, logged or counted in the HTTP
 * metrics or as runs, while requests on the service's own port still are.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles(resolver = dev.piecewise.run.TestDatabase.class)
@ExtendWith(OutputCaptureExtension.class)
class HttpRehearsalTest {

    @LocalServerPort
    int port;

    @Autowired
    HttpRehearsal rehearsal;

    @Autowired
    WebServerApplicationContext context;

    @Autowired
    MeterRegistry meters;

    @Autowired
    RunRepository runs;

    private double timed(String... tags) {
        return meters.find("http.server.requests").tags(tags).timers().stream().mapToLong(t -> t.count()).sum();
    }

    private HttpApi api() {
        return new HttpApi(port);
    }

    private long runsListed() {
        HttpApi.Response list = api().get("/api/runs");
        assertThat(list.status()).isEqualTo(200);
        return list.json().get("total").asLong();
    }

    private static String sha256(byte[] upload) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(upload));
    }

    private double runsCounted() {
        return meters.find("piecewise.runs.created").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    void rehearsedRequestsGoThroughTheContainerAndLeaveNothingBehind(CapturedOutput output) throws Exception {
        // a graph no other test posts, so that its upload cannot be stored already
        byte[] graph = SyntheticDecoder.fxText(23).getBytes(StandardCharsets.US_ASCII);
        long runsBefore = runsListed();
        double countedBefore = runsCounted();
        double createdBefore = timed("status", "201");
        double refusedBefore = timed("status", "400");
        double listedBefore = timed("uri", "/api/runs", "status", "200");
        int logged = output.getAll().length();

        HttpRehearsal.Rehearsed rehearsed = rehearsal.rehearse(graph, "splittingOps=oracle::attn", 2, 3);

        assertThat(rehearsed.statuses()).as("two uploads made, then three rounds of an upload refused for its "
                + "format and the list of runs").isEqualTo(Map.of(201, 2, 200, 3, 400, 3));
        String log = output.getAll().substring(logged);
        assertThat(log).doesNotContain("path=/api/runs").doesNotContainPattern("run [0-9a-f-]{36}: ");
        assertThat(runsCounted()).as("no run counted").isEqualTo(countedBefore);
        assertThat(timed("status", "201")).isEqualTo(createdBefore);
        assertThat(timed("status", "400")).isEqualTo(refusedBefore);
        assertThat(runs.hasUpload(sha256(graph))).as("the uploads' transaction was rolled back").isFalse();
        TomcatWebServer server = (TomcatWebServer) context.getWebServer();
        assertThat(server.getTomcat().getService().findConnectors()).as("the rehearsal's connector is removed")
                .extracting(connector -> connector.getLocalPort()).containsExactly(port);
        assertThat(rehearsed.port()).isPositive().isNotEqualTo(port);
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), rehearsed.port()).close())
                .as("its port is closed").isInstanceOf(ConnectException.class);

        assertThat(runsListed()).as("nothing rehearsed was stored").isEqualTo(runsBefore);
        assertThat(output.getAll().substring(logged)).as("the service's own requests are still logged")
                .contains("method=GET path=/api/runs status=200");
        assertThat(timed("uri", "/api/runs", "status", "200")).as("and measured").isEqualTo(listedBefore + 1);
    }

    /** A rehearsed upload of a graph stored before leaves that upload and its run as they were. */
    @Test
    void rehearsingAnUploadStoredBeforeLeavesItStored() throws Exception {
        byte[] graph = SyntheticDecoder.fxText(24).getBytes(StandardCharsets.US_ASCII);
        HttpApi.Response posted = api().postRaw(graph, "text/plain", Map.of("splittingOps", "oracle::attn"));
        assertThat(posted.status()).isEqualTo(201);
        long runsBefore = runsListed();

        assertThat(rehearsal.rehearse(graph, "splittingOps=oracle::attn", 1, 0).statuses()).isEqualTo(Map.of(201, 1));

        assertThat(runs.hasUpload(sha256(graph))).as("the upload stored before is still there").isTrue();
        assertThat(runsListed()).isEqualTo(runsBefore);
        String id = posted.json().get("id").asString();
        assertThat(api().get("/api/runs/" + id + "/upload").body())
                .isEqualTo(new String(graph, StandardCharsets.US_ASCII));
    }
}
