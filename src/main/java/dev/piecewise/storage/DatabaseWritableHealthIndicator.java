package dev.piecewise.storage;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.time.Instant;

/**
 * Health component {@code databaseWritable}: DOWN while the database takes no writes (disk full, read-only, closed),
 * proven by really writing one row of {@code health_probe} in a transaction. A read-only check would stay UP.
 */
@Component("databaseWritable")
class DatabaseWritableHealthIndicator implements HealthIndicator {

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;

    DatabaseWritableHealthIndicator(JdbcClient jdbc, TransactionTemplate transaction) {
        this.jdbc = jdbc;
        this.transaction = transaction;
    }

    @Override
    public Health health() {
        try {
            transaction.executeWithoutResult(status -> {
                Timestamp now = Timestamp.from(Instant.now());
                if (jdbc.sql("update health_probe set checked_at = ? where id = 1").param(now).update() == 0) {
                    jdbc.sql("insert into health_probe (id, checked_at) values (1, ?)").param(now).update();
                }
            });
            return Health.up().build();
        } catch (RuntimeException e) {
            return Health.down().withDetail("error", StorageFailures.cause(e)).build();
        }
    }
}
