package dev.piecewise.run;

import org.springframework.core.io.Resource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * A stored run's JSON answer, read from the document without parsing the run and writing its JSON again: what
 * {@link RunDocuments#copyRun} writes, which for a 100k-node run took 0.13–0.18 s, and 0.32–0.41 s when the server
 * then compressed it.
 * <p>
 * A document's members are found by inflating it once up to the node table, keeping only the small ones whole: the
 * first member holds the outline and the run's first fields, the member that begins with the node table follows the
 * run's last one. Compressed, the members between are sent as they were stored, and the first and the last (small)
 * are compressed again without the outline, and with the links before the run's closing brace; uncompressed, the
 * members between are inflated again as the answer is sent. Documents stored before the run was written in parts
 * (one member for everything) have no such answer: the caller copies the run token by token instead.
 */
final class StoredAnswer {

    /** The first and the last member of the run are kept whole up to this size; larger ones have no answer here. */
    private static final int KEPT = 4 << 20;
    /** A sync flush's empty stored block ends so, then the empty final block zlib writes on finishing. */
    private static final byte[] SYNC_THEN_FINAL = {0, 0, (byte) 0xff, (byte) 0xff, 0x03, 0x00};

    /**
     * One gzip member of a document.
     *
     * @param dataFrom where its deflate data starts in the document
     * @param dataTo   where it ends (its trailer follows)
     * @param text     what it inflates to, when that is at most {@link #KEPT} bytes; else null
     */
    private record Member(int dataFrom, int dataTo, int crc, long length, byte[] text) {

        /** Its blocks without the empty final one, if they end on a sync flush; else null. */
        Deflated blocks(byte[] document) {
            int n = SYNC_THEN_FINAL.length;
            if (dataTo - dataFrom < n
                    || !Arrays.equals(document, dataTo - n, dataTo, SYNC_THEN_FINAL, 0, n)) {
                return null;
            }
            return new Deflated(List.of(Arrays.copyOfRange(document, dataFrom, dataTo - 2)), crc, length);
        }

        /** What it inflates to, as it is read (again, unless it was kept). */
        InputStream inflating(byte[] document) {
            if (text != null) {
                return new ByteArrayInputStream(text);
            }
            Inflater inflater = new Inflater(true);
            return new InflaterInputStream(new ByteArrayInputStream(document, dataFrom, dataTo - dataFrom), inflater,
                    1 << 16) {
                @Override
                public void close() throws IOException {
                    super.close();
                    inflater.end(); // an inflater passed in is not ended by the stream
                }
            };
        }
    }

    private final byte[] stored;
    private final List<Member> members;
    /** Where the run begins in the first member's text. */
    private final int runFrom;
    private final String id;
    /** The links and the closing brace, which follow the run's fields in the answer. */
    private final byte[] tail;

    private StoredAnswer(byte[] stored, List<Member> members, int runFrom, String id, byte[] tail) {
        this.stored = stored;
        this.members = members;
        this.runFrom = runFrom;
        this.id = id;
        this.tail = tail;
    }

    /** The answer to a request for the run stored in {@code stored}; empty when it is not laid out in parts. */
    static Optional<StoredAnswer> of(byte[] stored) {
        List<Member> members = runMembers(stored);
        if (members.isEmpty() || members.get(0).text() == null || members.get(members.size() - 1).text() == null) {
            return Optional.empty();
        }
        byte[] first = members.get(0).text();
        RunDocuments.Opening opening = RunDocuments.Opening.of(first);
        if (opening == null) {
            return Optional.empty();
        }
        byte[] runField = RunDocuments.RUN_FIELD;
        int runFrom = opening.end() + runField.length;
        byte[] last = members.get(members.size() - 1).text();
        if (!Arrays.equals(first, opening.end(), Math.min(runFrom, first.length), runField, 0, runField.length)
                || last.length == 0 || last[last.length - 1] != '}' || members.size() == 1 && runFrom >= first.length) {
            return Optional.empty();
        }
        String id = opening.outline().id();
        return Optional.of(new StoredAnswer(stored, members, runFrom, id,
                RunDocuments.linksTail(id, opening.outline().row().outcome())));
    }

    /**
     * The answer as one gzip member; empty when a member between the first and the last was not compressed to be
     * joined to others (its blocks do not end on a sync flush).
     */
    Optional<Resource> compressed() {
        int last = members.size() - 1;
        byte[] first = members.get(0).text();
        byte[] lastText = members.get(last).text();
        List<Deflated> parts = new ArrayList<>(last + 2);
        if (last == 0) {
            parts.add(RunDocuments.deflated(out -> {
                out.write(first, runFrom, first.length - 1 - runFrom);
                out.write(tail);
            }, 256));
        } else {
            parts.add(RunDocuments.deflated(out -> out.write(first, runFrom, first.length - runFrom), 256));
            for (int i = 1; i < last; i++) {
                Deflated blocks = members.get(i).blocks(stored);
                if (blocks == null) {
                    return Optional.empty();
                }
                parts.add(blocks);
            }
            parts.add(RunDocuments.deflated(out -> {
                out.write(lastText, 0, lastText.length - 1);
                out.write(tail);
            }, 256));
        }
        return Optional.of(RunDocuments.gzipAnswer(id, parts));
    }

    /** The answer as it is: the members between the first and the last inflated again as it is read. */
    Resource plain() {
        int last = members.size() - 1;
        byte[] first = members.get(0).text();
        byte[] lastText = members.get(last).text();
        long length = tail.length;
        for (int i = 1; i < last; i++) {
            length += members.get(i).length();
        }
        length += last == 0 ? first.length - 1 - runFrom : first.length - runFrom + lastText.length - 1;
        return RunDocuments.answer(id, () -> {
            List<InputStream> pieces = new ArrayList<>(last + 3);
            if (last == 0) {
                pieces.add(new ByteArrayInputStream(first, runFrom, first.length - 1 - runFrom));
            } else {
                pieces.add(new ByteArrayInputStream(first, runFrom, first.length - runFrom));
                for (int i = 1; i < last; i++) {
                    pieces.add(members.get(i).inflating(stored));
                }
                pieces.add(new ByteArrayInputStream(lastText, 0, lastText.length - 1));
            }
            pieces.add(new ByteArrayInputStream(tail));
            return new SequenceInputStream(Collections.enumeration(pieces));
        }, length);
    }

    /**
     * The document's members up to the node table's, each inflated once; empty if there is no node table's member,
     * or they are not gzip members without extra fields.
     */
    private static List<Member> runMembers(byte[] stored) {
        List<Member> members = new ArrayList<>();
        Inflater inflater = new Inflater(true);
        byte[] buffer = new byte[1 << 16];
        try {
            int at = 0;
            while (at < stored.length) {
                // What Deflated and GZIPOutputStream write: the magic, deflate, no flags, then six bytes.
                if (stored.length - at < 18 || stored[at] != 0x1f || stored[at + 1] != (byte) 0x8b
                        || stored[at + 2] != 8 || stored[at + 3] != 0) {
                    return List.of();
                }
                int dataFrom = at + 10;
                inflater.reset();
                inflater.setInput(stored, dataFrom, stored.length - dataFrom);
                ByteArrayOutputStream text = new ByteArrayOutputStream(256);
                long length = 0;
                while (!inflater.finished()) {
                    int n = inflater.inflate(buffer);
                    if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                        return List.of(); // cut short
                    }
                    byte[] nodesField = RunDocuments.NODES_FIELD;
                    if (length == 0 && n >= nodesField.length
                            && Arrays.equals(buffer, 0, nodesField.length, nodesField, 0, nodesField.length)) {
                        return members; // the node table: the run ended with the member before
                    }
                    length += n;
                    if (text != null && length > KEPT) {
                        text = null; // too large to keep: inflated again if the plain answer needs it
                    } else if (text != null) {
                        text.write(buffer, 0, n);
                    }
                }
                int dataTo = stored.length - inflater.getRemaining();
                if (stored.length - dataTo < 8) {
                    return List.of();
                }
                int crc = littleEndianInt(stored, dataTo);
                members.add(new Member(dataFrom, dataTo, crc, length, text == null ? null : text.toByteArray()));
                at = dataTo + 8;
            }
            return List.of();
        } catch (DataFormatException corrupt) {
            return List.of();
        } finally {
            inflater.end();
        }
    }

    private static int littleEndianInt(byte[] bytes, int at) {
        return (bytes[at] & 0xff) | (bytes[at + 1] & 0xff) << 8 | (bytes[at + 2] & 0xff) << 16
                | (bytes[at + 3] & 0xff) << 24;
    }
}
