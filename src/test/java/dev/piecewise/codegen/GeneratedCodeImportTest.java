package dev.piecewise.codegen;

import dev.piecewise.fixtures.Fixtures;
import dev.piecewise.graph.Graph;
import dev.piecewise.graph.format.GraphFormat;
import dev.piecewise.partition.PartitionOptions;
import dev.piecewise.partition.Partitioner;
import dev.piecewise.partition.SplittingOps;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The generated split module of every fixture and of hostile uploads is imported by python3 with a stub torch
 * (src/test/python/stub): nothing runs at import (no file appears, torch is touched only for nn.Module), and hostile
 * targets and verbatim arguments are refused before any code is written.
 */
class GeneratedCodeImportTest {

    private static final String PAYLOAD = "__import__('os').system('touch PWNED')";

    @TempDir
    Path dir;

    private static String code(String text, List<String> ops) {
        Graph graph = GraphFormat.detect(text).read(text, null, 0).graph();
        PythonSafety.requireWritable(graph);
        var result = Partitioner.partitionOnce(graph, PartitionOptions.vllmDefaults(new SplittingOps(ops)));
        return result.graph() == null ? null : SplitModuleCode.render(result); // null: the split fails, no code
    }

    /** fx-graph-json/1 of x -> relu -> op -> out, with {@code relu}'s fields replaced by {@code hostile}. */
    private static String hostileJson(String hostileFields) {
        return """
                {"format": "fx-graph-json/1", "name": "hostile", "nodes": [
                 {"name": "x", "op": "placeholder", "target": "x", "args": [], "kwargs": {}, "value": {"kind": "tensor", "shape": ["4"], "dtype": "float32"}},
                 {"name": "relu", "op": "call_function", "target": "torch.relu", "args": [{"node": "x"}], "kwargs": {}, %s "value": {"kind": "tensor", "shape": ["4"], "dtype": "float32"}},
                 {"name": "moe", "op": "call_function", "target": "torch.ops.oracle.moe", "args": [{"node": "relu"}], "kwargs": {}, "value": {"kind": "tensor", "shape": ["4"], "dtype": "float32"}},
                 {"name": "output", "op": "output", "target": "output", "args": [[{"node": "moe"}]], "kwargs": {}}
                ]}""".formatted(hostileFields);
    }

