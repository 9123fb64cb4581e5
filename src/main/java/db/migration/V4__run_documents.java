package db.migration;

import dev.piecewise.graph.ValueKind;
import dev.piecewise.partition.CreatedNode;
import dev.piecewise.partition.Crossing;
import dev.piecewise.partition.Diagnostic;
import dev.piecewise.partition.GetitemRule;
import dev.piecewise.partition.Outcome;
import dev.piecewise.partition.Problem;
import dev.piecewise.partition.ProblemDirection;
import dev.piecewise.partition.Relocation;
import dev.piecewise.partition.RelocationAction;
import dev.piecewise.partition.SizeStrategy;
import dev.piecewise.partition.Submodule;
import dev.piecewise.partition.SubmoduleValue;
import dev.piecewise.run.RunDocument;
import dev.piecewise.run.RunDocuments;
import dev.piecewise.run.RunJson;
import dev.piecewise.run.RunReport;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import tools.jackson.core.type.TypeReference;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs stored row by row in nine tables (V1 to V3) become one gzip document each, beside the columns the history
 * filters and sorts on; uploads are compressed. Every run reads back as the API answered it before. Runs stored
 * this way have no node table (the old schema kept none), so their run page lists nodes by name only.
 * Plain JDBC and one run at a time, so it runs on H2 and PostgreSQL alike and in bounded memory.
 */
public class V4__run_documents extends BaseJavaMigration {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    /** The old rows' value lists: kinds as ids, as the old schema wrote them. */
    private record OldValue(String name, String kind, boolean threaded) {
    }

    private static final TypeReference<List<OldValue>> VALUES = new TypeReference<>() {
    };

    private static final List<String> OLD_TABLES = List.of("split_view_submodule", "submodule", "crossing",
            "relocation", "created_node", "diagnostic", "problem");

    private static final List<String> OLD_COLUMNS = List.of("shapes_known", "splitting_ops",
            "merge_consecutive_splits", "merge_empty_allocations", "error", "emission_order", "suggestion",
            "graphs_in_upload", "graph_index", "split_view_same", "split_view_differences");

