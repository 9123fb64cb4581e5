package dev.piecewise.run;

import dev.piecewise.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/** Work over piecewise.limits.work-timeout is given up: a 503 naming the setting, and nothing stored. */
@SpringBootTest(properties = "piecewise.limits.work-timeout=1ns")
@AutoConfigureMockMvc
@ActiveProfiles("test")
class WorkTimeoutTest {

    @Autowired
    MockMvc mvc;

    @Autowired
    RunRepository repository;

    @Test
    void workOverItsTimeIsGivenUpAndNothingIsStored() throws Exception {
        long before = repository.count();
        var response = mvc.perform(post("/api/runs?splittingOps=oracle::moe").contentType("text/plain")
                .content(Fixtures.read("moe_view", "graph.txt"))).andReturn().getResponse();
        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getHeader("Retry-After")).isNotNull();
        assertThat(response.getContentAsString()).contains("piecewise.limits.work-timeout").contains("work-timeout");
        assertThat(repository.count()).isEqualTo(before);
    }
}
