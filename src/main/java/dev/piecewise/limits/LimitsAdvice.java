package dev.piecewise.limits;

import dev.piecewise.web.Problems;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.servlet.ModelAndView;

/**
 * A full work budget is a 503 with Retry-After, a request larger than the whole budget a 413: problems on the API,
 * error pages elsewhere. Ordered first so that no catch-all handler turns them into 500s.
 */
@ControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class LimitsAdvice {

    @ExceptionHandler(BusyException.class)
    Object busy(BusyException e, HttpServletRequest request, jakarta.servlet.http.HttpServletResponse response) {
        response.setHeader("Retry-After", String.valueOf(e.retryAfterSeconds()));
        return answer(request, HttpStatus.SERVICE_UNAVAILABLE, Problems.BUSY, "Busy", e.getMessage());
    }

    @ExceptionHandler(WorkDeadline.WorkTimeoutException.class)
    Object timedOut(WorkDeadline.WorkTimeoutException e, HttpServletRequest request,
                    jakarta.servlet.http.HttpServletResponse response) {
        response.setHeader("Retry-After", "30");
        return answer(request, HttpStatus.SERVICE_UNAVAILABLE, Problems.WORK_TIMEOUT, "Work took too long", e.getMessage());
    }

    @ExceptionHandler(OverBudgetException.class)
    Object overBudget(OverBudgetException e, HttpServletRequest request) {
        return answer(request, HttpStatus.CONTENT_TOO_LARGE, Problems.UPLOAD_TOO_LARGE, "Too large for the work budget",
                e.getMessage());
    }

    /**
     * A graph nested deeper than the parsers' recursion reaches (thousands of brackets): the client's 400, logged on
     * one line, not a 500 with a thousand-line stack trace. The parsers' own depth cap makes this rare.
     */
    @ExceptionHandler(StackOverflowError.class)
    Object tooDeep(HttpServletRequest request) {
        org.slf4j.LoggerFactory.getLogger(LimitsAdvice.class).warn("{} {}: nesting too deep for the parser",
                request.getMethod(), request.getRequestURI());
        return answer(request, HttpStatus.BAD_REQUEST, Problems.BAD_GRAPH, "The graph does not parse",
                "the graph is nested too deeply (brackets or JSON arrays thousands of levels deep)");
    }

    /** The container's count of query parameters on requests without a body (bodies are counted on arrival). */
    @ExceptionHandler(org.apache.tomcat.util.http.InvalidParameterException.class)
    Object tooManyParameters(HttpServletRequest request) {
        return answer(request, HttpStatus.BAD_REQUEST, Problems.TOO_MANY_PARTS, "Too many parameters",
                "the request has more than " + maxParameters + " query or form parameters (piecewise.limits.max-parameters)");
    }

    private final int maxParameters;

    LimitsAdvice(LimitsProperties limits) {
        this.maxParameters = limits.maxParameters();
    }

    static Object answer(HttpServletRequest request, HttpStatus status, String type, String title, String detail) {
        if (request.getRequestURI().startsWith("/api/")) {
            return Problems.respond(status, type, title, detail);
        }
        ModelAndView page = new ModelAndView("error-page", status);
        page.addObject("heading", title);
        page.addObject("message", status.value() + ": " + detail);
        return page;
    }
}
