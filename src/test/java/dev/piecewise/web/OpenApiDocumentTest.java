package dev.piecewise.web;

import dev.piecewise.run.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The OpenAPI document at /v3/api-docs describes what every operation answers and what create accepts. */
@SpringBootTest
@AutoConfigureMockMvc
@ActiveProfiles(resolver = TestDatabase.class)
class OpenApiDocumentTest {

    @Autowired
    MockMvcTester mvc;

    private JsonNode doc;

    @BeforeEach
    void load() throws Exception {
        doc = JsonMapper.builder().build().readTree(mvc.get().uri("/v3/api-docs").exchange().getResponse()
                .getContentAsString(StandardCharsets.UTF_8));
    }

    private JsonNode operation(String path, String method) {
        JsonNode operation = doc.get("paths").get(path).get(method);
        assertThat(operation).as(method + " " + path).isNotNull();
        return operation;
    }

    /** The schema an operation answers with for a status and media type, with $refs resolved one level. */
    private JsonNode answer(String path, String method, String status, String mediaType) {
        JsonNode response = operation(path, method).get("responses").get(status);
        assertThat(response).as(method + " " + path + " " + status).isNotNull();
        JsonNode content = response.get("content");
        assertThat(content).as(method + " " + path + " " + status + " content").isNotNull();
        JsonNode schema = content.get(mediaType).get("schema");
        assertThat(schema).as(method + " " + path + " " + status + " " + mediaType).isNotNull();
        return schema;
    }

    private JsonNode component(JsonNode schemaRef) {
        String ref = schemaRef.get("$ref").asString();
        return doc.get("components").get("schemas").get(ref.substring(ref.lastIndexOf('/') + 1));
    }

    private List<String> oneOf(JsonNode schema) {
        return schema.get("oneOf").valueStream().map(s -> s.get("$ref").asString()).toList();
    }

    @Test
    void everyOperationDocumentsItsSuccessfulAnswer() {
        JsonNode paths = doc.get("paths");
        paths.propertyNames().forEach(path -> paths.get(path).propertyNames().forEach(method -> {
            JsonNode responses = paths.get(path).get(method).get("responses");
            assertThat(responses.propertyNames().stream().anyMatch(code -> code.startsWith("2")))
                    .as(method + " " + path + " documents a 2xx answer").isTrue();
        }));
        assertThat(oneOf(answer("/api/runs/{id}", "get", "200", "application/json")))
                .containsExactly("#/components/schemas/RunAnswer", "#/components/schemas/RunOverview");
        assertThat(answer("/api/runs/{id}", "get", "200", "text/plain").get("type").asString()).isEqualTo("string");
        assertThat(answer("/api/runs/{id}/code", "get", "200", "text/x-python").get("type").asString()).isEqualTo("string");
        assertThat(answer("/api/runs/{id}/upload", "get", "200", "text/plain").get("type").asString()).isEqualTo("string");
        assertThat(answer("/api/runs/{id}/graphs", "get", "200", "application/json").get("type").asString()).isEqualTo("array");
        assertThat(component(answer("/api/runs", "get", "200", "application/json")).get("properties").has("items")).isTrue();
        assertThat(component(answer("/api/groups/{id}", "get", "200", "application/json")).get("properties").has("runs")).isTrue();
        assertThat(answer("/api/groups/{id}/junit.xml", "get", "200", "application/xml").get("type").asString())
                .isEqualTo("string");
        assertThat(operation("/api/runs/{id}", "delete").get("responses").has("204")).isTrue();
        assertThat(oneOf(answer("/api/runs", "post", "201", "application/json")))
                .containsExactly("#/components/schemas/RunAnswer", "#/components/schemas/RunGroup");
    }

    @Test
    void createTakesAMultipartFormOrTheRawBodyAndSaysSo() {
        JsonNode create = operation("/api/runs", "post");
        JsonNode bodies = create.get("requestBody").get("content");
        assertThat(bodies.propertyNames()).contains("multipart/form-data", "text/plain", "application/json",
                "application/octet-stream", "application/zip", "application/gzip");
        JsonNode multipart = bodies.get("multipart/form-data").get("schema");
        JsonNode form = multipart.has("$ref") ? component(multipart) : multipart;
        assertThat(form.get("properties").get("file").get("format").asString()).isEqualTo("binary");
        assertThat(form.get("properties").has("splittingOps")).isTrue();
        String words = create.get("summary").asString() + " " + create.get("description").asString();
        assertThat(words).contains("multipart").contains("raw body").contains("text/plain").contains("application/json");
    }

    @Test
    void enumsAreDescribedAsTheApiWritesThem() {
        JsonNode summary = doc.get("components").get("schemas").get("Summary").get("properties");
        assertThat(summary.get("outcome").get("enum").valueStream().map(JsonNode::asString))
                .containsExactlyInAnyOrder("ok", "aot-fails", "split-fails", "bad-call");
        assertThat(summary.get("sizeStrategy").get("enum").valueStream().map(JsonNode::asString))
                .contains("decompose", "move-to-consumer", "decompose-list");
    }

    @Test
    void runAnswersHaveLinks() {
        JsonNode links = doc.get("components").get("schemas").get("RunLinks").get("properties");
        assertThat(links.propertyNames()).containsExactlyInAnyOrder("self", "page", "upload", "code");
        for (String answer : List.of("RunAnswer", "RunOverview", "Summary")) {
            assertThat(doc.get("components").get("schemas").get(answer).get("properties").get("links").get("$ref")
                    .asString()).as(answer).isEqualTo("#/components/schemas/RunLinks");
        }
        // A run answer is the stored run with its links: the run's own fields are there too.
        assertThat(doc.get("components").get("schemas").get("RunAnswer").get("properties").propertyNames())
                .contains("id", "verdict", "submodules", "compareGroup");
        JsonNode group = doc.get("components").get("schemas").get("RunGroup").get("properties").get("runs");
        assertThat(group.get("items").get("$ref").asString()).isEqualTo("#/components/schemas/RunAnswer");
    }
}
