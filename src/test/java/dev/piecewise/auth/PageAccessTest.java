package dev.piecewise.auth;

import dev.piecewise.fixtures.Fixtures;
import dev.piecewise.run.RunReport;
import dev.piecewise.run.RunRequest;
import dev.piecewise.run.RunService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.anonymous;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/** Every page and API read without and with each role, and who may create, compare, delete and administer. */
@SpringBootTest(properties = "piecewise.auth.enabled=true")
@AutoConfigureMockMvc
@ActiveProfiles("test")
class PageAccessTest {

    private static final String GRAPH = Fixtures.read("moe_view", "graph.txt");

    @Autowired
    MockMvc mvc;

    @Autowired
    RunService runs;

    private String runId;
    private String otherId;

    @BeforeEach
    void twoRuns() {
        RunRequest request = RunRequest.fromParameters(Map.of("splittingOps", "oracle::moe"));
        runId = runs.create(GRAPH.getBytes(StandardCharsets.UTF_8), null, request).id();
        otherId = runs.create(GRAPH.getBytes(StandardCharsets.UTF_8), null, request).id();
    }

    private List<String> reads() {
        return List.of("/", "/runs", "/runs/" + runId, "/runs/" + runId + "/compare", "/runs/" + runId + "/diff/" + otherId,
                "/api/runs", "/api/runs/" + runId, "/api/runs/" + runId + "/code", "/api/runs/" + runId + "/upload",
                "/v3/api-docs");
    }

    private static RequestPostProcessor as(String role) {
        return role.equals("anonymous") ? anonymous() : user(role).roles(role.toUpperCase());
    }

    private int status(MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request).andReturn().getResponse().getStatus();
    }

    @ParameterizedTest
    @ValueSource(strings = {"anonymous", "viewer", "uploader", "admin"})
    void readsNeedAViewer(String role) throws Exception {
        for (String path : reads()) {
            var response = mvc.perform(get(path).with(as(role))).andReturn().getResponse();
            if (role.equals("anonymous")) {
                if (path.startsWith("/api/") || path.startsWith("/v3/")) {
                    assertThat(response.getStatus()).as(path).isEqualTo(401);
                    assertThat(response.getContentType()).as(path).startsWith("application/problem+json");
                } else {
                    assertThat(response.getStatus()).as(path).isEqualTo(302);
                    assertThat(response.getRedirectedUrl()).as(path).endsWith("/login");
                }
            } else {
                assertThat(response.getStatus()).as(path + " as " + role).isEqualTo(200);
            }
        }
        assertThat(status(get("/login").with(as(role)))).isEqualTo(200);
        assertThat(status(get("/actuator/health").with(as(role)))).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"anonymous", "viewer", "uploader", "admin"})
    void uploadersCreateRunsAndComparisons(String role) throws Exception {
        boolean may = role.equals("uploader") || role.equals("admin");
        int expectedApi = role.equals("anonymous") ? 401 : may ? 201 : 403;
        assertThat(status(post("/api/runs?splittingOps=oracle::moe").contentType("text/plain").content(GRAPH).with(as(role))))
                .isEqualTo(expectedApi);
        int expectedPage = role.equals("anonymous") ? 302 : may ? 302 : 403;
        var created = mvc.perform(multipart("/runs").file(new MockMultipartFile("file", "g.txt", "text/plain",
                GRAPH.getBytes(StandardCharsets.UTF_8))).param("splittingOps", "oracle::moe").with(csrf()).with(as(role)))
                .andReturn().getResponse();
        assertThat(created.getStatus()).isEqualTo(expectedPage);
        if (created.getStatus() == 302) {
            assertThat(created.getRedirectedUrl()).as("where the page goes").matches(may ? ".*/runs/[0-9a-f-]{36}" : ".*/login");
        }
        assertThat(status(post("/runs/" + runId + "/compare").with(csrf()).with(as(role)))).isEqualTo(expectedPage);
    }

    @ParameterizedTest
    @ValueSource(strings = {"anonymous", "viewer", "uploader", "admin"})
    void onlyAdminsDeleteAndAdminister(String role) throws Exception {
        boolean admin = role.equals("admin");
        assertThat(status(delete("/api/runs/" + runId).with(as(role)))).isEqualTo(role.equals("anonymous") ? 401 : admin ? 204 : 403);
        assertThat(status(post("/runs/" + otherId + "/delete").with(csrf()).with(as(role))))
                .isEqualTo(role.equals("anonymous") ? 302 : admin ? 302 : 403);
        assertThat(status(get("/admin").with(as(role)))).isEqualTo(role.equals("anonymous") ? 302 : admin ? 200 : 403);
        assertThat(status(get("/api/admin/tokens").with(as(role)))).isEqualTo(role.equals("anonymous") ? 401 : admin ? 200 : 403);
        assertThat(status(get("/actuator/metrics").with(as(role)))).isEqualTo(role.equals("anonymous") ? 401 : admin ? 200 : 403);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/runs/%s/delete", "/runs/%s/compare"})
    void pageFormsWithoutTheCsrfTokenAreRefusedEvenForAdmins(String form) throws Exception {
        var response = mvc.perform(post(form.formatted(runId)).header("Origin", "http://evil.example").with(as("admin")))
                .andReturn().getResponse();
        assertThat(response.getStatus()).isEqualTo(403);
        assertThat(status(get("/api/runs/" + runId).with(as("viewer")))).isEqualTo(200);
    }

    @org.junit.jupiter.api.Test
    void everyPageCarriesTheSecurityHeaders() throws Exception {
        var response = mvc.perform(get("/runs/" + runId).with(as("viewer"))).andReturn().getResponse();
        String csp = response.getHeader("Content-Security-Policy");
        assertThat(csp).contains("script-src 'self'").contains("frame-ancestors 'none'").doesNotContain("unsafe-eval");
        assertThat(csp.replaceAll("style-src[^;]*", "")).doesNotContain("unsafe-inline");
        assertThat(response.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(response.getHeader("X-Frame-Options")).isEqualTo("DENY");
        assertThat(response.getContentAsString()).doesNotContain("<script>").doesNotContainPattern("\\son[a-z]+=");
    }
}
