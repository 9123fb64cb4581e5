package dev.piecewise.run;

import dev.piecewise.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.zip.GZIPInputStream;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;

/** The harness-facing web contracts: expect= and 422, text/plain summaries, groups and their JUnit XML. */
@SpringBootTest
@AutoConfigureMockMvc
@ActiveProfiles(resolver = TestDatabase.class)
class HarnessApiMockMvcTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String MOE_VIEW = Fixtures.read("moe_view", "graph.txt");

    @Autowired
    MockMvcTester mvc;

    @Autowired
    JsonMapper apiMapper;

    private MvcTestResult post(String query, String accept) {
        var request = mvc.post().uri("/api/runs" + query).contentType(MediaType.TEXT_PLAIN).content(MOE_VIEW);
        return (accept == null ? request : request.header("Accept", accept)).exchange();
    }

    private static JsonNode json(MvcTestResult result) throws Exception {
        return JSON.readTree(result.getResponse().getContentAsString(StandardCharsets.UTF_8));
    }

    @Test
    void theApisMapperWritesThePartitionRecordsAsJacksonsRecordSerializerDoes() {
        assertThat(apiMapper.writeValueAsString(PartitionRecordsJsonTest.samples()))
                .isEqualTo(PartitionRecordsJsonTest.asRecords(PartitionRecordsJsonTest.samples()));
    }

    @Test
    void aRunThatFailsItsExpectationIs422WithTheStoredRun() throws Exception {
        // expected.json of moe_view: without size handling the graph does not compile.
        MvcTestResult failed = post("?splittingOps=oracle::moe&sizeStrategy=none&expect=compilable", null);
        assertThat(failed).hasStatus(422).hasContentType(MediaType.APPLICATION_JSON);
        JsonNode run = json(failed);
        assertThat(run.get("verdict").get("compilable").asBoolean()).isFalse();
        assertThat(failed.getResponse().getHeader("Location")).isEqualTo("/api/runs/" + run.get("id").asString());
        assertThat(mvc.get().uri("/api/runs/" + run.get("id").asString()).exchange()).hasStatusOk();

        assertThat(post("?splittingOps=oracle::moe&sizeStrategy=none&expect=ok", null)).hasStatus(422);
        assertThat(post("?splittingOps=oracle::moe&expect=compilable", null)).hasStatus(201);
        assertThat(post("?splittingOps=oracle::moe&expect=ok", null)).hasStatus(201);
        assertThat(post("?splittingOps=oracle::moe", null)).hasStatus(201);
    }

    @Test
    void anUnknownExpectationIsABadOption() throws Exception {
        MvcTestResult result = post("?expect=fast", null);
        assertThat(result).hasStatus(400).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(json(result).get("option").asString()).isEqualTo("expect");
        assertThat(json(result).get("detail").asString()).contains("compilable, ok");
    }

    @Test
    void acceptTextPlainGetsOneScreen() throws Exception {
        MvcTestResult result = post("?splittingOps=oracle::moe&sizeStrategy=none", "text/plain");
        assertThat(result).hasStatus(201).hasContentTypeCompatibleWith(MediaType.TEXT_PLAIN);
        String text = result.getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(text).contains("NOT COMPILABLE").contains("aot-fails").contains("size (size)")
                .contains("http://localhost/runs/");
        assertThat(text.split("\n").length).isLessThanOrEqualTo(24);
        String id = text.substring(text.lastIndexOf("/runs/") + "/runs/".length()).trim();
        MvcTestResult again = mvc.get().uri("/api/runs/" + id).header("Accept", "text/plain").exchange();
        assertThat(again).hasStatusOk().bodyText().isEqualTo(text);
        // JSON stays the default, and wins when preferred.
        assertThat(mvc.get().uri("/api/runs/" + id).exchange()).hasContentType(MediaType.APPLICATION_JSON);
        assertThat(mvc.get().uri("/api/runs/" + id).header("Accept", "text/plain;q=0.5, application/json").exchange())
                .hasContentType(MediaType.APPLICATION_JSON);
        assertThat(mvc.get().uri("/api/runs/" + id).header("Accept", "image/png").exchange()).hasStatus(406);
    }

    /** A posted or read run is sent compressed when the client takes gzip, as RFC 9110 reads its Accept-Encoding. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"gzip|true", "x-gzip|true", "gzip;q=0.5, br|true", "*|true", "br, *;q=0.1|true",
            "GZIP ; Q=1|true", "gzip;q=0|false", "gzip; q=0.000|false", "*, gzip;q=0|false", "br, identity|false",
            "*;q=0|false", "''|false"})
    void aPostedRunIsSentCompressedWhenGzipIsAccepted(String acceptEncoding, boolean compressed) throws Exception {
        var request = mvc.post().uri("/api/runs?splittingOps=oracle::moe").contentType(MediaType.TEXT_PLAIN).content(MOE_VIEW);
        MvcTestResult result = (acceptEncoding.isEmpty() ? request : request.header("Accept-Encoding", acceptEncoding))
                .exchange();
        assertThat(result).hasStatus(201).hasContentType(MediaType.APPLICATION_JSON);
        assertThat(result.getResponse().getHeaders("Vary")).contains("Accept-Encoding");
        byte[] body = result.getResponse().getContentAsByteArray();
        assertThat(result.getResponse().getHeader("Content-Encoding")).isEqualTo(compressed ? "gzip" : null);
        byte[] json = compressed ? new GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes() : body;
        JsonNode run = JSON.readTree(json);
        assertThat(run.get("verdict").get("compilable").asBoolean()).isTrue();
        assertThat(json(mvc.get().uri("/api/runs/" + run.get("id").asString()).exchange())).isEqualTo(run);

        // Read back, the run is sent compressed alike, from the stored document.
        var get = mvc.get().uri("/api/runs/" + run.get("id").asString());
        MvcTestResult read = (acceptEncoding.isEmpty() ? get : get.header("Accept-Encoding", acceptEncoding)).exchange();
        assertThat(read).hasStatus(200).hasContentType(MediaType.APPLICATION_JSON);
        assertThat(read.getResponse().getHeaders("Vary")).contains("Accept", "Accept-Encoding");
        assertThat(read.getResponse().getHeader("Content-Encoding")).isEqualTo(compressed ? "gzip" : null);
        byte[] readBody = read.getResponse().getContentAsByteArray();
        assertThat(compressed ? DeflatedTest.inflateOneMember(readBody) : readBody).isEqualTo(json);
    }

    @Test
    void problemsStayJsonWhenTextIsAccepted() {
        MvcTestResult result = mvc.post().uri("/api/runs").contentType(MediaType.TEXT_PLAIN).content("graph():\n  %x = ?")
                .header("Accept", "text/plain").exchange();
        assertThat(result).hasStatus(400).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void aCompareGroupAsJUnitXmlFailsExactlyTheOptionSetsThatDoNotCompile() throws Exception {
        String id = json(post("?splittingOps=oracle::moe", null)).get("id").asString();
        String progress = mvc.post().uri("/runs/" + id + "/compare").with(csrf()).exchange().getResponse()
                .getRedirectedUrl();
        assertThat(progress).startsWith("/comparing/");
        String group = progress.substring("/comparing/".length());

        MvcTestResult result = mvc.get().uri("/api/groups/" + group + "/junit.xml").exchange();
        for (int wait = 0; wait < 300 && result.getResponse().getStatus() == 404; wait++) {
            Thread.sleep(100); // the comparison runs in the background until its runs are stored
            result = mvc.get().uri("/api/groups/" + group + "/junit.xml").exchange();
        }
        assertThat(result).hasStatusOk().hasContentTypeCompatibleWith(MediaType.APPLICATION_XML);
        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(result.getResponse().getContentAsByteArray()));
        Element suite = xml.getDocumentElement();
        assertThat(suite.getTagName()).isEqualTo("testsuite");
        NodeList cases = suite.getElementsByTagName("testcase");
        assertThat(cases.getLength()).isEqualTo(8);
        JsonNode strategies = Fixtures.expected("moe_view").get("strategies");
        Pattern options = Pattern.compile("sizeStrategy=([a-z-]+), getitemRule=([a-z-]+)(, no merge)?]");
        int failures = 0;
        for (int i = 0; i < cases.getLength(); i++) {
            Element testcase = (Element) cases.item(i);
            Matcher m = options.matcher(testcase.getAttribute("name"));
            assertThat(m.find()).as(testcase.getAttribute("name")).isTrue();
            String key = m.group(1) + "|" + m.group(2) + "|" + (m.group(3) == null ? "merge" : "nomerge");
            boolean compilable = strategies.get(key).get("compilable").asBoolean();
            assertThat(testcase.getElementsByTagName("failure").getLength()).as(key).isEqualTo(compilable ? 0 : 1);
            failures += compilable ? 0 : 1;
        }
        assertThat(suite.getAttribute("failures")).isEqualTo(String.valueOf(failures));
        assertThat(suite.getAttribute("tests")).isEqualTo("8");

        MvcTestResult text = mvc.get().uri("/api/groups/" + group).header("Accept", "text/plain").exchange();
        assertThat(text).hasStatusOk().bodyText().contains("8 runs, " + (8 - failures) + " compilable");
        assertThat(mvc.get().uri("/api/groups/no-such-group/junit.xml").exchange()).hasStatus(404)
                .hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
    }
}
