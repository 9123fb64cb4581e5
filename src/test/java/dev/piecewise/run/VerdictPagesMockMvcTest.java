package dev.piecewise.run;

import dev.piecewise.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;

/**
 * The web contracts around the verdict: "not split" in the JSON, "did you mean" for op names written as Python,
 * bad page parameters as a page for browsers and a problem for API clients, the re-run form, file and text together.
 */
@SpringBootTest
@AutoConfigureMockMvc
@ActiveProfiles(resolver = TestDatabase.class)
class VerdictPagesMockMvcTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String MOE_VIEW = Fixtures.read("moe_view", "graph.txt");
    private static final String BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    @Autowired
    MockMvcTester mvc;

    private JsonNode create(String query) throws Exception {
        MvcTestResult result = mvc.post().uri("/api/runs" + query).contentType(MediaType.TEXT_PLAIN).content(MOE_VIEW)
                .exchange();
        assertThat(result).hasStatus(201);
        return json(result);
    }

    private static JsonNode json(MvcTestResult result) throws Exception {
        return JSON.readTree(result.getResponse().getContentAsString(StandardCharsets.UTF_8));
    }

    /**
     * vllm_moe_lm has eight decoder layers, each taking x.size() before its attention and viewing with it after:
     * without a size strategy each of the eight Sizes crosses a cut, so the page traces eight values to their
     * source lines, also those listed below the first problems.
     */
    @Test
    void everyListedProblemIsTracedToItsSourceLine() throws Exception {
        String readable = Fixtures.read("vllm_moe_lm", "readable.py");
        MvcTestResult created = mvc.post().uri("/api/runs?sizeStrategy=none&splittingOps=vllm::unified_attention_with_output,vllm::moe_forward")
                .contentType(MediaType.TEXT_PLAIN).content(readable).exchange();
        assertThat(created).hasStatus(201);
        JsonNode run = json(created);
        assertThat(run.get("verdict").get("problems").size()).isGreaterThan(RunPageController.PROBLEMS_ABOVE_THE_FOLD);
        String page = mvc.get().uri("/runs/" + run.get("id").asString()).accept(MediaType.TEXT_HTML).exchange()
                .getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(page.split("<div class=\"trace\"", -1)).hasSize(8 + 1);
        assertThat(page.split("class=\"where\"", -1).length - 1).isGreaterThanOrEqualTo(8);
    }

    @Test
    void aGraphNoSplittingOpCutsIsNotSplitAndNamesTheCustomOpsItCalls() throws Exception {
        JsonNode verdict = create("").get("verdict");
        // The outcome stays what the API always said; notSplit tells it apart from a real pass.
        assertThat(verdict.get("outcome").asString()).isEqualTo("ok");
        assertThat(verdict.get("notSplit").asBoolean()).isTrue();
        assertThat(verdict.get("splittingOpCandidates").toString()).isEqualTo("[\"oracle::moe\"]");
        assertThat(verdict.get("summary").asString()).startsWith("Not split").contains("oracle::moe");

        MvcTestResult text = mvc.post().uri("/api/runs").contentType(MediaType.TEXT_PLAIN).content(MOE_VIEW)
                .header("Accept", "text/plain").exchange();
        assertThat(text.getResponse().getContentAsString(StandardCharsets.UTF_8).split("\n")[1])
                .startsWith("NOT SPLIT  outcome: ok");

        JsonNode split = create("?splittingOps=oracle::moe").get("verdict");
        assertThat(split.get("notSplit").asBoolean()).isFalse();
        assertThat(split.get("splittingOpCandidates").size()).isZero();
    }

    @Test
    void theNotSplitPageOffersTheRunAtTheCandidateOps() throws Exception {
        String id = create("").get("id").asString();
        MvcTestResult page = mvc.get().uri("/runs/" + id).header("Accept", BROWSER).exchange();
        assertThat(page).hasStatusOk();
        String html = page.getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(html).contains("verdict warn").contains(">not split<").contains("value=\"oracle::moe\"")
                .contains("/runs/" + id + "/rerun");

        MvcTestResult rerun = mvc.post().uri("/runs/" + id + "/rerun").param("splittingOps", "oracle::moe").with(csrf())
                .exchange();
        assertThat(rerun).hasStatus3xxRedirection();
        String newId = rerun.getResponse().getRedirectedUrl().substring("/runs/".length());
        JsonNode run = json(mvc.get().uri("/api/runs/" + newId).exchange());
        assertThat(run.get("options").get("splittingOps").toString()).isEqualTo("[\"oracle::moe\"]");
        assertThat(run.get("submodules").size()).isEqualTo(3);
        assertThat(run.get("verdict").get("notSplit").asBoolean()).isFalse();
        // The rest of the options are the original run's.
        assertThat(run.get("options").get("sizeStrategy").asString()).isEqualTo("decompose");

        MvcTestResult bad = mvc.post().uri("/runs/" + id + "/rerun").param("sizeStrategy", "sideways").with(csrf())
                .header("Accept", BROWSER).exchange();
        assertThat(bad).hasStatus(400);
        assertThat(bad.getResponse().getContentAsString(StandardCharsets.UTF_8)).contains("sideways");
    }

    @Test
    void opNamesWrittenAsPythonAreRefusedWithTheNameMeant() throws Exception {
        for (String[] written : new String[][]{{"torch.ops.oracle.moe", "did you mean oracle::moe?"},
                {"torch.ops.aten.foo.default", "did you mean aten::foo.default?"}}) {
            MvcTestResult result = mvc.post().uri("/api/runs").param("splittingOps", written[0])
                    .contentType(MediaType.TEXT_PLAIN).content(MOE_VIEW).exchange();
            assertThat(result).hasStatus(400).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
            JsonNode problem = json(result);
            assertThat(problem.get("option").asString()).isEqualTo("splittingOps");
            assertThat(problem.get("detail").asString()).contains(written[1]);
        }
    }

    @Test
    void theUploadFormRefusesAnOpWrittenAsPythonWithTheNameMeant() throws Exception {
        MvcTestResult result = mvc.post().uri("/runs").param("text", MOE_VIEW)
                .param("splittingOps", "torch.ops.oracle.moe").with(csrf()).exchange();
        assertThat(result).hasStatus(400);
        assertThat(result.getResponse().getContentAsString(StandardCharsets.UTF_8)).contains("did you mean oracle::moe?");
    }

    @Test
    void aBadPageParameterIsAPageForBrowsersAndAProblemForApiClients() throws Exception {
        String id = create("?splittingOps=oracle::moe").get("id").asString();
        MvcTestResult page = mvc.get().uri("/runs/" + id + "?page=abc").header("Accept", BROWSER).exchange();
        assertThat(page).hasStatus(400).hasContentTypeCompatibleWith(MediaType.TEXT_HTML);
        assertThat(page.getResponse().getContentAsString(StandardCharsets.UTF_8))
                .contains("That address has a bad page").contains("whole number");

        MvcTestResult problem = mvc.get().uri("/runs/" + id + "?page=abc").header("Accept", "application/json").exchange();
        assertThat(problem).hasStatus(400).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(json(problem).get("option").asString()).isEqualTo("page");
    }

    @Test
    void aFileAndPastedTextTogetherAreAskedAboutNotSilentlyChosen() throws Exception {
        MvcTestResult result = mvc.post().uri("/runs").multipart()
                .file(new MockMultipartFile("file", "graph.txt", "text/plain", MOE_VIEW.getBytes(StandardCharsets.UTF_8)))
                .param("text", MOE_VIEW).param("splittingOps", "oracle::moe").with(csrf()).exchange();
        assertThat(result).hasStatus(400);
        assertThat(result.getResponse().getContentAsString(StandardCharsets.UTF_8))
                .contains("Both a file and pasted text were given").contains("graph.txt");
    }
}
