package dev.piecewise.limits;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.Part;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A request whose body {@link BodyPrefetchFilter} has read already: the body, its parameters (query string, form
 * fields, multipart text parts) and its multipart parts all come from that buffer, parts read in place
 * ({@link MultipartBody}), within {@code piecewise.limits.max-parts} and {@code max-parameters}.
 */
public final class BufferedBodyRequest extends HttpServletRequestWrapper {

    /** Parts or parameters over their limits: the message names the limit and its setting. */
    static final class TooManyException extends Exception {
        TooManyException(String message) {
            super(message);
        }
    }

    private final byte[] body;
    private final List<Part> parts;

    /**
     * The raw body {@link BodyPrefetchFilter} has read, when {@code request} is or wraps such a request; null
     * otherwise. Callers read it without copying and must not change it.
     */
    public static byte[] bodyOf(jakarta.servlet.ServletRequest request) {
        while (request instanceof jakarta.servlet.ServletRequestWrapper wrapper) {
            if (wrapper instanceof BufferedBodyRequest buffered) {
                return buffered.body;
            }
            request = wrapper.getRequest();
        }
        return null;
    }
    private final Map<String, String[]> parameters;

    /** The body, parsed now so that a body that breaks a limit is refused before anything else reads it. */
    BufferedBodyRequest(HttpServletRequest request, byte[] body, LimitsProperties limits, File partDirectory)
            throws TooManyException, MultipartBody.MalformedException, IOException {
        super(request);
        this.body = body;
        Map<String, List<String>> params = new LinkedHashMap<>();
        int[] count = {0};
        addEncoded(params, request.getQueryString(), StandardCharsets.UTF_8, count, limits.maxParameters());
        String type = request.getContentType() == null ? "" : request.getContentType().toLowerCase(Locale.ROOT);
        if (type.startsWith("multipart/form-data")) {
            this.parts = MultipartBody.parse(body, request.getContentType(), charset(), limits.maxParts(), partDirectory);
            for (Part part : parts) {
                if (part.getSubmittedFileName() == null) {
                    add(params, part.getName(), new String(part.getInputStream().readAllBytes(), charset()), count, limits.maxParameters());
                }
            }
        } else {
            this.parts = List.of();
            if (type.startsWith("application/x-www-form-urlencoded")) {
                addEncoded(params, new String(body, charset()), charset(), count, limits.maxParameters());
            }
        }
        this.parameters = new LinkedHashMap<>();
        params.forEach((k, v) -> parameters.put(k, v.toArray(String[]::new)));
    }

    private Charset charset() {
        String encoding = getCharacterEncoding();
        try {
            return encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
        } catch (IllegalArgumentException unknown) {
            return StandardCharsets.UTF_8;
        }
    }

    private static void addEncoded(Map<String, List<String>> params, String encoded, Charset charset, int[] count, int max)
            throws TooManyException {
        if (encoded == null || encoded.isEmpty()) {
            return;
        }
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                add(params, URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), charset),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), charset), count, max);
            } catch (IllegalArgumentException badEscape) {
                // as the container does: a parameter that does not decode is left out
            }
        }
    }

    private static void add(Map<String, List<String>> params, String name, String value, int[] count, int max)
            throws TooManyException {
        if (++count[0] > max) {
            throw new TooManyException("the request has more than " + max
                    + " query or form parameters (piecewise.limits.max-parameters)");
        }
        params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }

    /** Downstream filters (CSRF, character encoding) must run as for a first dispatch, not skip an async one. */
    @Override
    public DispatcherType getDispatcherType() {
        DispatcherType type = super.getDispatcherType();
        return type == DispatcherType.ASYNC ? DispatcherType.REQUEST : type;
    }

    @Override
    public ServletInputStream getInputStream() {
        ByteArrayInputStream in = new ByteArrayInputStream(body);
        return new ServletInputStream() {
            @Override
            public boolean isFinished() {
                return in.available() == 0;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {
                throw new IllegalStateException("the body has been read already");
            }

            @Override
            public int read() {
                return in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return in.read(b, off, len);
            }
        };
    }

    @Override
    public BufferedReader getReader() {
        return new BufferedReader(new InputStreamReader(getInputStream(), charset()));
    }

    @Override
    public int getContentLength() {
        return body.length;
    }

    @Override
    public long getContentLengthLong() {
        return body.length;
    }

    @Override
    public Collection<Part> getParts() {
        return parts;
    }

    @Override
    public Part getPart(String name) {
        return parts.stream().filter(p -> p.getName().equals(name)).findFirst().orElse(null);
    }

    @Override
    public String getParameter(String name) {
        String[] values = parameters.get(name);
        return values == null ? null : values[0];
    }

    @Override
    public Map<String, String[]> getParameterMap() {
        return Collections.unmodifiableMap(parameters);
    }

    @Override
    public Enumeration<String> getParameterNames() {
        return Collections.enumeration(parameters.keySet());
    }

    @Override
    public String[] getParameterValues(String name) {
        return parameters.get(name);
    }
}
