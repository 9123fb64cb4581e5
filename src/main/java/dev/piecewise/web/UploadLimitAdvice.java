package dev.piecewise.web;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.util.unit.DataSize;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.servlet.ModelAndView;

/**
 * An upload over the limit is rejected while the multipart request is read, before any controller is chosen,
 * so this advice applies everywhere: the API answers with a problem, the upload page with an error page.
 */
@ControllerAdvice
class UploadLimitAdvice {

    private final String detail;

    UploadLimitAdvice(@Value("${piecewise.upload.max-size}") DataSize limit) {
        this.detail = "the upload exceeds the limit of " + limit.toBytes() + " bytes (piecewise.upload.max-size)";
    }

    @ExceptionHandler(MaxUploadSizeExceededException.class)
    Object tooLarge(HttpServletRequest request) {
        if (request.getRequestURI().startsWith("/api/")) {
            return Problems.response(Problems.problem(HttpStatus.CONTENT_TOO_LARGE, Problems.UPLOAD_TOO_LARGE,
                    "Upload too large", detail));
        }
        ModelAndView page = new ModelAndView("error-page", HttpStatus.CONTENT_TOO_LARGE);
        page.addObject("heading", "Upload too large");
        page.addObject("message", "413: " + detail + ".");
        return page;
    }
}
