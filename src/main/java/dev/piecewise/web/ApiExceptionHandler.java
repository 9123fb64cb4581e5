package dev.piecewise.web;

import dev.piecewise.graph.GraphParseException;
import dev.piecewise.graph.archive.ArchiveException;
import dev.piecewise.run.BadOptionException;
import dev.piecewise.run.GroupNotFoundException;
import dev.piecewise.run.NoCodeException;
import dev.piecewise.run.NotATraceException;
import dev.piecewise.run.RunNotFoundException;
import dev.piecewise.run.UploadTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/** Every error the API can answer with, as problem details; a failed request never stores a run. */
@RestControllerAdvice(assignableTypes = {dev.piecewise.run.RunApiController.class,
        dev.piecewise.run.GroupApiController.class, dev.piecewise.run.TraceApiController.class})
class ApiExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(GraphParseException.class)
    ResponseEntity<ProblemDetail> badGraph(GraphParseException e) {
        ProblemDetail p = Problems.problem(HttpStatus.BAD_REQUEST, Problems.BAD_GRAPH, "The graph does not parse",
                e.getMessage());
        p.setProperty("line", e.line());
        p.setProperty("column", e.column());
        return Problems.response(p);
    }

    @ExceptionHandler(BadOptionException.class)
    ResponseEntity<ProblemDetail> badOption(BadOptionException e) {
        ProblemDetail p = Problems.problem(HttpStatus.BAD_REQUEST, Problems.BAD_OPTION, "Bad option", e.getMessage());
        p.setProperty("option", Problems.truncate(e.option()));
        return Problems.response(p);
    }

    @ExceptionHandler(UploadTooLargeException.class)
    ResponseEntity<ProblemDetail> tooLarge(UploadTooLargeException e) {
        return Problems.respond(HttpStatus.CONTENT_TOO_LARGE, Problems.UPLOAD_TOO_LARGE,
                "Upload too large", e.getMessage());
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ProblemDetail> unsupported(HttpMediaTypeNotSupportedException e) {
        return Problems.respond(HttpStatus.UNSUPPORTED_MEDIA_TYPE, Problems.UNSUPPORTED_MEDIA_TYPE,
                "Unsupported content type", "content type " + e.getContentType() + " is not accepted; "
                        + Problems.UNSUPPORTED_MEDIA_TYPE_HINT);
    }

    @ExceptionHandler(RunNotFoundException.class)
    ResponseEntity<ProblemDetail> notFound(RunNotFoundException e) {
        return Problems.respond(HttpStatus.NOT_FOUND, Problems.RUN_NOT_FOUND, "Run not found",
                e.getMessage());
    }

    @ExceptionHandler(GroupNotFoundException.class)
    ResponseEntity<ProblemDetail> groupNotFound(GroupNotFoundException e) {
        return Problems.respond(HttpStatus.NOT_FOUND, Problems.GROUP_NOT_FOUND, "Group not found", e.getMessage());
    }

    @ExceptionHandler(NotATraceException.class)
    ResponseEntity<ProblemDetail> notATrace(NotATraceException e) {
        return Problems.respond(HttpStatus.CONFLICT, Problems.NOT_A_TRACE, "Not a TORCH_TRACE run", e.getMessage());
    }

    @ExceptionHandler(ArchiveException.class)
    ResponseEntity<ProblemDetail> badArchive(ArchiveException e) {
        return Problems.respond(HttpStatus.BAD_REQUEST, Problems.BAD_ARCHIVE, "The archive cannot be used", e.getMessage());
    }

    @ExceptionHandler(NoCodeException.class)
    ResponseEntity<ProblemDetail> noCode(NoCodeException e) {
        return Problems.respond(HttpStatus.CONFLICT, Problems.NO_CODE, "No split module",
                e.getMessage());
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ProblemDetail> noResource(NoResourceFoundException e) {
        return Problems.respond(HttpStatus.NOT_FOUND, Problems.NOT_FOUND, "Not found",
                "no resource at /" + e.getResourcePath());
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ProblemDetail> method(HttpRequestMethodNotSupportedException e) {
        return Problems.respond(HttpStatus.METHOD_NOT_ALLOWED, Problems.METHOD_NOT_ALLOWED,
                "Method not allowed", e.getMessage());
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> badParameter(MethodArgumentTypeMismatchException e) {
        return Problems.response(Problems.badParameter(e));
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ProblemDetail> badRequest(Exception e) {
        return Problems.respond(HttpStatus.BAD_REQUEST, Problems.BAD_REQUEST, "Bad request",
                e.getMessage());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        log.error("unexpected error", e);
        return Problems.respond(HttpStatus.INTERNAL_SERVER_ERROR, Problems.INTERNAL,
                "Internal error", "an unexpected error occurred");
    }
}
