package dev.piecewise.storage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;

/**
 * An upload is stored in its own short transaction before its run; when the run then fails and the database
 * cannot even take the clean-up, the upload stays behind. This removes uploads no run uses, once they are old
 * enough that no request in flight can still be about to use them.
 */
@Component
class OrphanUploadSweeper {

    private static final Logger log = LoggerFactory.getLogger(OrphanUploadSweeper.class);
    static final Duration GRACE = Duration.ofMinutes(10);

    private final JdbcClient jdbc;

    OrphanUploadSweeper(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Scheduled(initialDelay = 60_000, fixedDelay = 600_000)
    void sweepQuietly() {
        try {
            sweep(Instant.now().minus(GRACE));
        } catch (RuntimeException databaseDown) {
            log.debug("orphan upload sweep skipped: {}", databaseDown.getMessage());
        }
    }

    /** @return uploads removed: created before {@code before} and used by no run */
    int sweep(Instant before) {
        int removed = jdbc.sql("delete from graph_upload where created_at < ? and not exists "
                + "(select 1 from runs where runs.graph_sha256 = graph_upload.sha256)").param(Timestamp.from(before)).update();
        if (removed > 0) {
            log.info("removed {} uploads that no run uses", removed);
        }
        return removed;
    }
}
