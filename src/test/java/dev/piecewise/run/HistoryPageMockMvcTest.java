package dev.piecewise.run;

import dev.piecewise.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;

/** The history page's contract: groups as one line, formatted numbers, a message when nothing matched. */
@SpringBootTest
@AutoConfigureMockMvc
@ActiveProfiles(resolver = TestDatabase.class)
class HistoryPageMockMvcTest {

    @Autowired
    MockMvcTester mvc;

    private JsonNode post(String text, String query) throws Exception {
        MvcTestResult created = mvc.post().uri("/api/runs" + query).contentType(MediaType.TEXT_PLAIN).content(text).exchange();
        assertThat(created).hasStatus(201);
        return JsonMapper.builder().build().readTree(created.getResponse().getContentAsString(StandardCharsets.UTF_8));
    }

    private String page(String uri) throws Exception {
        MvcTestResult page = mvc.get().uri(uri).exchange();
        assertThat(page).hasStatusOk();
        return page.getResponse().getContentAsString(StandardCharsets.UTF_8);
    }

    @Test
    void nothingMatchedSaysSoAndOffersEveryRun() throws Exception {
        String html = page("/runs?name=" + UUID.randomUUID());
        assertThat(html).contains("No run matches these filters").contains("href=\"/runs\"").doesNotContain("<table");
    }

    @Test
    void numbersAreFormattedAndAComparisonIsOneLineWithItsRuns() throws Exception {
        String tag = "mvc-" + UUID.randomUUID().toString().substring(0, 8);
        String decoder = Fixtures.read(Fixtures.ROOT.resolve("scale/decoder-100-layers.txt"));
        JsonNode big = post(decoder, "?splittingOps=oracle::attn&name=" + tag + "-decoder");
        int nodes = big.get("graph").get("nodeCount").asInt();
        assertThat(nodes).isGreaterThan(999);
        String id = post(Fixtures.read("moe_view", "graph.txt"), "?name=" + tag + "&splittingOps=oracle::moe,test::only_"
                + UUID.randomUUID().toString().replace("-", "")).get("id").asString();
        String progress = mvc.post().uri("/runs/" + id + "/compare").with(csrf()).exchange().getResponse().getRedirectedUrl();
        String group = progress.substring("/comparing/".length());
        for (int wait = 0; wait < 600 && mvc.get().uri("/api/groups/" + group).exchange().getResponse().getStatus() == 404; wait++) {
            Thread.sleep(100); // the comparison runs in the background until its runs are stored
        }

        String html = page("/runs?name=" + tag);
        assertThat(html).contains(String.format(">%,d<", nodes)).contains("9 runs").contains("in 2 lines");
        assertThat(html.split("<tbody class=\"group\"").length - 1).isEqualTo(1);
        assertThat(html).contains("data-group=\"" + group + "\"").contains("8 option sets compared");
        assertThat(html.split("class=\"member\"").length - 1).isEqualTo(8);
        // Filtered, a group shows only its runs that match: moe_view fails without size handling, three option sets.
        String failing = page("/runs?name=" + tag + "&verdict=aot-fails");
        assertThat(failing).contains("0 of 3 compile").contains("3 runs").doesNotContain(tag + "-decoder");
    }
}
