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
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * Stored documents and uploads are gzip: JSON of a run shrinks about tenfold, and the fastest level costs less
 * than writing the bytes it saves.
 * <p>
 * A stored document is several gzip members, which gzip readers (GZIPInputStream, zcat) read as one stream: the
 * run's {@link RunOutline} and the run in the parts it is written in ({@link RunJsonParts}), the node table, then
 * the traces. The large members are made on other cores while a run is stored, and the runs of a comparison that
 * cut the graph alike, or leave it as it is, share theirs. The outline comes first so the compare page reads a few
 * hundred bytes of each run.
 */
public final class RunDocuments {

    private static final int BUFFER = 1 << 16;
    /** An outline is a few KB compressed: a stream that reads it in small steps stops soon after it. */
    private static final int OUTLINE_BUFFER = 1 << 13;
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
        return RunJsonParts.of(document.run(), null).document(encodeNodeTable(document.nodes()),
                encodeTraces(document.traces()));
    }

    /** The document up to the run's JSON: its outline first. */
    static byte[] opening(RunReport run) {
        ByteArrayOutputStream opening = new ByteArrayOutputStream(1024);
        opening.writeBytes(OUTLINE_FIELD);
        RunJson.MAPPER.writeValue(opening, RunOutline.of(run));
        opening.writeBytes(RUN_FIELD);
        return opening.toByteArray();
    }

    /** Writes the content of a gzip member. */
    interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** A gzip member of what {@code content} writes: a small one, or one whose size is not known. */
    static byte[] member(Content content) {
        return member(content, 1 << 12);
    }

    /** A gzip member of what {@code content} writes, about {@code expectedSize} bytes compressed. */
    static byte[] member(Content content, int expectedSize) {
        return deflated(content, expectedSize).member();
    }

    /** What {@code content} writes, compressed to join others in a gzip member; about {@code expectedSize} bytes. */
    static Deflated deflated(Content content, int expectedSize) {
        try {
            return Deflated.of(content, expectedSize);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The document's gzip member after the run: the node table. */
    static byte[] encodeNodeTable(List<RunDocument.NodeRow> nodes) {
        return member(out -> {
            out.write(NODES_FIELD);
            RunJson.MAPPER.writeValue(out, nodes);
        });
    }

    /** The document's last gzip member: the traces and its closing. */
    static byte[] encodeTraces(List<ValueTrace> traces) {
        return member(out -> {
            out.write(TRACES_FIELD);
            RunJson.MAPPER.writeValue(out, traces);
            out.write('}');
        });
    }

    /** Gzip members, one after the other. */
    static byte[] join(byte[]... members) {
        return join(Arrays.asList(members));
    }

    /** Gzip members, or their pieces, one after the other, copied once. */
    static byte[] join(List<byte[]> members) {
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
    static final byte[] RUN_FIELD = ",\"run\":".getBytes(StandardCharsets.UTF_8);
    static final byte[] NODES_FIELD = ",\"nodes\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] TRACES_FIELD = ",\"traces\":".getBytes(StandardCharsets.UTF_8);

    /**
     * A run's JSON answer from the run's JSON: its fields, then {@code links}, as {@link RunAnswer} writes them;
     * streamed from the run's JSON, not copied. {@code gzip}: the same JSON as one gzip member, made of the parts
     * compressed for the stored document (compressing a 1M-node run's answer again took two seconds).
     */
    static Resource answer(RunJsonParts runJson, RunReport run, boolean gzip) {
        byte[] tail = linksTail(run.id(), run.verdict().outcome());
        if (gzip) {
            return gzipAnswer(run.id(), runJson.deflated(tail));
        }
        return answer(run.id(), () -> runJson.asStream(tail), runJson.sizeWithoutClosingBrace() + tail.length);
    }

    /** A run's answer as one gzip member of {@code parts}, streamed from their arrays. */
    static Resource gzipAnswer(String id, List<Deflated> parts) {
        return answer(id, () -> Deflated.member(parts), Deflated.memberSize(parts));
    }

    /** A run's answer of {@code length} bytes, read from a new stream of {@code content} each time. */
    static Resource answer(String id, java.util.function.Supplier<InputStream> content, long length) {
        return new AbstractResource() {
            @Override
            public String getDescription() {
                return "the JSON of run " + id;
            }

            @Override
            public InputStream getInputStream() {
                return content.get();
            }

            @Override
            public long contentLength() {
                return length;
            }
        };
    }

    /** What follows a run's fields in its answer: its links, and the closing brace. */
    static byte[] linksTail(String id, Outcome outcome) {
        byte[] links = RunJson.MAPPER.writeValueAsBytes(RunLinks.of(id, outcome));
        byte[] tail = new byte[LINKS_FIELD.length + links.length + 1];
        System.arraycopy(LINKS_FIELD, 0, tail, 0, LINKS_FIELD.length);
        System.arraycopy(links, 0, tail, LINKS_FIELD.length, links.length);
        tail[tail.length - 1] = '}';
        return tail;
    }

    /**
     * The outline a document's first member begins with, and where it ends in that member's text.
     *
     * @param end the offset just past the outline's closing brace
     */
    record Opening(RunOutline outline, int end) {

        /** Null when {@code text} does not begin with a whole outline. */
        static Opening of(byte[] text) {
            if (text.length < OUTLINE_FIELD.length
                    || !Arrays.equals(text, 0, OUTLINE_FIELD.length, OUTLINE_FIELD, 0, OUTLINE_FIELD.length)) {
                return null;
            }
            try (JsonParser parser = RunJson.MAPPER.createParser(text, OUTLINE_FIELD.length,
                    text.length - OUTLINE_FIELD.length)) {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    return null;
                }
                RunOutline outline = OUTLINE_READER.readValue(parser);
                long end = parser.currentLocation().getByteOffset();
                return outline == null || outline.row() == null || end < 0 ? null
                        : new Opening(outline, OUTLINE_FIELD.length + (int) end);
            } catch (tools.jackson.core.JacksonException truncated) {
                return null;
            }
        }
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
        return outline(new ByteArrayInputStream(stored));
    }

    /** The same, read from the start of a stream of the stored bytes, and no further. */
    static Optional<RunOutline> outline(InputStream stored) {
        try (InputStream in = new GZIPInputStream(stored, OUTLINE_BUFFER); JsonParser parser = RunJson.MAPPER.createParser(in)) {
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
     * The run as a comparison's row read from its report, for a document stored before outlines (newer ones give it
     * in their {@link #outline}): its node lists and everything else skipped, not built.
     */
    static ComparisonRow reportRow(byte[] stored) {
        try (InputStream in = gunzip(stored); JsonParser parser = RunJson.MAPPER.createParser(in)) {
            moveToRun(parser);
            return ComparisonRow.of(REPORT_PARTS_READER.<ComparisonRow.ReportParts>readValue(parser));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        return member(out -> out.write(utf8), utf8.length / 8);
    }

    public static String decompress(byte[] stored) {
        try (InputStream in = gunzip(stored)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream gunzip(byte[] stored) throws IOException {
        return new GZIPInputStream(new ByteArrayInputStream(stored), BUFFER);
    }
}
