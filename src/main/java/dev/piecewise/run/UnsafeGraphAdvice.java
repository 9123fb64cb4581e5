package dev.piecewise.run;

import dev.piecewise.codegen.UnsafeNodeException;
import dev.piecewise.web.Problems;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.servlet.ModelAndView;

/**
 * A graph whose code could run something on import or call: at upload a 400 bad-graph naming the node; for the
 * code of a stored run (names fx-json allows but Python does not) a 409, there is no split module to write.
 */
@ControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
class UnsafeGraphAdvice {

    @ExceptionHandler(UnsafeNodeException.class)
    Object unsafe(UnsafeNodeException e, HttpServletRequest request) {
        boolean upload = request.getMethod().equals("POST");
        HttpStatus status = upload ? HttpStatus.BAD_REQUEST : HttpStatus.CONFLICT;
        if (!request.getRequestURI().startsWith("/api/")) {
            ModelAndView page = new ModelAndView("error-page", status);
            page.addObject("heading", "The graph cannot be written as Python");
            page.addObject("message", e.getMessage());
            return page;
        }
        ProblemDetail problem = Problems.problem(status, upload ? Problems.BAD_GRAPH : Problems.NO_CODE,
                upload ? "The graph cannot be used" : "No split module", e.getMessage());
        problem.setProperty("node", Problems.truncate(e.node()));
        return Problems.response(problem);
    }
}
