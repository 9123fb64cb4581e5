package dev.piecewise.run;

import dev.piecewise.partition.GetitemRule;
import dev.piecewise.partition.Outcome;
import dev.piecewise.partition.SizeStrategy;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Runs in the relational store (H2 or PostgreSQL, same SQL): one row per run with the columns the history
 * filters and sorts on, and the run itself as one compressed document ({@link RunDocuments}).
 */
@Repository
public class RunRepository {

    private final JdbcClient jdbc;

    RunRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores the upload, gzip-compressed, once per content hash; returns false when it was already there. */
    public boolean saveUploadIfAbsent(String sha256, String content, long bytes, Instant now) {
        return saveUploadIfAbsent(sha256, content.getBytes(java.nio.charset.StandardCharsets.UTF_8), bytes, now);
    }

    /** @param content the upload's text as UTF-8 */
    public boolean saveUploadIfAbsent(String sha256, byte[] content, long bytes, Instant now) {
        return saveUploadIfAbsent(sha256, content, null, bytes, now);
    }

    /**
     * @param content    the upload's text as UTF-8
     * @param compressed {@code content} as {@link RunDocuments#compress} makes it, when made already; else null
     */
    public boolean saveUploadIfAbsent(String sha256, byte[] content, byte[] compressed, long bytes, Instant now) {
        boolean exists = hasUpload(sha256);
        if (!exists) {
            jdbc.sql("insert into graph_upload (sha256, byte_size, content_gzip, created_at) values (?, ?, ?, ?)")
                    .params(sha256, bytes, compressed != null ? compressed : RunDocuments.compress(content),
                            Timestamp.from(now)).update();
        }
        return !exists;
    }

    public boolean hasUpload(String sha256) {
        return jdbc.sql("select count(*) from graph_upload where sha256 = ?").param(sha256)
                .query(Integer.class).single() > 0;
    }

