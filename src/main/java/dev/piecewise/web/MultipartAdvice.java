package dev.piecewise.web;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.util.unit.DataSize;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.ModelAndView;

/**
 * Multipart bodies are read before any controller is chosen, so their failures are handled here, everywhere:
 * an upload over the limit is a 413 (a problem on the API, an error page elsewhere), a body that cannot be read
 * is the client's 400, not a 500.
 */
@ControllerAdvice
class MultipartAdvice {

    private final String detail;

    MultipartAdvice(@Value("${piecewise.upload.max-size}") DataSize limit) {
        this.detail = Problems.uploadTooLarge(limit.toBytes(), null);
    }

    @ExceptionHandler(MaxUploadSizeExceededException.class)
    Object tooLarge(HttpServletRequest request) {
        if (request.getRequestURI().startsWith("/api/")) {
            return Problems.respond(HttpStatus.CONTENT_TOO_LARGE, Problems.UPLOAD_TOO_LARGE,
                    "Upload too large", detail);
        }
        ModelAndView page = new ModelAndView("error-page", HttpStatus.CONTENT_TOO_LARGE);
        page.addObject("heading", "Upload too large");
        page.addObject("message", "The graph is larger than this service accepts: " + detail + ".");
        return page;
    }

    @ExceptionHandler(MultipartException.class)
    ResponseEntity<ProblemDetail> malformed(MultipartException e) {
        return Problems.respond(HttpStatus.BAD_REQUEST, Problems.BAD_REQUEST,
                "Malformed multipart upload", "the multipart body cannot be read: " + e.getMessage());
    }
}
