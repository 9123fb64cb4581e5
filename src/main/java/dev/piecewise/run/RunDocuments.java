package dev.piecewise.run;

import dev.piecewise.partition.Outcome;
import org.springframework.core.io.AbstractResource;
import org.springframework.core.io.Resource;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Stored documents and uploads are gzip: JSON of a run shrinks about tenfold, and the fastest level costs less
 * than writing the bytes it saves.
 * <p>
 * A stored document is several gzip members, which gzip readers (GZIPInputStream, zcat) read as one stream: the
 * run's {@link RunOutline} and the run (in two halves when large), the node table, then the traces. Each member is
 * made on its own core while a large run is stored, and one node table can serve the runs of a comparison that
 * leave the graph as it is. The outline comes first so the compare page reads a few hundred bytes of each run.
 */
public final class RunDocuments {

    private static final int BUFFER = 1 << 16;
    /** Reads the report and leaves the node table after it unread. */
    private static final ObjectReader RUN_READER = RunJson.MAPPER.readerFor(RunReport.class)
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final ObjectReader REPORT_PARTS_READER = RunJson.MAPPER.readerFor(ComparisonRow.ReportParts.class)
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final ObjectReader OUTLINE_READER = RunJson.MAPPER.readerFor(RunOutline.class)
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private RunDocuments() {
    }

    public static byte[] encode(RunDocument document) {
        return encode(document, json(document.run()));
    }

    /** The JSON of a run, as the stored document and the answer hold it. */
    static JsonBytes json(RunReport run) {
        JsonBytes json = new JsonBytes();
        RunJson.MAPPER.writeValue(json, run);
        return json;
    }

    /**
     * The same document as {@link #encode(RunDocument)}, with the run written from {@code runJson} (its JSON, made
     * once for the document and the answer) rather than serialized again.
     */
    static byte[] encode(RunDocument document, JsonBytes runJson) {
        return join(encodeRun(runJson, document.run()), encodeNodeTable(document.nodes()),
                encodeTraces(document.traces()));
    }

    /**
     * The JSON of {@code report}, from {@code withoutRepetition}, the JSON of the same report with no repetition:
     * the repeated pieces are hashed on the other cores while this thread writes the rest. Repetition is the
     * report's last field, so its value is spliced in where {@code null} ends the JSON; should that ever not be
     * so, the report is written again whole.
     */
    static JsonBytes withRepetition(JsonBytes withoutRepetition, RunReport report) {
        if (report.repetition() == null) {
            return withoutRepetition;
        }
        if (!withoutRepetition.endsWith(REPETITION_NULL)) {
            return json(report);
        }
        withoutRepetition.dropLast("null}".length());
        RunJson.MAPPER.writeValue(withoutRepetition, report.repetition());
        withoutRepetition.write('}');
        return withoutRepetition;
    }

    private static final byte[] REPETITION_NULL = ",\"repetition\":null}".getBytes(StandardCharsets.UTF_8);

    /** The document's first gzip member: its opening, the outline of {@code run}, and the run's JSON. */
    static byte[] encodeRun(JsonBytes runJson, RunReport run) {
        return encodeRun(runJson, opening(run), 0, runJson.size());
    }

    /**
     * As {@link #encodeRun(JsonBytes, RunReport)}; a large run is compressed in two gzip members, its second half on
     * {@code beside} while this thread compresses the first (gzip readers read the members as one stream).
     */
    static byte[] encodeRun(JsonBytes runJson, RunReport run, java.util.concurrent.ExecutorService beside) {
        long half = runJson.size() / 2;
        if (half < COMPRESSED_IN_HALVES_FROM) {
            return encodeRun(runJson, run);
        }
        java.util.concurrent.Future<byte[]> second = beside.submit(() -> encodeRun(runJson, null, half, runJson.size()));
        byte[] first = encodeRun(runJson, opening(run), 0, half);
        return join(first, Futures.result(second));
    }

    /** Below this many bytes a half is compressed sooner than another thread takes it up (measured at 11k nodes). */
    private static final long COMPRESSED_IN_HALVES_FROM = 512 << 10;

    /** The document up to the run's JSON: its outline first. */
    private static byte[] opening(RunReport run) {
        ByteArrayOutputStream opening = new ByteArrayOutputStream(1024);
        opening.writeBytes(OUTLINE_FIELD);
        RunJson.MAPPER.writeValue(opening, RunOutline.of(run));
        opening.writeBytes(RUN_FIELD);
        return opening.toByteArray();
    }

