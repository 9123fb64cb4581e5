package dev.piecewise.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * One structured line per request: method, path, status, duration, sizes and the run it created. Never the body
 * or the query string, so neither graph contents nor names reach the logs.
 */
@Component
// After BodyPrefetchFilter, so a request is logged once, when it runs with its body.
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class RequestLogFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger("piecewise.requests");

    private final HttpRehearsal rehearsal;

    RequestLogFilter(HttpRehearsal rehearsal) {
        this.rehearsal = rehearsal;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long start = System.nanoTime();
        try {
            chain.doFilter(request, response);
        } finally {
            if (log.isInfoEnabled() && !rehearsal.serves(request)) {
                String location = response.getHeader("Location");
                log.info("method={} path={} status={} durationMs={} requestBytes={} contentType=\"{}\"{}",
                        request.getMethod(), request.getRequestURI(), response.getStatus(),
                        (System.nanoTime() - start) / 1_000_000, request.getContentLengthLong(),
                        request.getContentType() == null ? "" : request.getContentType().split(";")[0],
                        location == null ? "" : " location=" + location);
            }
        }
    }

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return true;
    }
}
