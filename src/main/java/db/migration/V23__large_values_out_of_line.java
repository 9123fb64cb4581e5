package db.migration;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * On H2, run documents and compressed uploads move from VARBINARY to BLOB. H2 keeps a VARBINARY inside the table's
 * B-tree page, so storing a run copied the page of the run stored before it, document and all, and read it back from
 * the file when it had left the cache: 18 MB read and written again for each million-node run. H2 keeps a BLOB in its
 * LOB store and only a reference in the row. PostgreSQL keeps its bytea columns: it stores large values out of line
 * (TOAST) by itself.
 */
public class V23__large_values_out_of_line extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws SQLException {
        Connection db = context.getConnection();
        if (!"H2".equals(db.getMetaData().getDatabaseProductName())) {
            return;
        }
        try (Statement ddl = db.createStatement()) {
            // Up to 1 MB (an 11k-node run's document is a fifth of that) a BLOB stays in the row, as before: the LOB
            // store's bookkeeping made storing such a run 2 ms slower. A database setting: it outlives the session.
            ddl.execute("set max_length_inplace_lob 1048576");
            // H2 commits each ALTER by itself, and converting a column that is a BLOB already does nothing: a
            // migration that failed after the first column finishes when it runs again.
            ddl.execute("alter table runs alter column document set data type blob");
            ddl.execute("alter table graph_upload alter column content_gzip set data type blob");
        }
    }
}
