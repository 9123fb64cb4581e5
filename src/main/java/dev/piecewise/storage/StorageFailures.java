package dev.piecewise.storage;

import dev.piecewise.web.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.transaction.TransactionException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.servlet.ModelAndView;

/**
 * A database that cannot be read or written (disk full, read-only, closed, unreachable) is a 503 naming the cause,
 * never a 500 "unexpected error": the request may be repeated once the database is back, and nothing of it was
 * kept. Ordered before the catch-all handlers.
 */
@ControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class StorageFailures {

    private static final Logger log = LoggerFactory.getLogger(StorageFailures.class);
    static final long RETRY_AFTER_SECONDS = 10;

    @ExceptionHandler({DataAccessException.class, TransactionException.class})
    Object unavailable(RuntimeException e, HttpServletRequest request, HttpServletResponse response) {
        if (e instanceof DataIntegrityViolationException) {
            throw e; // a conflict in the data, not a storage failure
        }
        String cause = cause(e);
        log.warn("storage unavailable for {} {}: {}", request.getMethod(), request.getRequestURI(), cause);
        response.setHeader("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
        String detail = "the database cannot be used now, nothing was stored: " + cause;
        if (request.getRequestURI().startsWith("/api/")) {
            return Problems.respond(HttpStatus.SERVICE_UNAVAILABLE, Problems.STORAGE_UNAVAILABLE, "Storage unavailable", detail);
        }
        ModelAndView page = new ModelAndView("error-page", HttpStatus.SERVICE_UNAVAILABLE);
        page.addObject("heading", "Storage unavailable");
        page.addObject("message", "503: " + detail);
        return page;
    }

    /** The innermost message (H2's "The database has been closed", "No space left on device"), shortened. */
    static String cause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return Problems.truncate(message.lines().findFirst().orElse(message));
    }
}
