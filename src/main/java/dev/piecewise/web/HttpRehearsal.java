package dev.piecewise.web;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationPredicate;
import jakarta.servlet.ServletRequest;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.Service;
import org.apache.catalina.connector.Connector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.stereotype.Component;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Requests rehearsed through the container before the service's port opens, on a connector of their own on a free
 * loopback port that is closed again afterwards. The in-process rehearsals compile the engine; the container's and
 * the framework's code that every request runs (reading a large body, the filters, security, dispatch, writing a
 * large answer, the database's inserts) was still being compiled during the first hundred uploads, taking a core from
 * them. First come uploads as a user posts them: each run is made, written to the database and answered as a user's
 * is, but the transaction that wrote it is rolled back, and it is neither counted nor logged
 * ({@code RunApiController} asks {@link #serves}). Then come rounds of cheaper requests, many more of them: the
 * upload posted with an unknown format (refused with 400 once the body is read), and the list of runs. Nothing is
 * stored. The rehearsed requests are left out of the request log ({@link #serves}) and of
 * {@code http.server.requests} ({@link #test}).
 */
@Component
public class HttpRehearsal implements ObservationPredicate {

    private static final Logger log = LoggerFactory.getLogger(HttpRehearsal.class);
    private static final int ANSWER_TIMEOUT_MILLIS = 30_000;

    private final ApplicationContext context;
    /** The rehearsal connector's port while it is open, else -1. */
    private volatile int port = -1;

    HttpRehearsal(ApplicationContext context) {
        this.context = context;
    }

    /**
     * What a rehearsal did: the port its connector had (-1: none opened), and how many answers had each status.
     */
    public record Rehearsed(int port, Map<Integer, Integer> statuses) {
    }

    /**
     * @param upload  a graph as a user would post it
     * @param query   its options, as a user's query string gives them
     * @param uploads how many times it is posted as a user posts it, every other time asking for a gzip answer
     * @param rounds  how many times it is posted with an unknown format, each time followed by the list of runs
     * @return nothing rehearsed where there is no Tomcat (MockMvc's tests)
     * @throws IOException when the connector does not start or a request gets no answer; the connector is closed
     *                     all the same
     */
    public synchronized Rehearsed rehearse(byte[] upload, String query, int uploads, int rounds) throws IOException {
        Map<Integer, Integer> statuses = new TreeMap<>();
        if (uploads <= 0 && rounds <= 0 || !(context instanceof WebServerApplicationContext web)
                || !(web.getWebServer() instanceof TomcatWebServer server)) {
            return new Rehearsed(-1, statuses);
        }
        InetAddress loopback = InetAddress.getLoopbackAddress();
        Service service = server.getTomcat().getService();
        // Tomcat's defaults, not the service's connector settings: compression, for one, is not rehearsed.
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", loopback.getHostAddress());
        try {
            service.addConnector(connector);
            if (connector.getState() != LifecycleState.STARTED) {
                throw new IOException("the rehearsal's connector did not start: " + connector.getState());
            }
            int open = connector.getLocalPort();
            port = open;
            // Expect as curl sends it with a body over 1 MB.
            String uploadHeaders = "Content-Type: text/plain\r\nContent-Length: " + upload.length
                    + "\r\nExpect: 100-continue\r\n";
            // Every other upload asks for its answer compressed, as curl --compressed does.
            byte[][] posts = {request("POST /api/runs?" + query, uploadHeaders),
                    request("POST /api/runs?" + query, uploadHeaders + "Accept-Encoding: gzip\r\n")};
            byte[] refused = request("POST /api/runs?format=rehearsal", uploadHeaders);
            byte[] list = request("GET /api/runs", "");
            for (int i = 0; i < uploads; i++) {
                statuses.merge(exchange(loopback, open, posts[i % 2], upload), 1, Integer::sum);
            }
            for (int i = 0; i < rounds; i++) {
                statuses.merge(exchange(loopback, open, refused, upload), 1, Integer::sum);
                statuses.merge(exchange(loopback, open, list, new byte[0]), 1, Integer::sum);
            }
            return new Rehearsed(open, statuses);
        } finally {
            // Removing stops the connector (and closes its port); destroying it releases the rest it holds. Only then
            // is the port forgotten: a request given up on by time, still running while the connector stops, stays a
            // rehearsal.
            try {
                service.removeConnector(connector);
                connector.destroy();
            } catch (LifecycleException notClosed) {
                log.warn("The warm-up's rehearsal connector did not close", notClosed);
            } finally {
                port = -1;
            }
        }
    }

    /** Whether the request came through the rehearsal's connector: only the warm-up's requests do. */
    public boolean serves(ServletRequest request) {
        int rehearsing = port;
        return rehearsing > 0 && request.getLocalPort() == rehearsing;
    }

    /** Leaves the rehearsed requests out of the service's HTTP metrics. */
    @Override
    public boolean test(String name, Observation.Context observed) {
        return !(observed instanceof ServerRequestObservationContext request && serves(request.getCarrier()));
    }

    private static byte[] request(String line, String headers) {
        return (line + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" + headers + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * One request on a new connection, its body sent without waiting for the 100 Continue it asks for; returns the
     * final status.
     */
    private static int exchange(InetAddress loopback, int port, byte[] head, byte[] body) throws IOException {
        try (Socket socket = new Socket(loopback, port)) {
            socket.setSoTimeout(ANSWER_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(head);
            out.write(body);
            out.flush();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            try (InputStream in = socket.getInputStream()) {
                in.transferTo(answer);
            }
            String text = answer.toString(StandardCharsets.ISO_8859_1);
            int at = text.startsWith("HTTP/1.1 100") ? text.indexOf("\r\n\r\n") + 4 : 0;
            if (!text.startsWith("HTTP/1.1 ", at) || text.length() < at + 12) {
                throw new IOException("a rehearsed request got no HTTP answer");
            }
            return Integer.parseInt(text.substring(at + 9, at + 12));
        }
    }
}
