package dev.piecewise.run;

import org.springframework.test.context.ActiveProfilesResolver;

/**
 * The database the API tests run on: H2 in memory by default; PostgreSQL when Maven's postgres-tests profile
 * sets {@code piecewise.test.database=postgres} (it does when PIECEWISE_DB_URL names a server, as in CI).
 */
public class TestDatabase implements ActiveProfilesResolver {

    static boolean isPostgres() {
        return "postgres".equals(System.getProperty("piecewise.test.database"));
    }

    @Override
    public String[] resolve(Class<?> testClass) {
        return isPostgres() ? new String[]{"test", "postgres"} : new String[]{"test"};
    }
}