    /** @param document the run's {@link RunDocument}, encoded */
    public void save(RunReport run, byte[] document) {
        jdbc.sql("""
                        insert into runs (id, name, created_at, format, graph_sha256, node_count, size_strategy,
                            getitem_rule, outcome, compilable, submodule_count, compare_group, document, splitting_ops,
                            merge_consecutive_splits, merge_empty_allocations, not_split)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(run.id(), run.name(), Timestamp.from(run.createdAt()), run.format(), run.graph().sha256(),
                        run.graph().nodeCount(), run.options().sizeStrategy().id(), run.options().getitemRule().id(),
                        run.verdict().outcome().id(), run.verdict().compilable(), run.submodules().size(),
                        run.compareGroup(), document, String.join(" ", run.options().splittingOps()),
                        run.options().mergeConsecutiveSplits(), run.options().mergeEmptyAllocations(),
                        run.verdict().notSplit())
                .update();
    }

    Optional<byte[]> findDocument(String id) {
        return jdbc.sql("select document from runs where id = ?").param(id).query(byte[].class).optional();
    }

    /**
     * What {@code reader} reads of a run's document (gzip JSON), as a stream from the database: one that stops early
     * leaves the rest unread where the database streams it (H2 reads a document over 1 MB from its LOB store as asked;
     * PostgreSQL's driver fetches the whole value). The compare page reads each run's outline, its first few KB.
     * The stream fails as the database does ({@link DataAccessResourceFailureException}), not as a bad document.
     *
     * @return empty when there is no such run
     */
    <T> Optional<T> readDocument(String id, Function<InputStream, T> reader) {
        return jdbc.sql("select document from runs where id = ?").param(id)
                .query((ResultSet rows) -> rows.next()
                        ? Optional.of(reader.apply(new StoredStream(rows.getBinaryStream(1)))) : Optional.<T>empty());
    }

    /** A stored value's stream whose read errors are the database's. */
    static final class StoredStream extends FilterInputStream {

        StoredStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() {
            return (int) orUnreadable(super::read);
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            return (int) orUnreadable(() -> super.read(buffer, offset, length));
        }

        @Override
        public long skip(long n) {
            return orUnreadable(() -> super.skip(n));
        }

        private interface Read {
            long get() throws IOException;
        }

        private static long orUnreadable(Read read) {
            try {
                return read.get();
            } catch (IOException e) {
                throw new DataAccessResourceFailureException("a stored document could not be read", e);
            }
        }
    }

    boolean exists(String id) {
        return jdbc.sql("select count(*) from runs where id = ?").param(id).query(Integer.class).single() > 0;
    }

    Optional<String> findUpload(String runId) {
        return jdbc.sql("select g.content_gzip from graph_upload g join runs r on r.graph_sha256 = g.sha256 where r.id = ?")
                .param(runId).query(byte[].class).optional().map(RunDocuments::decompress);
    }

    /** A filter as SQL: the where clause and its parameters. */
    private record Where(String sql, List<Object> params) {
    }

    private static Where where(RunFilter filter) {
        StringBuilder where = new StringBuilder(" where 1 = 1");
        List<Object> params = new ArrayList<>();
        if (filter.nameContains() != null) {
            where.append(" and lower(name) like ? escape '\\'");
            params.add("%" + filter.nameContains().toLowerCase(java.util.Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
        if (filter.outcome() != null) {
            where.append(" and outcome = ?");
            params.add(filter.outcome().id());
        }
        if (filter.sizeStrategy() != null) {
            where.append(" and size_strategy = ?");
            params.add(filter.sizeStrategy().id());
        }
        if (filter.createdFrom() != null) {
            where.append(" and created_at >= ?");
            params.add(Timestamp.from(filter.createdFrom().atStartOfDay(java.time.ZoneOffset.UTC).toInstant()));
        }
        if (filter.createdTo() != null) {
            where.append(" and created_at < ?");
            params.add(Timestamp.from(filter.createdTo().plusDays(1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant()));
        }
        return new Where(where.toString(), params);
    }

    private static final String SUMMARY_COLUMNS = "id, name, created_at, format, node_count, submodule_count, outcome, "
            + "compilable, size_strategy, getitem_rule, splitting_ops, merge_consecutive_splits, merge_empty_allocations, "
            + "not_split";

    private static RunReport.Summary summary(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new RunReport.Summary(rs.getString("id"), rs.getString("name"),
                rs.getTimestamp("created_at").toInstant(), rs.getString("format"), rs.getInt("node_count"),
                rs.getInt("submodule_count"), Outcome.fromId(rs.getString("outcome")), rs.getBoolean("compilable"),
                SizeStrategy.fromId(rs.getString("size_strategy")), GetitemRule.fromId(rs.getString("getitem_rule")),
                rs.getString("splitting_ops") == null ? null : List.of(rs.getString("splitting_ops").split(" ")),
                rs.getObject("merge_consecutive_splits", Boolean.class),
                rs.getObject("merge_empty_allocations", Boolean.class), rs.getBoolean("not_split"),
                RunLinks.of(rs.getString("id"), Outcome.fromId(rs.getString("outcome"))));
    }

    /** Newest first; each filter is ignored when null. */
    RunReport.Page page(RunFilter filter, int page, int size) {
        Where where = where(filter);
        long total = jdbc.sql("select count(*) from runs" + where.sql()).params(where.params()).query(Long.class).single();
        List<Object> pageParams = new ArrayList<>(where.params());
        pageParams.add(size);
        pageParams.add((long) page * size);
        List<RunReport.Summary> items = jdbc.sql("select " + SUMMARY_COLUMNS + " from runs" + where.sql()
                        + " order by created_at desc, id desc limit ? offset ?")
                .params(pageParams)
                .query((rs, n) -> summary(rs))
                .list();
        return new RunReport.Page(items, page, size, total);
    }

    /**
     * The history page: the runs that match, a group's as one entry (at the time of its newest match), newest
     * first.
     */
    HistoryEntry.Page history(RunFilter filter, int page, int size) {
        Where where = where(filter);
        String entry = "coalesce(compare_group, id)";
        long runs = jdbc.sql("select count(*) from runs" + where.sql()).params(where.params()).query(Long.class).single();
        long total = jdbc.sql("select count(distinct " + entry + ") from runs" + where.sql()).params(where.params())
                .query(Long.class).single();
        List<Object> pageParams = new ArrayList<>(where.params());
        pageParams.add(size);
        pageParams.add((long) page * size);
        List<String> keys = jdbc.sql("select " + entry + " as entry_key, max(created_at) as latest from runs" + where.sql()
                        + " group by " + entry + " order by latest desc, entry_key desc limit ? offset ?")
                .params(pageParams).query((rs, n) -> rs.getString("entry_key")).list();
        if (keys.isEmpty()) {
            return new HistoryEntry.Page(List.of(), page, size, total, runs);
        }
        String in = String.join(", ", java.util.Collections.nCopies(keys.size(), "?"));
        List<Object> memberParams = new ArrayList<>(where.params());
        memberParams.addAll(keys);
        java.util.Map<String, List<RunReport.Summary>> byKey = new java.util.HashMap<>();
        java.util.Map<String, String> groups = new java.util.HashMap<>();
        jdbc.sql("select " + SUMMARY_COLUMNS + ", compare_group from runs" + where.sql() + " and " + entry + " in (" + in
                        + ") order by created_at, id")
                .params(memberParams)
                .query((java.sql.ResultSet rs) -> {
                    String group = rs.getString("compare_group");
                    String key = group != null ? group : rs.getString("id");
                    byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(summary(rs));
                    if (group != null) {
                        groups.put(key, group);
                    }
                });
        java.util.Set<String> comparisons = groups.isEmpty() ? java.util.Set.of() : new java.util.HashSet<>(
                jdbc.sql("select group_id from comparison where group_id in ("
                                + String.join(", ", java.util.Collections.nCopies(groups.size(), "?")) + ")")
                        .params(new ArrayList<Object>(groups.values())).query(String.class).list());
        List<HistoryEntry> entries = keys.stream().map(key -> new HistoryEntry(groups.get(key),
                comparisons.contains(key), byKey.get(key))).toList();
        return new HistoryEntry.Page(entries, page, size, total, runs);
    }

    List<String> groupMembers(String group) {
        return jdbc.sql("select id from runs where compare_group = ? order by created_at, id").param(group)
                .query(String.class).list();
    }

    /** The comparison of a graph and splitting ops ({@link RunService#comparisonKey}), if one was stored. */
    Optional<String> comparisonByKey(String key) {
        return jdbc.sql("select group_id from comparison where graph_key = ?").param(key).query(String.class).optional();
    }

    boolean isComparison(String group) {
        return jdbc.sql("select count(*) from comparison where group_id = ?").param(group).query(Integer.class).single() > 0;
    }

    /** @throws org.springframework.dao.DuplicateKeyException when the same comparison was stored meanwhile */
    void saveComparison(String group, String key, Instant createdAt) {
        jdbc.sql("insert into comparison (group_id, graph_key, created_at) values (?, ?, ?)")
                .params(group, key, Timestamp.from(createdAt)).update();
    }

    /**
     * Puts a run that belongs to no group into one, with its document saying so.
     *
     * @return false when the run is gone or already in a group
     */
    boolean joinGroup(String runId, String group, byte[] document) {
        return jdbc.sql("update runs set compare_group = ?, document = ? where id = ? and compare_group is null")
                .params(group, document, runId).update() == 1;
    }

    boolean delete(String id) {
        List<String[]> row = jdbc.sql("select graph_sha256, compare_group from runs where id = ?").param(id)
                .query((rs, n) -> new String[]{rs.getString(1), rs.getString(2)}).list();
        if (row.isEmpty()) {
            return false;
        }
        String sha = row.get(0)[0];
        String group = row.get(0)[1];
        jdbc.sql("delete from runs where id = ?").param(id).update();
        deleteUploadIfUnused(sha);
        if (group != null) {
            // A comparison whose runs are all gone is forgotten, so comparing that graph again makes it anew.
            jdbc.sql("delete from comparison where group_id = ? and not exists (select 1 from runs where compare_group = ?)")
                    .params(group, group).update();
        }
        return true;
    }

    void deleteUploadIfUnused(String sha256) {
        jdbc.sql("delete from graph_upload where sha256 = ? and not exists (select 1 from runs where graph_sha256 = ?)")
                .params(sha256, sha256).update();
    }

    long count() {
        return jdbc.sql("select count(*) from runs").query(Long.class).single();
    }

    long uploadCount() {
        return jdbc.sql("select count(*) from graph_upload").query(Long.class).single();
    }
}
