package dev.piecewise.run;

import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Runs in the relational store (H2 or PostgreSQL, same SQL); lists inside a row are JSON text.
 */
@Repository
public class RunRepository {

    // Lists inside a row are stored as JSON text: node names in fx-json uploads may hold any character.
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };
    private static final TypeReference<List<RunReport.ValueView>> VALUES = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final JdbcTemplate template;

    RunRepository(JdbcClient jdbc, JdbcTemplate template) {
        this.jdbc = jdbc;
        this.template = template;
    }

    /** Stores the upload once per content hash; returns false when it was already there. */
    boolean saveUploadIfAbsent(String sha256, String content, long bytes, Instant now) {
        boolean exists = jdbc.sql("select count(*) from graph_upload where sha256 = ?").param(sha256)
                .query(Integer.class).single() > 0;
        if (!exists) {
            jdbc.sql("insert into graph_upload (sha256, byte_size, content, created_at) values (?, ?, ?, ?)")
                    .params(sha256, bytes, content, Timestamp.from(now)).update();
        }
        return !exists;
    }

    void save(RunReport run) {
        RunReport.Options o = run.options();
        RunReport.Verdict v = run.verdict();
        jdbc.sql("""
                        insert into runs (id, name, created_at, format, graph_sha256, node_count, shapes_known, splitting_ops,
                            size_strategy, getitem_rule, merge_consecutive_splits, merge_empty_allocations, outcome,
                            compilable, error, submodule_count, emission_order, suggestion, graphs_in_upload, graph_index,
                            split_view_same, split_view_differences, compare_group)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(run.id(), run.name(), Timestamp.from(run.createdAt()), run.format(), run.graph().sha256(),
                        run.graph().nodeCount(), run.graph().shapesKnown(), json(o.splittingOps()),
                        o.sizeStrategy(), o.getitemRule(), o.mergeConsecutiveSplits(), o.mergeEmptyAllocations(),
                        v.outcome(), v.compilable(), v.error(), run.submodules().size(),
                        json(run.emissionOrder()), v.suggestion() == null ? null : json(v.suggestion()),
                        run.graph().graphsInUpload(), run.graph().graphIndex(),
                        run.splitView() == null ? null : run.splitView().sameAsRepartition(),
                        run.splitView() == null ? null : json(run.splitView().differences()),
                        run.compareGroup())
                .update();
        if (run.splitView() != null) {
            saveSubmodules("split_view_submodule", run.id(), run.splitView().submodules());
        }
        saveSubmodules("submodule", run.id(), run.submodules());
        batch("insert into crossing (run_id, ordinal, value_name, kind, producer, consumers, kind_guessed) values (?, ?, ?, ?, ?, ?, ?)",
                run.id(), run.crossings(), c -> new Object[]{c.value(), c.kind(), c.producer(),
                        json(c.consumers()), c.kindGuessed()});
        batch("insert into relocation (run_id, ordinal, node, action, into_nodes, from_submod, to_submod) values (?, ?, ?, ?, ?, ?, ?)",
                run.id(), run.relocations(), r -> new Object[]{r.node(), r.action(), json(r.into()),
                        r.from(), r.to()});
        batch("insert into created_node (run_id, ordinal, name, target, kind, submodule) values (?, ?, ?, ?, ?, ?)",
                run.id(), run.createdNodes(), n -> new Object[]{n.name(), n.target(), n.kind(), n.submodule()});
        batch("insert into diagnostic (run_id, ordinal, severity, code, message, node, submodule) values (?, ?, ?, ?, ?, ?, ?)",
                run.id(), run.diagnostics(), d -> new Object[]{d.severity(), d.code(), d.message(), d.node(), d.submodule()});
        batch("insert into problem (run_id, ordinal, submodule, value_name, kind, direction, producer, consumers, error) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                run.id(), v.problems(), p -> new Object[]{p.submodule(), p.value(), p.kind(), p.direction(),
                        p.producer(), json(p.consumers()), p.error()});
    }

    private void saveSubmodules(String table, String runId, List<RunReport.SubmoduleView> submodules) {
        batch("insert into " + table + " (run_id, ordinal, name, graph_id, splitting, nodes, inputs, outputs) "
                        + "values (?, ?, ?, ?, ?, ?, ?, ?)",
                runId, submodules, s -> new Object[]{s.name(), s.graphId(), s.splitting(),
                        json(s.nodes()), json(s.inputs()), json(s.outputs())});
    }

    private List<RunReport.SubmoduleView> loadSubmodules(String table, String runId) {
        return children(table, runId, (rs, n) -> new RunReport.SubmoduleView(
                rs.getString("name"), rs.getInt("graph_id"), rs.getBoolean("splitting"), strings(rs.getString("nodes")),
                values(rs.getString("inputs")), values(rs.getString("outputs"))));
    }

    private <T> void batch(String sql, String runId, List<T> rows, Function<T, Object[]> columns) {
        if (rows.isEmpty()) {
            return;
        }
        List<Object[]> args = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Object[] own = columns.apply(rows.get(i));
            Object[] all = new Object[own.length + 2];
            all[0] = runId;
            all[1] = i;
            System.arraycopy(own, 0, all, 2, own.length);
            args.add(all);
        }
        for (int from = 0; from < args.size(); from += 1000) {
            template.batchUpdate(sql, args.subList(from, Math.min(args.size(), from + 1000)));
        }
    }

    Optional<RunReport> find(String id) {
        Optional<RunRow> row = jdbc.sql("select * from runs where id = ?").param(id).query(RunRepository::runRow).optional();
        return row.map(this::load);
    }

    Optional<String> findUpload(String runId) {
        return jdbc.sql("select g.content from graph_upload g join runs r on r.graph_sha256 = g.sha256 where r.id = ?")
                .param(runId).query(String.class).optional();
    }

    /** Newest first; each filter is ignored when null. The delete of a run cascades to its rows. */
    RunReport.Page page(RunFilter filter, int page, int size) {
        StringBuilder where = new StringBuilder(" where 1 = 1");
        List<Object> params = new ArrayList<>();
        if (filter.nameContains() != null) {
            where.append(" and lower(name) like ? escape '\\'");
            params.add("%" + filter.nameContains().toLowerCase(java.util.Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
        if (filter.outcome() != null) {
            where.append(" and outcome = ?");
            params.add(filter.outcome());
        }
        if (filter.sizeStrategy() != null) {
            where.append(" and size_strategy = ?");
            params.add(filter.sizeStrategy());
        }
        if (filter.createdFrom() != null) {
            where.append(" and created_at >= ?");
            params.add(Timestamp.from(filter.createdFrom().atStartOfDay(java.time.ZoneOffset.UTC).toInstant()));
        }
        if (filter.createdTo() != null) {
            where.append(" and created_at < ?");
            params.add(Timestamp.from(filter.createdTo().plusDays(1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant()));
        }
        long total = jdbc.sql("select count(*) from runs" + where).params(params).query(Long.class).single();
        List<Object> pageParams = new ArrayList<>(params);
        pageParams.add(size);
        pageParams.add((long) page * size);
        List<RunReport.Summary> items = jdbc.sql("select * from runs" + where
                        + " order by created_at desc, id desc limit ? offset ?")
                .params(pageParams)
                .query((rs, n) -> new RunReport.Summary(rs.getString("id"), rs.getString("name"),
                        rs.getTimestamp("created_at").toInstant(), rs.getString("format"), rs.getInt("node_count"),
                        rs.getInt("submodule_count"), rs.getString("outcome"), rs.getBoolean("compilable"),
                        rs.getString("size_strategy"), rs.getString("getitem_rule")))
                .list();
        return new RunReport.Page(items, page, size, total);
    }

    List<String> groupMembers(String group) {
        return jdbc.sql("select id from runs where compare_group = ? order by created_at, id").param(group)
                .query(String.class).list();
    }

    boolean delete(String id) {
        Optional<String> sha = jdbc.sql("select graph_sha256 from runs where id = ?").param(id).query(String.class).optional();
        if (sha.isEmpty()) {
            return false;
        }
        jdbc.sql("delete from runs where id = ?").param(id).update();
        deleteUploadIfUnused(sha.get());
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

    private record RunRow(String id, String name, Instant createdAt, String format, String sha256, int nodeCount,
                          boolean shapesKnown, RunReport.Options options, String outcome,
                          boolean compilable, String error, List<String> emissionOrder, RunReport.Options suggestion,
                          int graphsInUpload, int graphIndex, Boolean splitViewSame, String splitViewDifferences,
                          String compareGroup) {
    }

    private static RunRow runRow(ResultSet rs, int n) throws SQLException {
        return new RunRow(rs.getString("id"), rs.getString("name"), rs.getTimestamp("created_at").toInstant(),
                rs.getString("format"), rs.getString("graph_sha256"), rs.getInt("node_count"),
                rs.getBoolean("shapes_known"),
                new RunReport.Options(strings(rs.getString("splitting_ops")), rs.getString("size_strategy"),
                        rs.getString("getitem_rule"), rs.getBoolean("merge_consecutive_splits"),
                        rs.getBoolean("merge_empty_allocations")),
                rs.getString("outcome"), rs.getBoolean("compilable"), rs.getString("error"),
                strings(rs.getString("emission_order")), options(rs.getString("suggestion")),
                rs.getInt("graphs_in_upload"), rs.getInt("graph_index"), rs.getObject("split_view_same", Boolean.class),
                rs.getString("split_view_differences"), rs.getString("compare_group"));
    }

    private RunReport load(RunRow row) {
        String id = row.id();
        long bytes = jdbc.sql("select byte_size from graph_upload where sha256 = ?").param(row.sha256())
                .query(Long.class).single();
        List<RunReport.SubmoduleView> submodules = loadSubmodules("submodule", id);
        List<RunReport.CrossingView> crossings = children("crossing", id, (rs, n) -> new RunReport.CrossingView(
                rs.getString("value_name"), rs.getString("kind"), rs.getString("producer"),
                strings(rs.getString("consumers")), rs.getBoolean("kind_guessed")));
        List<RunReport.RelocationView> relocations = children("relocation", id, (rs, n) -> new RunReport.RelocationView(
                rs.getString("node"), rs.getString("action"), strings(rs.getString("into_nodes")),
                rs.getString("from_submod"), rs.getString("to_submod")));
        List<RunReport.CreatedNodeView> created = children("created_node", id, (rs, n) -> new RunReport.CreatedNodeView(
                rs.getString("name"), rs.getString("target"), rs.getString("kind"), rs.getString("submodule")));
        List<RunReport.DiagnosticView> diagnostics = children("diagnostic", id, (rs, n) -> new RunReport.DiagnosticView(
                rs.getString("severity"), rs.getString("code"), rs.getString("message"), rs.getString("node"),
                rs.getString("submodule")));
        List<RunReport.ProblemView> problems = children("problem", id, (rs, n) -> new RunReport.ProblemView(
                rs.getString("submodule"), rs.getString("value_name"), rs.getString("kind"), rs.getString("direction"),
                rs.getString("producer"), strings(rs.getString("consumers")), rs.getString("error")));
        return new RunReport(id, row.name(), row.createdAt(), row.format(), row.options(),
                new RunReport.GraphInfo(row.nodeCount(), row.sha256(), bytes, row.shapesKnown(), row.graphsInUpload(),
                        row.graphIndex()), submodules,
                row.emissionOrder(), relocations, crossings, created, diagnostics,
                new RunReport.Verdict(row.outcome(), row.compilable(), row.error(), problems, row.suggestion()),
                row.splitViewSame() == null ? null : new RunReport.SplitViewReport(
                        loadSubmodules("split_view_submodule", id), row.splitViewSame(),
                        strings(row.splitViewDifferences())),
                row.compareGroup());
    }

    private <T> List<T> children(String table, String runId, org.springframework.jdbc.core.RowMapper<T> mapper) {
        return jdbc.sql("select * from " + table + " where run_id = ? order by ordinal").param(runId).query(mapper).list();
    }

    private static String json(Object value) {
        return JSON.writeValueAsString(value);
    }

    private static List<String> strings(String json) {
        return json == null ? List.of() : JSON.readValue(json, STRINGS);
    }

    private static List<RunReport.ValueView> values(String json) {
        return JSON.readValue(json, VALUES);
    }

    private static RunReport.Options options(String json) {
        return json == null ? null : JSON.readValue(json, RunReport.Options.class);
    }
}
