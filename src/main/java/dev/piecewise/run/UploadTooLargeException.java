package dev.piecewise.run;

import dev.piecewise.web.Problems;

/** An upload over the configured limit ({@code piecewise.upload.max-size}). */
public class UploadTooLargeException extends RuntimeException {

    public UploadTooLargeException(long limit) {
        super(Problems.uploadTooLarge(limit, null));
    }
}
