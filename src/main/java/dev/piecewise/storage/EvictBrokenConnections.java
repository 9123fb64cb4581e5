package dev.piecewise.storage;

import com.zaxxer.hikari.SQLExceptionOverride;

import java.sql.SQLException;

/**
 * Tells the connection pool to drop a connection whose database was closed under it (H2 closes itself after an
 * out-of-memory or I/O error in its writer), so the next request opens the database again and the service
 * recovers by itself. Set by {@code spring.datasource.hikari.exception-override-class-name}.
 */
public class EvictBrokenConnections implements SQLExceptionOverride {

    /** H2's codes for a closed database, a file I/O error and an unusable connection. */
    private static final java.util.Set<Integer> H2_BROKEN = java.util.Set.of(90098, 90121, 90028, 90031, 90067, 50000);

    @java.lang.Override
    public Override adjudicate(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && H2_BROKEN.contains(sql.getErrorCode())) {
                return Override.MUST_EVICT;
            }
        }
        return Override.CONTINUE_EVICT;
    }
}