    /** A gzip member of the run's JSON from {@code from} up to {@code to}, after {@code opening} unless null. */
    private static byte[] encodeRun(JsonBytes runJson, byte[] opening, long from, long to) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) Math.max(BUFFER, (to - from) / 8));
        try (OutputStream gzip = gzip(bytes)) {
            if (opening != null) {
                gzip.write(opening);
            }
            runJson.writeTo(gzip, from, to);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The document's gzip member after the run: the node table. */
    static byte[] encodeNodeTable(List<RunDocument.NodeRow> nodes) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(BUFFER);
        try (OutputStream gzip = gzip(bytes)) {
            gzip.write(NODES_FIELD);
            RunJson.MAPPER.writeValue(gzip, nodes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The document's last gzip member: the traces and its closing. */
    static byte[] encodeTraces(List<ValueTrace> traces) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(BUFFER);
        try (OutputStream gzip = gzip(bytes)) {
            gzip.write(TRACES_FIELD);
            RunJson.MAPPER.writeValue(gzip, traces);
            gzip.write('}');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Gzip members, one after the other. */
    static byte[] join(byte[]... members) {
        int length = 0;
        for (byte[] member : members) {
            length += member.length;
        }
        byte[] document = new byte[length];
        int at = 0;
        for (byte[] member : members) {
            System.arraycopy(member, 0, document, at, member.length);
            at += member.length;
        }
        return document;
    }

    private static final byte[] OUTLINE_FIELD = "{\"outline\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] RUN_FIELD = ",\"run\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NODES_FIELD = ",\"nodes\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] TRACES_FIELD = ",\"traces\":".getBytes(StandardCharsets.UTF_8);

    /**
     * A run's JSON answer from the run's JSON: its fields, then {@code links}, as {@link RunAnswer} writes them;
     * streamed from the run's JSON, not copied.
     */
    static Resource answer(JsonBytes runJson, RunReport run) {
        byte[] links = RunJson.MAPPER.writeValueAsBytes(RunLinks.of(run.id(), run.verdict().outcome()));
        byte[] tail = new byte[LINKS_FIELD.length + links.length + 1];
        System.arraycopy(LINKS_FIELD, 0, tail, 0, LINKS_FIELD.length);
        System.arraycopy(links, 0, tail, LINKS_FIELD.length, links.length);
        tail[tail.length - 1] = '}';
        long length = runJson.size() - 1; // up to the run's closing brace
        return new AbstractResource() {
            @Override
            public String getDescription() {
                return "the JSON of run " + run.id();
            }

            @Override
            public InputStream getInputStream() {
                return runJson.asStream(length, tail);
            }

            @Override
            public long contentLength() {
                return length + tail.length;
            }
        };
    }

    private static final byte[] LINKS_FIELD = ",\"links\":".getBytes(StandardCharsets.UTF_8);

    public static RunDocument decode(byte[] stored) {
        try (InputStream in = gunzip(stored)) {
            return RunJson.MAPPER.readValue(in, RunDocument.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The report alone: parsing stops where the node table starts. */
    public static RunReport decodeRun(byte[] stored) {
        try (InputStream in = gunzip(stored); JsonParser parser = RunJson.MAPPER.createParser(in)) {
            moveToRun(parser);
            return RUN_READER.readValue(parser);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The outline a document begins with; empty for documents stored before they began with one. */
    static Optional<RunOutline> outline(byte[] stored) {
        try (InputStream in = gunzip(stored); JsonParser parser = RunJson.MAPPER.createParser(in)) {
            if (parser.nextToken() == JsonToken.START_OBJECT && parser.nextToken() == JsonToken.PROPERTY_NAME
                    && parser.currentName().equals("outline")) {
                parser.nextToken();
                return Optional.of(OUTLINE_READER.readValue(parser));
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The run as a comparison's row: from its outline, or for a document stored before outlines from the report,
     * its node lists and everything else skipped, not built.
     */
    static ComparisonRow comparisonRow(byte[] stored) {
        return outline(stored).map(RunOutline::row).orElseGet(() -> {
            try (InputStream in = gunzip(stored); JsonParser parser = RunJson.MAPPER.createParser(in)) {
                moveToRun(parser);
                return ComparisonRow.of(REPORT_PARTS_READER.<ComparisonRow.ReportParts>readValue(parser));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * Writes the report as JSON to {@code out} token by token, without building it in memory, with its
     * {@code links} (not stored) last.
     */
    public static void copyRun(byte[] stored, OutputStream out) {
        try (InputStream in = gunzip(stored); JsonParser parser = RunJson.MAPPER.createParser(in);
             JsonGenerator generator = RunJson.MAPPER.createGenerator(out)) {
            moveToRun(parser);
            generator.writeStartObject();
            String id = null;
            Outcome outcome = null;
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                generator.writeName(name);
                parser.nextToken();
                if (name.equals("verdict")) {
                    outcome = copyVerdict(parser, generator);
                    continue;
                }
                if (name.equals("id")) {
                    id = parser.getValueAsString();
                }
                generator.copyCurrentStructure(parser);
            }
            generator.writeName("links");
            generator.writePOJO(RunLinks.of(id, outcome));
            generator.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the verdict object the parser is at, and returns its outcome. */
    private static Outcome copyVerdict(JsonParser parser, JsonGenerator generator) {
        Outcome outcome = null;
        generator.writeStartObject();
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = parser.currentName();
            generator.writeName(name);
            parser.nextToken();
            if (name.equals("outcome")) {
                outcome = Outcome.fromId(parser.getValueAsString());
            }
            generator.copyCurrentStructure(parser);
        }
        generator.writeEndObject();
        return outcome;
    }

    private static void moveToRun(JsonParser parser) {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw new IllegalStateException("a stored run document is a JSON object");
        }
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            parser.nextToken();
            if (parser.currentName().equals("run")) {
                return;
            }
            parser.skipChildren();
        }
        throw new IllegalStateException("a stored run document has no 'run'");
    }

    public static byte[] compress(String text) {
        return compress(text.getBytes(StandardCharsets.UTF_8));
    }

    /** @param utf8 text as UTF-8 */
    public static byte[] compress(byte[] utf8) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.max(256, utf8.length / 6));
        try (OutputStream gzip = gzip(bytes)) {
            gzip.write(utf8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static String decompress(byte[] stored) {
        try (InputStream in = gunzip(stored)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static OutputStream gzip(OutputStream out) throws IOException {
        return new GZIPOutputStream(out, BUFFER) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        };
    }

    private static InputStream gunzip(byte[] stored) throws IOException {
        return new GZIPInputStream(new ByteArrayInputStream(stored), BUFFER);
    }
}
