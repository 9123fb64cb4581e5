package dev.piecewise.run;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Under the upload limit but over the whole work budget (a small heap's budget is below the default limit): a 413
 * that says which limit it met and how to raise it, and nothing stored.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "piecewise.upload.max-size=8MB", "piecewise.limits.work-budget=2MB"})
@ActiveProfiles(resolver = TestDatabase.class)
class UploadOverWorkBudgetTest {

    private static final Map<String, String> MOE = Map.of("splittingOps", "oracle::moe");

    @LocalServerPort
    int port;

    @Autowired
    RunRepository repository;

    @Test
    void aRawBodyOverTheBudgetIs413NamingTheBudgetAndTheHeap() {
        long runsBefore = repository.count();
        assertOverBudget(new HttpApi(port).postRaw(new byte[3 * 1024 * 1024], "text/plain", MOE), runsBefore);
    }

    @Test
    void aMultipartFileOverTheBudgetIs413NamingTheBudgetAndTheHeap() {
        long runsBefore = repository.count();
        assertOverBudget(new HttpApi(port).postMultipart("big.txt", new byte[3 * 1024 * 1024], MOE), runsBefore);
    }

    private void assertOverBudget(HttpApi.Response response, long runsBefore) {
        assertThat(response.status()).as(response.body()).isEqualTo(413);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("type").asString()).endsWith("/upload-too-large");
        assertThat(response.json().get("detail").asString())
                .containsPattern("the request needs 3(\\.0)? MB or more of work memory, over the whole work budget of 2 MB")
                .contains("(piecewise.limits.work-budget")
                .contains("-Xmx").contains(".tar.gz");
        assertThat(repository.count()).isEqualTo(runsBefore);
    }
}
