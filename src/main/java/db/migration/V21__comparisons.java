package db.migration;

import dev.piecewise.run.RunDocuments;
import dev.piecewise.run.RunReport;
import dev.piecewise.run.RunService;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One comparison of option sets per graph and splitting ops ({@link RunService#comparisonKey}), so comparing again
 * finds the group instead of making its runs again; {@code group_id} is the runs' {@code compare_group}.
 * Comparisons stored before are found among the groups: a group whose runs are one graph (upload, format, graph
 * index and splitting ops) under different option sets. Of several comparisons of one graph, the oldest is kept as
 * the comparison; the others stay groups of runs. Plain JDBC, one run at a time, for H2 and PostgreSQL alike.
 */
public class V21__comparisons extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        Connection db = context.getConnection();
        try (Statement ddl = db.createStatement()) {
            ddl.execute("""
                    create table comparison (
                        group_id   varchar(36)              not null primary key,
                        graph_key  varchar(64)              not null unique,
                        created_at timestamp with time zone not null
                    )""");
        }
        Set<String> keys = new HashSet<>();
        for (String group : groupsOldestFirst(db)) {
            List<RunReport> runs = members(db, group);
            Set<String> graphs = new HashSet<>();
            Set<String> choices = new HashSet<>();
            for (RunReport run : runs) {
                graphs.add(RunService.comparisonKey(run.graph().sha256(), run.format(), run.graph().graphIndex(),
                        run.options().splittingOps()));
                RunReport.Options o = run.options();
                choices.add(o.sizeStrategy().id() + "|" + o.getitemRule().id() + "|" + o.mergeConsecutiveSplits() + "|"
                        + o.mergeEmptyAllocations());
            }
            boolean comparison = runs.size() > 1 && graphs.size() == 1 && choices.size() == runs.size();
            if (comparison && keys.add(graphs.iterator().next())) {
                try (PreparedStatement insert = db.prepareStatement(
                        "insert into comparison (group_id, graph_key, created_at) values (?, ?, ?)")) {
                    insert.setString(1, group);
                    insert.setString(2, graphs.iterator().next());
                    insert.setTimestamp(3, Timestamp.from(runs.get(0).createdAt()));
                    insert.executeUpdate();
                }
            }
        }
    }

    private static List<String> groupsOldestFirst(Connection db) throws SQLException {
        List<String> groups = new ArrayList<>();
        try (Statement select = db.createStatement(); ResultSet rs = select.executeQuery(
                "select compare_group, min(created_at) as first_at from runs where compare_group is not null "
                        + "group by compare_group order by first_at, compare_group")) {
            while (rs.next()) {
                groups.add(rs.getString(1));
            }
        }
        return groups;
    }

    /** The group's runs, oldest first: their reports only, the node tables after them are not read. */
    private static List<RunReport> members(Connection db, String group) throws SQLException {
        List<RunReport> runs = new ArrayList<>();
        try (PreparedStatement select = db.prepareStatement(
                "select document from runs where compare_group = ? order by created_at, id")) {
            select.setString(1, group);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    runs.add(RunDocuments.decodeRun(rs.getBytes(1)));
                }
            }
        }
        return runs;
    }
}
