package dev.piecewise.run;

import dev.piecewise.fixtures.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The pages in a real headless Chromium (Debian's chromium and chromium-driver), against the service on a
 * random port. Screenshots go to target/screenshots for review.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles(resolver = TestDatabase.class)
class RunPagesBrowserTest {

    private static final Path SCREENSHOTS = Path.of("target/screenshots");
    private static ChromeDriver browser;
    private static Path profile;

    @LocalServerPort
    int port;

    @BeforeAll
    static void startBrowser() throws IOException {
        // CI installs Debian's chromium and chromium-driver (.ci/run); on a machine without them these tests skip.
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/chromium"))
                && Files.isExecutable(Path.of("/usr/bin/chromedriver")), "Debian's chromium and chromium-driver are not installed");
        profile = Files.createTempDirectory("chromium-profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().window().setSize(new Dimension(1280, 1000));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    private static void screenshot(String name) throws IOException {
        for (int width : List.of(1280, 390)) {
            browser.manage().window().setSize(new Dimension(width, 1000));
            Files.write(SCREENSHOTS.resolve(name + "-" + width + ".png"), browser.getScreenshotAs(OutputType.BYTES));
        }
        browser.manage().window().setSize(new Dimension(1280, 1000));
    }

    private static void fill(String id, String text) {
        WebElement field = browser.findElement(By.id(id));
        field.clear();
        // JavaScript sets long texts at once; typing them key by key is slow.
        browser.executeScript("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'));", field, text);
    }

    private static void waitForUrl(String part) {
        new org.openqa.selenium.support.ui.WebDriverWait(browser, java.time.Duration.ofSeconds(30))
                .until(d -> d.getCurrentUrl().contains(part));
    }

    private JsonNode createRun(String fixture, String file, Map<String, String> options) {
        return new HttpApi(port).postMultipart(file, Fixtures.read(fixture, file).getBytes(StandardCharsets.UTF_8), options).json();
    }

    @Test
    void uploadByFileShowsTheNewRun() throws IOException {
        browser.get(url("/"));
        assertThat(browser.getTitle()).contains("Upload");
        assertThat(browser.findElement(By.id("splittingOps")).getAttribute("value")).contains("vllm::unified_attention_with_output");
        browser.findElement(By.id("file")).sendKeys(Fixtures.TORCH.resolve("moe_view/graph.txt").toAbsolutePath().toString());
        fill("splittingOps", "oracle::moe");
        screenshot("upload");
        browser.findElement(By.cssSelector("button[value=partition]")).click();
        waitForUrl("/runs/"); // the upload and redirect may take a moment on a loaded machine
        assertThat(browser.findElement(By.cssSelector("#verdict .verdict")).getText()).isEqualTo("ok");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("graph.txt");
        assertThat(browser.findElements(By.cssSelector("svg.diagram g.box"))).hasSize(3);
        screenshot("run-moe-view");
    }

    @Test
    void aTraceUploadListsItsGraphsAndPartitionsTheChosenOne() throws IOException {
        browser.get(url("/"));
        browser.findElement(By.id("file")).sendKeys(Fixtures.ROOT.resolve("traces/trace_graph_break.log").toAbsolutePath()
                .toString());
        new org.openqa.selenium.support.ui.WebDriverWait(browser, java.time.Duration.ofSeconds(10)).until(d ->
                d.findElement(By.id("detected")).getText().startsWith("torch-trace"));
        assertThat(browser.findElement(By.id("detected")).getText()).contains("2 graphs (0/0, 1/0)");
        fill("compileId", "1/0");
        screenshot("upload-trace");
        browser.findElement(By.cssSelector("button[value=partition]")).click();
        waitForUrl("/runs/");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("trace_graph_break.log 1/0");
        String diagnostics = browser.findElement(By.cssSelector("ul.diagnostics")).getText();
        // The form's prefilled vLLM defaults count as no choice: the log's own vLLM config applies.
        assertThat(diagnostics).contains("vllm_compilation_config").contains("resumes after the graph break")
                .contains("0/0, 1/0");
        screenshot("run-trace");
    }

    @Test
    void uploadByPasteDetectsTheFormatAndKeepsTheTextOnError() throws IOException {
        browser.get(url("/"));
        String broken = Fixtures.read("moe_view", "graph.txt").replace("%router)", "%nope)");
        fill("text", broken);
        assertThat(browser.findElement(By.id("detected")).getText()).startsWith("fx-text");
        browser.findElement(By.cssSelector("button[value=partition]")).click();
        WebElement error = new org.openqa.selenium.support.ui.WebDriverWait(browser, java.time.Duration.ofSeconds(10))
                .until(d -> d.findElements(By.id("upload-error")).stream().findFirst().orElse(null));
        assertThat(error.getText()).contains("line 8").contains("column").contains("nope");
        assertThat(browser.findElement(By.id("text")).getAttribute("value")).isEqualTo(broken.replace("\r", ""));
        screenshot("upload-error");

        fill("text", Fixtures.read("moe_view", "graph.txt"));
        fill("splittingOps", "oracle::moe");
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("sizeStrategy"))).selectByValue("none");
        browser.findElement(By.cssSelector("button[value=partition]")).click();
        waitForUrl("/runs/"); // the form page stays up until the run's page replaces it
        assertThat(browser.findElement(By.cssSelector("#verdict .verdict")).getText()).isEqualTo("aot-fails");
        assertThat(browser.findElement(By.id("verdict")).getText()).contains("submod_0").contains("output spec mismatch");
    }

    /** Whether an element's box lies within the first screen of the page, as loaded. */
    private static boolean aboveTheFold(WebElement element) {
        Number bottom = (Number) browser.executeScript(
                "const r = arguments[0].getBoundingClientRect(); return r.bottom + window.scrollY;", element);
        Number screen = (Number) browser.executeScript("return window.innerHeight;");
        return element.isDisplayed() && bottom.doubleValue() <= screen.doubleValue();
    }

    @Test
    void aGraphNoSplittingOpCutsIsNotSplitAndOneClickSplitsIt() throws IOException {
        // moe_view without splittingOps: vLLM's default ops match nothing, so there is one piece and nothing to check.
        JsonNode run = createRun("moe_view", "graph.txt", Map.of());
        browser.get(url("/runs/" + run.get("id").asString()));
        WebElement verdict = browser.findElement(By.id("verdict"));
        assertThat(verdict.getAttribute("class")).contains("warn").doesNotContain("ok");
        assertThat(verdict.findElement(By.cssSelector(".verdict")).getText()).isEqualTo("not split");
        assertThat(verdict.findElement(By.cssSelector("#rerun-splitting input[name=splittingOps]")).getAttribute("value"))
                .isEqualTo("oracle::moe");
        assertThat(aboveTheFold(verdict.findElement(By.cssSelector("#rerun-splitting button")))).isTrue();
        assertThat(browser.findElement(By.id("options")).getText()).contains("vLLM's defaults (15)")
                .contains("decompose").contains("mergeEmptyAllocations");
        screenshot("run-not-split");

        browser.findElement(By.cssSelector("#rerun-splitting button")).click();
        new org.openqa.selenium.support.ui.WebDriverWait(browser, java.time.Duration.ofSeconds(10))
                .until(d -> !d.getCurrentUrl().contains(run.get("id").asString()));
        assertThat(browser.findElement(By.cssSelector("#verdict .verdict")).getText()).isEqualTo("ok");
        assertThat(browser.findElement(By.id("submodule-count")).getText()).isEqualTo("3 submodules");
        assertThat(browser.findElement(By.id("options")).getText()).contains("oracle::moe");
        screenshot("run-not-split-rerun");
    }

    @Test
    void aFailingMoeDumpShowsWhatCrossesFromWhichLineAndTheRunThatCompiles() throws IOException {
        // print_readable() output carries "# File: make_oracle.py:112 in forward, code: orig_shape = x.shape".
        JsonNode run = createRun("moe_view", "readable.py", Map.of("splittingOps", "oracle::moe", "sizeStrategy", "none"));
        browser.get(url("/runs/" + run.get("id").asString()));
        WebElement verdict = browser.findElement(By.id("verdict"));
        assertThat(verdict.findElement(By.cssSelector(".verdict")).getText()).isEqualTo("aot-fails");
        WebElement producer = verdict.findElement(By.cssSelector(".trace .producer"));
        assertThat(producer.getText()).contains("size").contains("submod_0").contains("[s77, 32]")
                .contains("make_oracle.py:112 in forward").contains("orig_shape = x.shape");
        WebElement consumer = verdict.findElement(By.cssSelector(".trace .consumer"));
        assertThat(consumer.getText()).contains("view_1").contains("submod_2")
                .contains("make_oracle.py:117 in forward").contains("return out.view(orig_shape)");
        WebElement compiles = browser.findElement(By.cssSelector("#suggestion button"));
        assertThat(compiles.getText()).contains("sizeStrategy=decompose");
        assertThat(browser.findElement(By.id("suggestion")).getText()).contains("vLLM today").contains("PR #36038");
        assertThat(browser.findElement(By.cssSelector("#suggestion a")).getAttribute("href"))
                .isEqualTo("https://github.com/vllm-project/vllm/pull/36038");
        for (int width : List.of(1280, 390)) {
            browser.manage().window().setSize(new Dimension(width, 1000));
            for (WebElement shown : List.of(verdict.findElement(By.cssSelector(".problems li b")), producer, consumer, compiles)) {
                assertThat(aboveTheFold(shown)).as(width + " px: " + shown.getText()).isTrue();
            }
        }
        browser.manage().window().setSize(new Dimension(1280, 1000));
        assertThat(browser.findElement(By.id("options")).getText()).contains("none").contains("vLLM before the fix");
        screenshot("run-moe-failing-with-source");

        // The offending node's row is highlighted in its submodule, and the trace links to it.
        producer.findElement(By.cssSelector("a")).click();
        waitForUrl("#node-size");
        WebElement row = browser.findElement(By.id("node-size"));
        assertThat(row.getAttribute("class")).contains("offending");
        assertThat(row.isDisplayed()).isTrue();
        assertThat(browser.findElement(By.id("node-view_1")).getAttribute("class")).contains("offending");

        browser.findElement(By.cssSelector("#suggestion button")).click();
        new org.openqa.selenium.support.ui.WebDriverWait(browser, java.time.Duration.ofSeconds(10))
                .until(d -> !d.getCurrentUrl().contains(run.get("id").asString()));
        assertThat(browser.findElement(By.cssSelector("#verdict .verdict")).getText()).isEqualTo("ok");
        assertThat(browser.findElement(By.id("options")).getText()).contains("decompose").contains("oracle::moe");
        screenshot("run-moe-suggestion-run");
    }

    @Test
    void aLogOfSeveralGraphsSaysWhichOneAndRunsTheOthers() throws IOException {
        byte[] log = Fixtures.read(Fixtures.ROOT.resolve("formats/torch-2.11-TORCH_LOGS-graph_code.log"))
                .getBytes(StandardCharsets.UTF_8);
        JsonNode run = new HttpApi(port).postMultipart("dynamo.log", log, Map.of("splittingOps", "oracle::moe")).json();
        browser.get(url("/runs/" + run.get("id").asString()));
        WebElement graphs = browser.findElement(By.id("graphs-in-upload"));
        assertThat(graphs.getText()).contains("Graph 1 of 2");
        graphs.findElement(By.cssSelector("button")).click();
        new org.openqa.selenium.support.ui.WebDriverWait(browser, java.time.Duration.ofSeconds(10))
                .until(d -> !d.getCurrentUrl().contains(run.get("id").asString()));
        assertThat(browser.findElement(By.id("graphs-in-upload")).getText()).contains("Graph 2 of 2");
        screenshot("run-graph-2-of-2");
    }

    @Test
    void repeatedDiagnosticsAreOneLineWithACount() throws IOException {
        // print_readable() output of a vLLM MoE model: split_module threads s77 into most submodules, one
        // threaded-shape-symbols diagnostic each.
        JsonNode run = createRun("vllm_moe_lm", "readable.py",
                Map.of("splittingOps", "vllm::unified_attention_with_output, vllm::moe_forward"));
        long threaded = java.util.stream.StreamSupport.stream(run.get("diagnostics").spliterator(), false)
                .filter(d -> d.get("code").asString().equals("threaded-shape-symbols")).count();
        assertThat(threaded).isGreaterThan(2);
        browser.get(url("/runs/" + run.get("id").asString()));
        List<WebElement> lines = browser.findElements(By.cssSelector("ul.diagnostics li"));
        assertThat(lines.size()).isLessThan(run.get("diagnostics").size());
        long counted = lines.stream().mapToLong(li -> li.findElements(By.cssSelector(".count-badge")).isEmpty() ? 1
                : Long.parseLong(li.findElement(By.cssSelector(".count-badge")).getText().substring(1))).sum();
        assertThat(counted).isEqualTo(run.get("diagnostics").size());
        WebElement grouped = lines.stream().filter(li -> li.getText().contains("threaded-shape-symbols")).findFirst().orElseThrow();
        assertThat(grouped.getText()).contains("×" + threaded);
        // "vLLM PR #35251" in the message is a link to the pull request.
        assertThat(grouped.findElement(By.cssSelector("a")).getAttribute("href"))
                .isEqualTo("https://github.com/vllm-project/vllm/pull/35251");
        screenshot("run-diagnostics-grouped");
    }

    @Test
    void theUploadFormAsksWhichOfAFileAndPastedTextToUseAndSaysItIsWorking() throws IOException {
        browser.get(url("/"));
        browser.findElement(By.id("file")).sendKeys(Fixtures.TORCH.resolve("moe_view/graph.txt").toAbsolutePath().toString());
        fill("text", "graph():\n    return ()");
        fill("splittingOps", "oracle::moe");
        browser.findElement(By.cssSelector("button[value=partition]")).click();
        assertThat(browser.switchTo().alert().getText()).contains("graph.txt").contains("pasted text");
        browser.switchTo().alert().accept(); // the file
        waitForUrl("/runs/");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("graph.txt");
        assertThat(browser.findElement(By.id("submodule-count")).getText()).isEqualTo("3 submodules");

        // While the request runs, the buttons are disabled and the page says what it is doing.
        browser.get(url("/"));
        fill("text", Fixtures.read("moe_view", "graph.txt"));
        browser.executeScript("document.querySelector('form.upload').addEventListener('submit', function (e) {"
                + " window.setTimeout(function () { window.seen = [document.querySelector('button[value=partition]').disabled,"
                + " document.getElementById('progress').textContent]; }, 0); e.preventDefault(); });");
        browser.findElement(By.cssSelector("button[value=partition]")).click();
        new org.openqa.selenium.support.ui.WebDriverWait(browser, java.time.Duration.ofSeconds(5))
                .until(d -> browser.executeScript("return window.seen") != null);
        @SuppressWarnings("unchecked")
        List<Object> seen = (List<Object>) browser.executeScript("return window.seen");
        assertThat(seen.get(0)).isEqualTo(true);
        assertThat((String) seen.get(1)).startsWith("Sending the graph and partitioning");
    }

    @Test
    void historyFiltersAndPaginates() throws IOException {
        String tag = "page-" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 22; i++) {
            createRun("moe_view", "graph.txt", Map.of("splittingOps", "oracle::moe", "name", tag + "-" + i,
                    "sizeStrategy", i == 0 ? "none" : "decompose"));
        }
        browser.get(url("/runs?name=" + tag));
        assertThat(browser.findElements(By.cssSelector("table.runs tbody tr"))).hasSize(20);
        assertThat(browser.findElement(By.cssSelector("table.runs tbody tr a")).getText()).isEqualTo(tag + "-21");
        screenshot("history");
        browser.findElement(By.cssSelector("a[rel=next]")).click();
        waitForUrl("page=1");
        assertThat(browser.findElements(By.cssSelector("table.runs tbody tr a")).stream().map(WebElement::getText))
                .containsExactly(tag + "-1", tag + "-0");

        browser.get(url("/runs"));
        browser.findElement(By.name("name")).sendKeys(tag);
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.name("verdict"))).selectByValue("aot-fails");
        browser.findElement(By.cssSelector("form.filters button")).click();
        waitForUrl("verdict=aot-fails");
        assertThat(browser.findElements(By.cssSelector("table.runs tbody tr a")).stream().map(WebElement::getText))
                .containsExactly(tag + "-0");
    }

    @Test
    void runPageOfAVllmModelShowsEverySubmoduleAndTheVerdict() throws IOException {
        JsonNode run = createRun("vllm_moe_lm", "graph.txt",
                Map.of("splittingOps", "vllm::unified_attention_with_output, vllm::moe_forward", "sizeStrategy", "none"));
        browser.get(url("/runs/" + run.get("id").asString()));
        assertThat(browser.findElement(By.id("submodule-count")).getText()).isEqualTo("33 submodules");
        assertThat(browser.findElements(By.cssSelector("details.submodule"))).hasSize(33);
        assertThat(browser.findElements(By.cssSelector("svg.diagram g.box"))).hasSize(33);
        assertThat(browser.findElements(By.cssSelector("svg.diagram g.box.splitting"))).hasSize(16);
        assertThat(browser.findElements(By.cssSelector("svg.diagram path.edge.bad"))).isNotEmpty();
        assertThat(browser.findElement(By.cssSelector("#verdict .verdict")).getText()).isEqualTo("aot-fails");
        assertThat(browser.findElement(By.cssSelector("#suggestion button")).getText()).contains("sizeStrategy=decompose");
        screenshot("run-vllm-moe-lm");
    }

    @Test
    void largeRunsPageTheirSubmodules() throws IOException {
        byte[] decoder = Fixtures.read(Fixtures.ROOT.resolve("scale/decoder-100-layers.txt")).getBytes(StandardCharsets.UTF_8);
        JsonNode run = new HttpApi(port).postRaw(decoder, "text/plain", Map.of("splittingOps", "oracle::attn")).json();
        int submodules = run.get("submodules").size();
        assertThat(submodules).isGreaterThan(80);
        browser.get(url("/runs/" + run.get("id").asString()));
        assertThat(browser.findElements(By.cssSelector("details.submodule"))).hasSize(40);
        browser.findElement(By.cssSelector("nav[aria-label='Submodule pages'] a[rel=next]")).click();
        waitForUrl("page=1");
        assertThat(browser.findElement(By.cssSelector("nav[aria-label='Submodule pages'] span")).getText())
                .isEqualTo("Submodules 41 to 80 of " + submodules);
        assertThat(browser.findElements(By.cssSelector("details.submodule")).get(0).getAttribute("id"))
                .isEqualTo(run.get("submodules").get(40).get("name").asString());
        screenshot("run-decoder-100-layers");
    }

    /**
     * vllm_moe_lm has 8 layers cut at attention and MoE (see RepeatedPiecesTest): the piece after each attention
     * is one graph 8 times, the piece between MoE and the next attention 7 times; with the first and the last
     * piece that is 4 distinct compiled graphs, and 16 splitting pieces that each name their own layer.
     */
    @Test
    void identicalPiecesAreGroupedAndTheDiagramReadsLeftToRight() throws IOException {
        JsonNode run = createRun("vllm_moe_lm", "graph.txt",
                Map.of("splittingOps", "vllm::unified_attention_with_output, vllm::moe_forward"));
        browser.get(url("/runs/" + run.get("id").asString()));
        assertThat(browser.findElement(By.id("distinct-pieces")).getText()).startsWith("Distinct pieces: 20 of 33")
                .contains("vLLM compiles 4 distinct graphs for its 17 compiled pieces");
        // After attention: o_proj, residual add, norm, the Size's sym_size, view, router (6 nodes); between MoE and
        // the next attention: view, add, norm, qkv, split, q/k/v getitems, unsqueeze, rotary mul, empty_like (11).
        assertThat(browser.findElements(By.cssSelector("ul.groups li")).stream().map(WebElement::getText))
                .containsExactly("submod_2, 6, 10, …, 30: 8 × the same graph (6 nodes, hash "
                                + run.get("repetition").get("groups").get(0).get("hash").asString() + ")",
                        "submod_4, 8, 12, …, 28: 7 × the same graph (11 nodes, hash "
                                + run.get("repetition").get("groups").get(1).get("hash").asString() + ")");
        assertThat(browser.findElement(By.cssSelector("#submod_6 summary")).getText()).contains("×8 same graph");

        // Boxes of one size in one row, in call order; every edge above them, ending at a point of its own.
        List<WebElement> rects = browser.findElements(By.cssSelector("svg.diagram g.box rect"));
        assertThat(rects).hasSize(33);
        double top = Double.parseDouble(rects.get(0).getAttribute("y"));
        double previousX = -1;
        for (WebElement rect : rects) {
            assertThat(Double.parseDouble(rect.getAttribute("y"))).isEqualTo(top);
            assertThat(rect.getAttribute("width")).isEqualTo(rects.get(0).getAttribute("width"));
            assertThat(Double.parseDouble(rect.getAttribute("x"))).isGreaterThan(previousX);
            previousX = Double.parseDouble(rect.getAttribute("x"));
        }
        assertThat(browser.findElements(By.cssSelector("svg.diagram g.box text.name")).stream().map(WebElement::getText)
                .toList()).isEqualTo(Fixtures.strings(run.get("emissionOrder")));
        List<WebElement> edges = browser.findElements(By.cssSelector("svg.diagram path.edge"));
        assertThat(edges).isNotEmpty();
        java.util.Set<String> arrowheads = new java.util.HashSet<>();
        for (WebElement edge : edges) {
            // M x1,top V lane H x2 V top-1
            String[] d = edge.getAttribute("d").split("[ MVH,]+");
            assertThat(Double.parseDouble(d[3])).as("lane above the boxes").isLessThan(top);
            arrowheads.add(d[4]);
        }
        assertThat(arrowheads).hasSize(edges.size());
        List<String> labels = browser.findElements(By.cssSelector("svg.diagram g.crossing text.label")).stream()
                .map(WebElement::getText).toList();
        assertThat(labels).hasSize(edges.size()).allMatch(l -> l.contains(": "));
        assertThat(labels).contains("out: tensor"); // the MoE op's result, into the piece after it
        WebElement wrap = browser.findElement(By.cssSelector(".diagram-wrap"));
        assertThat(((Number) browser.executeScript("return arguments[0].scrollWidth", wrap)).intValue())
                .isGreaterThan(wrap.getSize().getWidth());
        screenshot("run-repeated-pieces");
    }

    @Test
    void aSingleSubmoduleIsOneSmallBox() throws IOException {
        JsonNode run = createRun("moe_view", "graph.txt", Map.of("splittingOps", "oracle::nothing"));
        browser.get(url("/runs/" + run.get("id").asString()));
        assertThat(browser.findElements(By.cssSelector("svg.diagram g.box"))).hasSize(1);
        assertThat(browser.findElement(By.cssSelector("svg.diagram")).getSize().getWidth()).isLessThan(300);
        assertThat(browser.findElement(By.id("distinct-pieces")).getText()).startsWith("Distinct pieces: 1 of 1");
    }

    /**
     * A 100,003-node decoder (9,091 layers, 18,183 submodules; RunPagesBigRunTest says why): relu_9000 sits in
     * submod_18000, on page 451 of 455; one search opens that page with the node's row in view and marked.
     */
    @Test
    void aBigRunIsSearchedInOneStep() throws IOException {
        byte[] decoder = SyntheticDecoder.fxText(9_091).getBytes(StandardCharsets.UTF_8);
        JsonNode run = new HttpApi(port).postRaw(decoder, "text/plain", Map.of("splittingOps", "oracle::attn",
                "name", "decoder-100k")).json();
        browser.get(url("/runs/" + run.get("id").asString()));
        assertThat(browser.findElement(By.id("distinct-pieces")).getText()).startsWith("Distinct pieces: 4 of 18,183");
        assertThat(browser.findElements(By.cssSelector("svg.diagram g.box"))).hasSize(RunPageController.SUBMODULES_PER_PAGE);
        screenshot("run-big");
        WebElement find = browser.findElement(By.id("find"));
        find.sendKeys("relu_9000");
        find.submit();
        waitForUrl("find=relu_9000");
        assertThat(browser.findElement(By.id("find-result")).getText()).startsWith("Match 1 of 1: node relu_9000 in submod_18000");
        assertThat(browser.findElement(By.cssSelector("nav[aria-label='Submodule pages'] span")).getText())
                .isEqualTo("Submodules 18001 to 18040 of 18183");
        WebElement row = browser.findElement(By.id("found"));
        assertThat(row.getText()).startsWith("relu_9000");
        assertThat(row.isDisplayed()).isTrue();
        Number rowTop = (Number) browser.executeScript("return arguments[0].getBoundingClientRect().top", row);
        assertThat(rowTop.doubleValue()).as("the marked row is scrolled into view").isBetween(0.0, 1000.0);
        assertThat(browser.findElements(By.cssSelector("svg.diagram g.box text.name")).stream().map(WebElement::getText))
                .contains("submod_18000").doesNotContain("submod_0");
        assertThat(browser.findElement(By.cssSelector("svg.diagram g.box.found text.name")).getText()).isEqualTo("submod_18000");
        screenshot("run-big-search");
    }

    @Test
    void compareShowsWhichOptionSetsFail() throws IOException {
        browser.get(url("/"));
        fill("text", Fixtures.read("moe_view", "graph.txt"));
        fill("splittingOps", "oracle::moe");
        browser.findElement(By.cssSelector("button[value=compare]")).click();
        waitForComparison(); // runs in the background: on a busy machine other tests' comparisons share the cores
        List<WebElement> rows = browser.findElements(By.cssSelector("table.compare tbody tr"));
        assertThat(rows).hasSize(8);
        assertThat(rows.stream().filter(r -> r.getAttribute("data-outcome").equals("aot-fails"))
                .map(r -> r.getAttribute("data-strategy"))).containsExactly("none", "none", "none");
        assertThat(rows.stream().filter(r -> r.getAttribute("data-outcome").equals("ok"))).hasSize(5);
        assertThat(rows.get(1).getText()).contains("size (size) output of submod_0");
        screenshot("compare");
    }

    /** Splitting ops no other test uses, so no earlier comparison of the same graph and ops exists. */
    private static String uniqueOps() {
        return "oracle::moe, test::only_" + UUID.randomUUID().toString().replace("-", "");
    }

    private static void waitForComparison() {
        new org.openqa.selenium.support.ui.WebDriverWait(browser, java.time.Duration.ofSeconds(60))
                .until(d -> d.getCurrentUrl().endsWith("/compare") && !d.findElements(By.cssSelector("table.compare")).isEmpty());
    }

    @Test
    void comparingARunMakesItTheRowOfItsOptionSetsMarksVllmTodayAndComparingAgainReusesTheGroup() throws IOException {
        String ops = uniqueOps();
        String id = createRun("moe_view", "graph.txt", Map.of("splittingOps", ops)).get("id").asString();
        browser.get(url("/runs/" + id + "/compare"));
        browser.findElement(By.cssSelector("form button.primary")).click();
        waitForComparison();
        List<WebElement> rows = browser.findElements(By.cssSelector("table.compare tbody tr"));
        assertThat(rows).hasSize(8);
        List<WebElement> today = browser.findElements(By.cssSelector("table.compare tbody tr.vllm-today"));
        assertThat(today).hasSize(1);
        assertThat(today.get(0).getAttribute("data-run")).isEqualTo(id);
        assertThat(today.get(0).getText()).contains("vLLM today").contains("this run").contains("decompose");
        assertThat(browser.findElement(By.cssSelector("table.compare thead")).getText())
                .contains("Merge consecutive splits").contains("Merge empty allocations").contains("Getitem rule");
        List<String> members = rows.stream().map(r -> r.getAttribute("data-run")).toList();
        assertThat(members).doesNotHaveDuplicates();
        screenshot("compare-group");
        long runs = new HttpApi(port).get("/api/runs?size=1").json().get("total").asLong();

        // The same file and ops compared again from the upload page: the same group, no new runs.
        browser.get(url("/"));
        browser.findElement(By.id("file")).sendKeys(Fixtures.TORCH.resolve("moe_view/graph.txt").toAbsolutePath().toString());
        fill("splittingOps", ops);
        browser.findElement(By.cssSelector("button[value=compare]")).click();
        waitForComparison();
        assertThat(browser.getCurrentUrl()).endsWith("/runs/" + id + "/compare");
        assertThat(browser.findElements(By.cssSelector("table.compare tbody tr")).stream().map(r -> r.getAttribute("data-run")))
                .containsExactlyElementsOf(members);
        assertThat(new HttpApi(port).get("/api/runs?size=1").json().get("total").asLong()).isEqualTo(runs);
    }

    @Test
    void historyShowsAGroupAsOneLineThatOpensFormatsNumbersAndFitsAPhone() throws IOException {
        String tag = "hist-" + UUID.randomUUID().toString().substring(0, 8);
        String id = createRun("moe_view", "graph.txt", Map.of("splittingOps", uniqueOps(), "name", tag)).get("id").asString();
        browser.get(url("/runs/" + id + "/compare"));
        browser.findElement(By.cssSelector("form button.primary")).click();
        waitForComparison();
        byte[] decoder = Fixtures.read(Fixtures.ROOT.resolve("scale/decoder-100-layers.txt")).getBytes(StandardCharsets.UTF_8);
        JsonNode big = new HttpApi(port).postRaw(decoder, "text/plain", Map.of("splittingOps", "oracle::attn",
                "name", tag + "-decoder")).json();
        int nodes = big.get("graph").get("nodeCount").asInt();
        assertThat(nodes).isGreaterThan(999);

        browser.get(url("/runs?name=" + tag));
        assertThat(browser.findElement(By.id("run-count")).getText()).isEqualTo("9 runs");
        List<WebElement> lines = browser.findElements(By.cssSelector("table.runs > tbody > tr:not(.member)"));
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).findElement(By.cssSelector("td[data-label=Nodes]")).getText())
                .isEqualTo(String.format("%,d", nodes));
        WebElement group = browser.findElement(By.cssSelector("table.runs tbody.group"));
        assertThat(group.findElement(By.cssSelector("tr.group-head")).getText()).contains(tag).contains("8 option sets compared")
                .contains("5 of 8 compile");
        List<WebElement> members = group.findElements(By.cssSelector("tr.member"));
        assertThat(members).hasSize(8).noneMatch(WebElement::isDisplayed);
        group.findElement(By.tagName("summary")).click();
        assertThat(members).allMatch(WebElement::isDisplayed);
        assertThat(group.findElements(By.cssSelector("tr.member[data-run='" + id + "']"))).hasSize(1);
        screenshot("history-groups");

        browser.manage().window().setSize(new Dimension(390, 1000));
        try {
            Number overflow = (Number) browser.executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
            assertThat(overflow.intValue()).as("the page scrolls sideways on a phone").isLessThanOrEqualTo(0);
            Number viewport = (Number) browser.executeScript("return document.documentElement.clientWidth;");
            WebElement single = lines.get(0);
            WebElement when = single.findElement(By.tagName("time"));
            assertThat(when.getSize().getHeight()).as("the date on one line").isLessThan(2 * 16 * 3 / 2);
            WebElement delete = single.findElement(By.cssSelector("button.danger"));
            assertThat(delete.isDisplayed()).isTrue();
            assertThat(delete.getLocation().getX() + delete.getSize().getWidth()).isLessThanOrEqualTo(viewport.intValue());
            WebElement memberDelete = members.get(7).findElement(By.cssSelector("button.danger"));
            assertThat(memberDelete.getLocation().getX() + memberDelete.getSize().getWidth())
                    .isLessThanOrEqualTo(viewport.intValue());
        } finally {
            browser.manage().window().setSize(new Dimension(1280, 1000));
        }

        browser.get(url("/runs?name=" + UUID.randomUUID()));
        assertThat(browser.findElement(By.id("no-runs")).getText()).contains("No run matches these filters");
        assertThat(browser.findElements(By.cssSelector("table.runs"))).isEmpty();
        screenshot("history-empty");
    }

    @Test
    void diffOfTwoRunsShowsWhatMoved() throws IOException {
        String tag = "diff-" + UUID.randomUUID().toString().substring(0, 8);
        createRun("moe_view", "graph.txt", Map.of("splittingOps", "oracle::moe", "name", tag + "-a", "sizeStrategy", "none"));
        createRun("moe_view", "graph.txt", Map.of("splittingOps", "oracle::moe", "name", tag + "-b",
                "sizeStrategy", "move-to-consumer", "getitemRule", "tuple-only"));
        browser.get(url("/runs?name=" + tag));
        List<WebElement> boxes = browser.findElements(By.cssSelector("table.runs input[type=checkbox]"));
        boxes.get(1).click(); // the older run, "-a", first
        boxes.get(0).click();
        browser.findElement(By.id("diff-selected")).click();
        waitForUrl("/diff/");
        assertThat(browser.findElement(By.id("verdict-change")).getText()).contains("aot-fails").contains("ok");
        assertThat(browser.findElement(By.id("moved")).getText()).contains("size").contains("submod_0").contains("submod_2");
        screenshot("diff");
        browser.findElement(By.linkText(tag + "-b (move-to-consumer)")).click();
        waitForUrl("/runs/");
        WebElement consumer = browser.findElement(By.id("submod_2"));
        assertThat(consumer.getText()).contains("size moved from submod_0 to submod_2");
        assertThat(consumer.findElements(By.cssSelector("tbody tr")).stream().map(WebElement::getText))
                .anyMatch(row -> row.contains("size") && row.contains("call_method") && row.contains("size"));
    }

    @Test
    void deleteAsksFirst() {
        String tag = "del-" + UUID.randomUUID().toString().substring(0, 8);
        createRun("moe_view", "graph.txt", Map.of("splittingOps", "oracle::moe", "name", tag));
        browser.get(url("/runs?name=" + tag));
        browser.findElement(By.cssSelector("button.danger")).click();
        browser.switchTo().alert().dismiss();
        assertThat(browser.findElements(By.cssSelector("table.runs tbody tr"))).hasSize(1);
        browser.findElement(By.cssSelector("button.danger")).click();
        assertThat(browser.switchTo().alert().getText()).contains(tag);
        browser.switchTo().alert().accept();
        // The delete answers with the unfiltered history: filter again only once it is there, or its late arrival
        // replaces the filtered page.
        new org.openqa.selenium.support.ui.WebDriverWait(browser, java.time.Duration.ofSeconds(30))
                .until(d -> d.getCurrentUrl().endsWith("/runs"));
        browser.get(url("/runs?name=" + tag));
        assertThat(browser.findElements(By.cssSelector("table.runs tbody tr"))).isEmpty();
    }

    @Test
    void userStringsRenderAsText() throws IOException {
        String evil = "<script>alert(1)</script>";
        String json = Fixtures.read("moe_view", "graph.json").replace("\"router\"", "\"" + evil.replace("/", "\\/") + "\"");
        JsonNode run = new HttpApi(port).postRaw(json.getBytes(StandardCharsets.UTF_8), "application/json",
                Map.of("splittingOps", "oracle::moe", "name", evil)).json();
        browser.get(url("/runs/" + run.get("id").asString()));
        assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo(evil);
        assertThat(browser.findElement(By.id("submod_0")).getText()).contains(evil);
        assertThat(browser.getPageSource()).doesNotContain("<script>alert(1)</script>");
        browser.get(url("/runs?name=script"));
        assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
        assertThat(browser.findElements(By.cssSelector("table.runs tbody tr a")).stream().map(WebElement::getText))
                .contains(evil);
    }
}