    @Override
    public void migrate(Context context) throws Exception {
        Connection db = context.getConnection();
        try (Statement ddl = db.createStatement()) {
            ddl.execute("alter table runs add column document bytea");
            ddl.execute("alter table graph_upload add column content_gzip bytea");
        }
        for (String id : ids(db, "select id from runs order by id")) {
            byte[] document = RunDocuments.encode(new RunDocument(load(db, id), List.of()));
            try (PreparedStatement update = db.prepareStatement("update runs set document = ? where id = ?")) {
                update.setBytes(1, document);
                update.setString(2, id);
                update.executeUpdate();
            }
        }
        for (String sha : ids(db, "select sha256 from graph_upload order by sha256")) {
            String content;
            try (PreparedStatement select = db.prepareStatement("select content from graph_upload where sha256 = ?")) {
                select.setString(1, sha);
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    content = rs.getString(1);
                }
            }
            try (PreparedStatement update = db.prepareStatement("update graph_upload set content_gzip = ? where sha256 = ?")) {
                update.setBytes(1, RunDocuments.compress(content));
                update.setString(2, sha);
                update.executeUpdate();
            }
        }
        try (Statement ddl = db.createStatement()) {
            for (String table : OLD_TABLES) {
                ddl.execute("drop table " + table);
            }
            for (String column : OLD_COLUMNS) {
                ddl.execute("alter table runs drop column " + column);
            }
            ddl.execute("alter table graph_upload drop column content");
            ddl.execute("alter table runs alter column document set not null");
            ddl.execute("alter table graph_upload alter column content_gzip set not null");
        }
    }

    private static List<String> ids(Connection db, String sql) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Statement select = db.createStatement(); ResultSet rs = select.executeQuery(sql)) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    private interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private static <T> List<T> rows(Connection db, String sql, String id, Row<T> row) throws SQLException {
        List<T> rows = new ArrayList<>();
        try (PreparedStatement select = db.prepareStatement(sql)) {
            select.setString(1, id);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    rows.add(row.map(rs));
                }
            }
        }
        return rows;
    }

    /** The run as V3's repository read it. */
    private static RunReport load(Connection db, String id) throws SQLException {
        List<Problem> problems = rows(db, "select * from problem where run_id = ? order by ordinal", id, rs -> new Problem(
                rs.getString("submodule"), rs.getString("value_name"), kind(rs.getString("kind")),
                direction(rs.getString("direction")), rs.getString("producer"), strings(rs.getString("consumers")),
                rs.getString("error")));
        RunReport run = rows(db, "select r.*, g.byte_size from runs r join graph_upload g on g.sha256 = r.graph_sha256 "
                + "where r.id = ?", id, rs -> {
            RunReport.Options options = new RunReport.Options(strings(rs.getString("splitting_ops")),
                    SizeStrategy.fromId(rs.getString("size_strategy")), GetitemRule.fromId(rs.getString("getitem_rule")),
                    rs.getBoolean("merge_consecutive_splits"), rs.getBoolean("merge_empty_allocations"));
            String suggestion = rs.getString("suggestion");
            RunReport.Verdict verdict = new RunReport.Verdict(Outcome.fromId(rs.getString("outcome")),
                    rs.getBoolean("compilable"), rs.getString("error"), problems,
                    suggestion == null ? null : suggestion(suggestion), false, List.of());
            Boolean same = rs.getObject("split_view_same", Boolean.class);
            return new RunReport(id, rs.getString("name"), rs.getTimestamp("created_at").toInstant(),
                    rs.getString("format"), options,
                    new RunReport.GraphInfo(rs.getInt("node_count"), rs.getString("graph_sha256"), rs.getLong("byte_size"),
                            rs.getBoolean("shapes_known"), rs.getInt("graphs_in_upload"), rs.getInt("graph_index")),
                    List.of(), strings(rs.getString("emission_order")), List.of(), List.of(), List.of(), List.of(),
                    verdict, same == null ? null
                    : new RunReport.SplitViewReport(List.of(), same, strings(rs.getString("split_view_differences"))),
                    rs.getString("compare_group"), null);
        }).get(0);
        return new RunReport(id, run.name(), run.createdAt(), run.format(), run.options(), run.graph(),
                submodules(db, "submodule", id), run.emissionOrder(),
                rows(db, "select * from relocation where run_id = ? order by ordinal", id, rs -> new Relocation(
                        rs.getString("node"), action(rs.getString("action")), strings(rs.getString("into_nodes")),
                        rs.getString("from_submod"), rs.getString("to_submod"))),
                rows(db, "select * from crossing where run_id = ? order by ordinal", id, rs -> new Crossing(
                        rs.getString("value_name"), kind(rs.getString("kind")), rs.getString("producer"),
                        strings(rs.getString("consumers")), rs.getBoolean("kind_guessed"))),
                rows(db, "select * from created_node where run_id = ? order by ordinal", id, rs -> new CreatedNode(
                        rs.getString("name"), rs.getString("target"), kind(rs.getString("kind")),
                        rs.getString("submodule"))),
                rows(db, "select * from diagnostic where run_id = ? order by ordinal", id, rs -> new Diagnostic(
                        severity(rs.getString("severity")), rs.getString("code"), rs.getString("message"),
                        rs.getString("node"), rs.getString("submodule"))),
                run.verdict(),
                run.splitView() == null ? null : new RunReport.SplitViewReport(
                        submodules(db, "split_view_submodule", id), run.splitView().sameAsRepartition(),
                        run.splitView().differences()),
                run.compareGroup(), null);
    }

    private static List<Submodule> submodules(Connection db, String table, String id) throws SQLException {
        return rows(db, "select * from " + table + " where run_id = ? order by ordinal", id, rs -> new Submodule(
                rs.getString("name"), rs.getInt("graph_id"), rs.getBoolean("splitting"), strings(rs.getString("nodes")),
                values(rs.getString("inputs")), values(rs.getString("outputs"))));
    }

    private static List<String> strings(String json) {
        return json == null ? List.of() : RunJson.MAPPER.readValue(json, STRINGS);
    }

    private static List<SubmoduleValue> values(String json) {
        return RunJson.MAPPER.readValue(json, VALUES).stream()
                .map(v -> new SubmoduleValue(v.name(), ValueKind.fromId(v.kind()), v.threaded())).toList();
    }

    /** V3 stored a suggestion as the options' JSON with ids, which the run module reads as it writes them. */
    private static RunReport.Options suggestion(String json) {
        return RunJson.MAPPER.readValue(json, RunReport.Options.class);
    }

    private static ValueKind kind(String id) {
        return id == null ? null : ValueKind.fromId(id);
    }

    private static ProblemDirection direction(String id) {
        return RunJson.MAPPER.convertValue(id, ProblemDirection.class);
    }

    private static RelocationAction action(String id) {
        return RunJson.MAPPER.convertValue(id, RelocationAction.class);
    }

    private static Diagnostic.Severity severity(String id) {
        return RunJson.MAPPER.convertValue(id, Diagnostic.Severity.class);
    }
}
