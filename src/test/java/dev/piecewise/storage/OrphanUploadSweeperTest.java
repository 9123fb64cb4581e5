package dev.piecewise.storage;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** An upload whose run failed and whose clean-up failed too is removed once no request can still need it. */
@SpringBootTest
@ActiveProfiles("test")
class OrphanUploadSweeperTest {

    @Autowired
    OrphanUploadSweeper sweeper;

    @Autowired
    JdbcClient jdbc;

    private void upload(String sha, Instant createdAt) {
        jdbc.sql("insert into graph_upload (sha256, byte_size, content_gzip, created_at) values (?, 1, ?, ?)")
                .params(sha, new byte[] {'x'}, Timestamp.from(createdAt)).update();
    }

    private boolean exists(String sha) {
        return jdbc.sql("select count(*) from graph_upload where sha256 = ?").param(sha).query(Integer.class).single() > 0;
    }

    @Test
    void oldUnusedUploadsGoRecentOnesStay() {
        Instant now = Instant.now();
        upload("a".repeat(64), now.minus(1, ChronoUnit.HOURS));
        upload("b".repeat(64), now.minus(1, ChronoUnit.MINUTES));
        assertThat(sweeper.sweep(now.minus(OrphanUploadSweeper.GRACE))).isEqualTo(1);
        assertThat(exists("a".repeat(64))).isFalse();
        assertThat(exists("b".repeat(64))).as("an upload a request may be about to use").isTrue();
    }
}
