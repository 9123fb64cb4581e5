package dev.piecewise.run;

/** An upload over the configured limit ({@code piecewise.upload.max-size}). */
public class UploadTooLargeException extends RuntimeException {

    public UploadTooLargeException(long limit) {
        super("the upload exceeds the limit of " + limit + " bytes (piecewise.upload.max-size)");
    }
}
