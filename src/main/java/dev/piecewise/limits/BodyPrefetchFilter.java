package dev.piecewise.limits;

import dev.piecewise.web.Problems;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.connector.CoyoteInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.File;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads every request body before anything else sees it, without holding a thread while the client sends: a
 * client sending one byte a second costs a connection, not a thread, and must finish within
 * {@code piecewise.limits.body-read-timeout} (408). The body is never pre-sized from Content-Length; it is leased
 * from the {@link WorkBudget} as it arrives (the lease lasts until the request ends), bounded by
 * {@code piecewise.upload.max-size} (413), and its parts and parameters are counted (413, 400). The request then
 * runs on a container thread as usual, with the body from memory.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class BodyPrefetchFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(BodyPrefetchFilter.class);
    private static final String PREFETCHED = BodyPrefetchFilter.class.getName() + ".body";
    /** Room for the option parts and multipart framing around a file of the maximum size. */
    private static final long MULTIPART_OVERHEAD = DataSize.ofMegabytes(1).toBytes();
    private static final int CHUNK = 64 * 1024;

    /** Retries of bodies waiting for room in the budget; the wait itself holds no thread. */
    private static final ScheduledExecutorService RETRIES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "piecewise-admission");
        thread.setDaemon(true);
        return thread;
    });

    private final WorkBudget budget;
    private final LimitsProperties limits;
    private final long maxUploadBytes;

    BodyPrefetchFilter(WorkBudget budget, LimitsProperties limits, @Value("${piecewise.upload.max-size}") DataSize maxUpload) {
        this.budget = budget;
        this.limits = limits;
        this.maxUploadBytes = maxUpload.toBytes();
    }

    /** The request comes back here as an async dispatch once its body is in. */
    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Object prefetched = request.getAttribute(PREFETCHED);
        if (prefetched instanceof Prefetch body && request.getDispatcherType() == DispatcherType.ASYNC) {
            runWithBody(body, request, response, chain);
            return;
        }
        if (request.getDispatcherType() != DispatcherType.REQUEST || !hasBody(request) || !request.isAsyncSupported()
                || !(request.getInputStream() instanceof CoyoteInputStream)) {
            // No body, or not the container's non-blocking input (MockMvc's body is in memory already).
            chain.doFilter(request, response);
            return;
        }
        long limit = maxUploadBytes + MULTIPART_OVERHEAD;
        long declared = request.getContentLengthLong();
        Prefetch body = new Prefetch(request, response, limit, declared);
        ServletInputStream in = request.getInputStream();
        AsyncContext async = request.startAsync(request, response);
        async.setTimeout(limits.bodyReadTimeout().toMillis());
        async.addListener(body);
        body.async = async;
        request.setAttribute(PREFETCHED, body);
        // Room in the budget is taken as bytes arrive: a client that declares 50 MB and sends nothing holds none.
        body.lease = budget.lease(0);
        if (declared > limit) {
            body.refuseTooLarge();
        } else if (declared > budget.totalBytes()) {
            body.refuseFull(budget.overBudget(declared));
        }
        in.setReadListener(body.reader(in));
    }

    private void runWithBody(Prefetch body, HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        BufferedBodyRequest buffered = null;
        try {
            try {
                buffered = new BufferedBodyRequest(request, body.bytes.toArray(), limits, partDirectory(request));
            } catch (BufferedBodyRequest.TooManyException tooMany) {
                refuse(request, response, tooMany.getMessage().contains("parts") ? HttpStatus.CONTENT_TOO_LARGE
                        : HttpStatus.BAD_REQUEST, Problems.TOO_MANY_PARTS, "Too many parts or parameters", tooMany.getMessage(), 0);
                return;
            } catch (MultipartBody.MalformedException malformed) {
                refuse(request, response, HttpStatus.BAD_REQUEST, Problems.BAD_REQUEST,
                        "Malformed multipart upload", "the multipart body cannot be read: "
                                + Problems.truncate(malformed.getMessage()), 0);
                return;
            }
            body.bytes = null; // the buffered request holds the only copy now
            body.lease.beforeWork();
            chain.doFilter(buffered, response);
        } finally {
            body.closeLease();
        }
    }

    private static File partDirectory(HttpServletRequest request) {
        ServletContext context = request.getServletContext();
        Object temp = context.getAttribute(ServletContext.TEMPDIR);
        return temp instanceof File dir ? dir : new File(System.getProperty("java.io.tmpdir"));
    }

    private static boolean hasBody(HttpServletRequest request) {
        return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
    }

    /** The room a multipart body has beyond the upload limit, for its framing and options; null for none. */
    private String framing(long limit) {
        return limit > maxUploadBytes ? "a multipart body may have " + Problems.size(limit - maxUploadBytes)
                + " more for its framing and options" : null;
    }

    private void tooLarge(HttpServletRequest request, HttpServletResponse response, long limit) throws IOException {
        refuse(request, response, HttpStatus.CONTENT_TOO_LARGE, Problems.UPLOAD_TOO_LARGE, "Upload too large",
                Problems.uploadTooLarge(maxUploadBytes, framing(limit)), 0);
    }

    private static void refuse(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String type,
                               String title, String detail, long retryAfterSeconds) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        if (retryAfterSeconds > 0) {
            response.setHeader("Retry-After", String.valueOf(retryAfterSeconds));
        }
        // The rest of the body is not read: close the connection rather than swallow it.
        response.setHeader("Connection", "close");
        log.info("method={} path={} status={} refused: {}", request.getMethod(), request.getRequestURI(), status.value(), detail);
        Problems.write(request, response, status, type, title, detail);
    }

    /**
     * One body being read: its bytes and lease, and what ends it. A refused body is still read to its end and
     * dropped (without a thread), so the client sees the answer rather than a reset connection.
     */
    private final class Prefetch implements AsyncListener {

        private final HttpServletRequest request;
        private final HttpServletResponse response;
        private final long limit;
        private final AtomicBoolean answered = new AtomicBoolean();
        AsyncContext async;
        WorkBudget.Lease lease;
        BodyBytes bytes;

        Prefetch(HttpServletRequest request, HttpServletResponse response, long limit, long declared) {
            this.request = request;
            this.response = response;
            this.limit = limit;
            this.bytes = new BodyBytes(declared);
        }

        ReadListener reader(ServletInputStream in) {
            return new ReadListener() {
                @Override
                public void onDataAvailable() throws IOException {
                    pump(in);
                }

                @Override
                public void onAllDataRead() {
                    allRead = true;
                    finishIfDone();
                }

                @Override
                public void onError(Throwable clientGone) {
                    // The client closed the connection: nothing to answer.
                    answered.set(true);
                    closeLease();
                }
            };
        }

        private final byte[] buffer = new byte[CHUNK];
        /** Bytes read but not yet admitted into the budget (0: none), and since when they wait. */
        private int pending;
        private long waitingSince;
        /** Why the pending bytes wait, while the budget holds them back. */
        private BusyException heldBack;
        private boolean allRead;

        /**
         * Reads what has arrived. When the budget has no room for it, reading pauses (the client is held back by
         * TCP, no thread waits) and is retried until the admission wait is over, then refused with a 503.
         */
        synchronized void pump(ServletInputStream in) throws IOException {
            if (pending > 0 && !admitPending(in)) {
                return;
            }
            while (in.isReady()) {
                int n = in.read(buffer);
                if (n < 0) {
                    return;
                }
                if (answered.get()) {
                    continue; // refused already: drop the rest
                }
                if (bytes.size() + (long) n > limit) {
                    refuseTooLarge();
                    continue;
                }
                pending = n;
                waitingSince = System.nanoTime();
                if (!admitPending(in)) {
                    return;
                }
            }
        }

        private boolean admitPending(ServletInputStream in) throws IOException {
            try {
                lease.growTo(bytes.size() + (long) pending, false);
                bytes.write(buffer, 0, pending);
                pending = 0;
                heldBack = null;
                return true;
            } catch (OverBudgetException tooLarge) {
                pending = 0;
                refuseFull(tooLarge);
                return true;
            } catch (BusyException busy) {
                if (System.nanoTime() - waitingSince > limits.admissionWait().toNanos()) {
                    pending = 0;
                    refuseFull(busy);
                    return true;
                }
                heldBack = busy;
                RETRIES.schedule(() -> async.start(() -> {
                    try {
                        pump(in);
                        finishIfDone();
                    } catch (IOException | IllegalStateException clientGone) {
                        closeLease();
                    }
                }), 50, TimeUnit.MILLISECONDS);
                return false;
            }
        }

        private synchronized void finishIfDone() {
            if (!allRead || pending > 0 || bodyDone) {
                return;
            }
            bodyDone = true;
            if (answered.compareAndSet(false, true)) {
                async.dispatch();
            } else {
                async.complete();
            }
        }

        private boolean bodyDone;

        void refuseTooLarge() throws IOException {
            answer(HttpStatus.CONTENT_TOO_LARGE, Problems.UPLOAD_TOO_LARGE, "Upload too large",
                    Problems.uploadTooLarge(maxUploadBytes, framing(limit)), 0);
        }

        void refuseFull(RuntimeException full) throws IOException {
            if (full instanceof BusyException busy) {
                answer(HttpStatus.SERVICE_UNAVAILABLE, Problems.BUSY, "Busy", busy.getMessage(), busy.retryAfterSeconds());
            } else {
                answer(HttpStatus.CONTENT_TOO_LARGE, Problems.UPLOAD_TOO_LARGE, "Upload too large", full.getMessage(), 0);
            }
        }

        private void answer(HttpStatus status, String type, String title, String detail, long retryAfter) throws IOException {
            if (answered.compareAndSet(false, true)) {
                bytes = null;
                closeLease();
                refuse(request, response, status, type, title, detail, retryAfter);
                response.flushBuffer();
            }
        }

        void closeLease() {
            if (lease != null) {
                lease.close();
            }
        }

        @Override
        public synchronized void onTimeout(AsyncEvent event) throws IOException {
            if (pending > 0 && heldBack != null) {
                // The service held the body back for want of room, not the client: that is a 503, not a 408.
                refuseFull(heldBack);
                event.getAsyncContext().complete();
                return;
            }
            answer(HttpStatus.REQUEST_TIMEOUT, Problems.BODY_TIMEOUT, "Request body too slow",
                    "the request body did not arrive within " + limits.bodyReadTimeout().toSeconds()
                            + " s (piecewise.limits.body-read-timeout)", 0);
            event.getAsyncContext().complete();
        }

        @Override
        public void onComplete(AsyncEvent event) {
            closeLease();
        }

        @Override
        public void onError(AsyncEvent event) {
            closeLease();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
        }
    }

    /**
     * The body read so far. It grows by doubling, as a ByteArrayOutputStream does, but never past the declared
     * Content-Length, and once a quarter of that is in, straight to it; so a body that arrives as declared ends in
     * an array of exactly its size and is handed on without a copy (a 100 MB upload used to cost three times its
     * size in copies, now 1.5). Never sized from the declaration up front: a client may declare 50 MB and send
     * nothing.
     */
    static final class BodyBytes {
        private byte[] bytes = new byte[8192];
        private int size;
        private final long declared;

        BodyBytes(long declared) {
            this.declared = declared;
        }

        int size() {
            return size;
        }

        void write(byte[] from, int offset, int length) {
            int needed = size + length;
            if (needed > bytes.length) {
                long grown = Math.max(needed, 2L * bytes.length);
                if (declared >= needed) {
                    // A quarter of the body in: take the rest's room at once rather than doubling up to it.
                    grown = needed > declared / 4 ? declared : Math.min(grown, declared);
                }
                bytes = Arrays.copyOf(bytes, (int) Math.min(grown, Integer.MAX_VALUE - 8));
            }
            System.arraycopy(from, offset, bytes, size, length);
            size = needed;
        }

        /** The bytes read: the buffer itself when the body filled it. */
        byte[] toArray() {
            return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
        }
    }
}
