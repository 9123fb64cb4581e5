package dev.piecewise.graph.archive;

/** An archive that cannot be read or breaks a limit; the message says which entry and why. */
public class ArchiveException extends RuntimeException {

    public ArchiveException(String message) {
        super(message);
    }

    public ArchiveException(String message, Throwable cause) {
        super(message, cause);
    }
}