    private static String jsonString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r") + "\"";
    }

    @Test
    void hostileTargetsAndVerbatimArgumentsAreRefusedNamingTheNode() {
        String target = hostileJson("").replace("\"torch.relu\"", jsonString(PAYLOAD + " or torch._C._nn.linear"));
        assertThatThrownBy(() -> code(target, List.of("oracle::moe"))).isInstanceOf(UnsafeNodeException.class)
                .hasMessageContaining("'relu'").extracting(e -> ((UnsafeNodeException) e).node()).isEqualTo("relu");
        String repr = hostileJson("").replace("\"args\": [{\"node\": \"x\"}], \"kwargs\": {}, ",
                "\"args\": [{\"node\": \"x\"}, {\"repr\": " + jsonString(PAYLOAD) + "}], \"kwargs\": {}, ");
        assertThatThrownBy(() -> code(repr, List.of("oracle::moe"))).isInstanceOf(UnsafeNodeException.class);
        String method = hostileJson("").replace("\"op\": \"call_function\", \"target\": \"torch.relu\"",
                "\"op\": \"call_method\", \"target\": " + jsonString("relu()\n" + PAYLOAD + "\n#"));
        assertThatThrownBy(() -> code(method, List.of("oracle::moe"))).isInstanceOf(UnsafeNodeException.class);
        String keyword = hostileJson("").replace("\"args\": [{\"node\": \"x\"}], \"kwargs\": {}, ",
                "\"args\": [{\"node\": \"x\"}], \"kwargs\": {" + jsonString("inplace=" + PAYLOAD + ", x") + ": true}, ");
        assertThatThrownBy(() -> code(keyword, List.of("oracle::moe"))).isInstanceOf(UnsafeNodeException.class);
    }

    @Test
    void nothingRunsWhenTheGeneratedFilesAreImported() throws IOException, InterruptedException {
        Map<String, String> modules = new LinkedHashMap<>();
        for (Fixtures.Expectation e : Fixtures.expectations()) {
            for (String file : List.of("graph.txt", "graph.json", "readable.py")) {
                String key = e.fixtureCase() + "_" + file.replace('.', '_');
                String code = Fixtures.exists(e.fixtureCase(), file) && !modules.containsKey(key)
                        ? code(Fixtures.read(e.fixtureCase(), file), e.splittingOps()) : null;
                if (code != null) {
                    modules.put(key, code);
                }
            }
        }
        String lineBreaks = "\n" + PAYLOAD + "\n\r" + PAYLOAD + "\r\u2028" + PAYLOAD;
        modules.put("hostile_source", code(hostileJson("\"source\": " + jsonString("model.py:1" + lineBreaks) + ","), List.of("oracle::moe")));
        modules.put("hostile_string", code(hostileJson("").replace("\"args\": [{\"node\": \"x\"}], \"kwargs\": {}, ",
                "\"args\": [{\"node\": \"x\"}, " + jsonString("'" + lineBreaks + "'") + "], \"kwargs\": {}, "), List.of("oracle::moe")));
        modules.put("hostile_dict_key", code(hostileJson("").replace("\"args\": [{\"node\": \"x\"}], \"kwargs\": {}, ",
                "\"args\": [{\"node\": \"x\"}, {\"dict\": {" + jsonString("k': " + PAYLOAD + ", '" + lineBreaks) + ": 1}}], \"kwargs\": {}, "),
                List.of("oracle::moe")));
        modules.put("hostile_shape", code(hostileJson("").replace("\"shape\": [\"4\"], \"dtype\": \"float32\"}},\n {\"name\": \"output\"",
                "\"shape\": [" + jsonString("4]\"\n" + PAYLOAD + "\n\"") + "], \"dtype\": " + jsonString("float32\"\n" + PAYLOAD)
                        + "}},\n {\"name\": \"output\""), List.of("oracle::moe")));
        assertThat(modules.keySet().stream().filter(k -> !k.startsWith("hostile")).count()).as("fixture modules").isGreaterThan(15);
        assertThat(modules.get("hostile_source")).contains("# File: model.py:1 ");

        modules.forEach((name, code) -> assertThat(code).as(name + " has code").isNotNull());
        List<String> command = new ArrayList<>(List.of("python3", Path.of("src/test/python/import_generated.py").toAbsolutePath().toString()));
        for (Map.Entry<String, String> module : modules.entrySet()) {
            Path file = dir.resolve(module.getKey() + ".py");
            Files.writeString(file, module.getValue(), StandardCharsets.UTF_8);
            command.add(file.toString());
        }
        modules.forEach((name, code) -> assertThat(code).as(name + " has code").isNotNull());
        Path torchLog = dir.resolve("torch-accesses.log");
        Process python;
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
            builder.environment().put("PYTHONPATH", Path.of("src/test/python/stub").toAbsolutePath().toString());
            builder.environment().put("PIECEWISE_TORCH_LOG", torchLog.toString());
            builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
            python = builder.start();
        } catch (IOException noPython) {
            Assumptions.abort("python3 is not installed");
            return;
        }
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.waitFor()).as(output).isZero();
        assertThat(dir.resolve("PWNED")).as("a file the hostile payload would create").doesNotExist();
        assertThat(Files.exists(torchLog) ? Files.readString(torchLog) : "").as("torch touched at import").isEmpty();
        for (String name : modules.keySet()) {
            // Every module imports; fx-text uploads may hold "<static dim>" (unknown static dims), not Python.
            String expected = modules.get(name).contains("<static dim>") ? "syntax-error" : "imported";
            assertThat(output).as(name).contains(dir.resolve(name + ".py") + " " + expected);
        }
        assertThat(modules.get("hostile_string")).doesNotContain("\n" + PAYLOAD);
    }
}
