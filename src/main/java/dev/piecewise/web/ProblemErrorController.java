package dev.piecewise.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.ModelAndView;

/**
 * Errors raised outside Spring MVC (the container, filters) reach {@code /error}; answer them as problem details
 * too instead of Boot's default JSON shape, or as a page for browsers.
 */
@RestController
class ProblemErrorController implements ErrorController {

    /** Browsers get a page. */
    @RequestMapping(value = "/error", produces = MediaType.TEXT_HTML_VALUE)
    ModelAndView page(HttpServletRequest request) {
        HttpStatus status = status(request);
        ModelAndView page = new ModelAndView("error-page", status);
        page.addObject("heading", status.value() + " " + status.getReasonPhrase());
        page.addObject("message", detail(request, status));
        return page;
    }

    /** The error being reported; {@code GET /error} asked for directly is no error, just no page. */
    private static HttpStatus status(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        if (code == null && request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) == null) {
            return HttpStatus.NOT_FOUND;
        }
        return code instanceof Integer i && HttpStatus.resolve(i) != null ? HttpStatus.valueOf(i)
                : HttpStatus.INTERNAL_SERVER_ERROR;
    }

    private static String detail(HttpServletRequest request, HttpStatus status) {
        Object message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
        return message instanceof String s && !s.isBlank() ? s : status.getReasonPhrase();
    }

    @RequestMapping("/error")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        HttpStatus status = status(request);
        String type = switch (status) {
            case NOT_FOUND -> Problems.NOT_FOUND;
            case CONTENT_TOO_LARGE -> Problems.UPLOAD_TOO_LARGE;
            case UNSUPPORTED_MEDIA_TYPE -> Problems.UNSUPPORTED_MEDIA_TYPE;
            case METHOD_NOT_ALLOWED -> Problems.METHOD_NOT_ALLOWED;
            default -> status.is4xxClientError() ? Problems.BAD_REQUEST : Problems.INTERNAL;
        };
        String detail = status == HttpStatus.UNSUPPORTED_MEDIA_TYPE ? Problems.UNSUPPORTED_MEDIA_TYPE_HINT
                : detail(request, status);
        ProblemDetail problem = Problems.problem(status, type, status.getReasonPhrase(), detail);
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        if (uri instanceof String path) {
            problem.setInstance(java.net.URI.create(path));
        }
        return Problems.response(problem);
    }
}
