package dev.piecewise.run;

import dev.piecewise.concurrent.Futures;
import dev.piecewise.partition.CreatedNode;
import dev.piecewise.partition.Crossing;
import dev.piecewise.partition.Problem;
import dev.piecewise.partition.Relocation;
import dev.piecewise.partition.Submodule;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.FutureTask;

/**
 * A run's JSON written in parts, so the runs of a comparison that cut the graph alike write and compress the large
 * parts once ({@link SharedParts#part}): how the graph is cut ({@link Cut}, most of a run's bytes), the verdict's
 * problems, and the small frame around them (id, options, the rest of the verdict, repetition). The frame is the
 * report's JSON with the cut and the problems null; in their place go the shared parts' properties, so that the
 * parts, one after the other, are exactly the report's JSON as Jackson writes it whole.
 */
final class RunJsonParts {

    /** The report's properties from submodules to createdNodes, in the report's order: how the graph is cut. */
    record Cut(List<Submodule> submodules, List<String> emissionOrder, List<Relocation> relocations,
               List<Crossing> crossings, List<CreatedNode> createdNodes) {

        static Cut of(RunReport run) {
            return new Cut(run.submodules(), run.emissionOrder(), run.relocations(), run.crossings(),
                    run.createdNodes());
        }
    }

    /** The verdict's problems: thousands of them when a Size crosses at every layer. */
    record Problems(List<Problem> problems) {

        static Problems of(RunReport run) {
            return new Problems(run.verdict().problems());
        }
    }

    /**
     * A value's properties as JSON, and those bytes compressed: a gzip member of the stored document, and the
     * value's place in a compressed answer.
     *
     * @param json the value as a JSON object, whose properties are all but its braces; null where only the
     *             compressed bytes are kept (a part made by another run of a comparison)
     */
    record Part(JsonBytes json, Deflated deflated) {

        /** Below this many bytes a part is compressed sooner than another thread takes up half of it. */
        private static final long COMPRESSED_IN_HALVES_FROM = 1 << 20;

        /**
         * Writes {@code value} and compresses it; a large one in two halves, the second on {@code beside} if a
         * thread of it is free before this one is done with the first.
         */
        static Part of(Record value, ExecutorService beside) {
            JsonBytes json = new JsonBytes();
            RunJson.MAPPER.writeValue(json, value);
            long from = 1;
            long to = json.size() - 1;
            if (beside == null || to - from < COMPRESSED_IN_HALVES_FROM) {
                return new Part(json, deflate(json, from, to));
            }
            long half = (from + to) / 2;
            FutureTask<Deflated> second = Futures.offer(() -> deflate(json, half, to), beside);
            Deflated first = deflate(json, from, half);
            return new Part(json, first.then(Futures.resultHelping(second)));
        }

        /** JSON compresses about tenfold. */
        private static Deflated deflate(JsonBytes json, long from, long to) {
            return RunDocuments.deflated(out -> json.writeTo(out, from, to), (int) Math.min(1 << 30, (to - from) / 8));
        }

        Part withoutJson() {
            return new Part(null, deflated);
        }

        private InputStream properties() {
            return json.asStream(1, json.size() - 1);
        }
    }

    private static final byte[] CUT_NULL = properties(new Cut(null, null, null, null, null));
    private static final byte[] PROBLEMS_NULL = properties(new Problems(null));

    private static byte[] properties(Record value) {
        byte[] json = RunJson.MAPPER.writeValueAsBytes(value);
        return java.util.Arrays.copyOfRange(json, 1, json.length - 1);
    }

    private final RunReport run;
    private final byte[] frame;
    private final int cutAt;
    private final int problemsAt;
    private final Part cut;
    private final Part problems;

    /**
     * @param cut      {@link Part#of} the run's {@link Cut}
     * @param problems {@link Part#of} the run's {@link Problems}
     */
    RunJsonParts(RunReport run, Part cut, Part problems) {
        this.run = run;
        this.cut = cut;
        this.problems = problems;
        RunReport.Verdict verdict = run.verdict();
        this.frame = RunJson.MAPPER.writeValueAsBytes(new RunReport(run.id(), run.name(), run.createdAt(),
                run.format(), run.options(), run.graph(), null, null, null, null, null, run.diagnostics(),
                new RunReport.Verdict(verdict.outcome(), verdict.compilable(), verdict.summary(), verdict.error(),
                        null, verdict.suggestion(), verdict.notSplit(), verdict.splittingOpCandidates()),
                run.splitView(), run.compareGroup(), run.repetition()));
        this.cutAt = indexOf(frame, CUT_NULL, 0);
        this.problemsAt = indexOf(frame, PROBLEMS_NULL, cutAt + CUT_NULL.length);
    }

    private RunJsonParts(RunJsonParts parts, Part cut, Part problems) {
        this.run = parts.run;
        this.frame = parts.frame;
        this.cutAt = parts.cutAt;
        this.problemsAt = parts.problemsAt;
        this.cut = cut;
        this.problems = problems;
    }

    /** These parts without their plain JSON: they answer compressed ({@link #deflated}), and are stored. */
    RunJsonParts compressedOnly() {
        return new RunJsonParts(this, cut.withoutJson(), problems.withoutJson());
    }

    /** Made on this thread: a run alone shares nothing. */
    static RunJsonParts of(RunReport run, ExecutorService beside) {
        return new RunJsonParts(run, Part.of(Cut.of(run), beside), Part.of(Problems.of(run), beside));
    }

    /**
     * Where {@code placeholder} is in the frame. It cannot be inside a string: a string's quotes are escaped. It is
     * missing only if the report's properties were reordered around the cut, which the tests would show.
     */
    private static int indexOf(byte[] frame, byte[] placeholder, int from) {
        search:
        for (int i = from; i <= frame.length - placeholder.length; i++) {
            for (int k = 0; k < placeholder.length; k++) {
                if (frame[i + k] != placeholder[k]) {
                    continue search;
                }
            }
            return i;
        }
        throw new IllegalStateException("the report's JSON does not hold " + new String(placeholder,
                StandardCharsets.UTF_8) + " where the run's parts go");
    }

    /**
     * The stored document: the run's gzip members (its opening and outline, then the run), then {@code more}
     * members; the compressed cut and problems are copied once, into it.
     */
    byte[] document(byte[]... more) {
        byte[] opening = RunDocuments.opening(run);
        List<byte[]> pieces = new ArrayList<>();
        pieces.add(RunDocuments.member(out -> {
            out.write(opening);
            out.write(frame, 0, cutAt);
        }));
        pieces.addAll(cut.deflated().memberPieces());
        pieces.add(RunDocuments.member(out -> out.write(frame, cutAt + CUT_NULL.length,
                problemsAt - cutAt - CUT_NULL.length)));
        pieces.addAll(problems.deflated().memberPieces());
        pieces.add(RunDocuments.member(out -> out.write(frame, problemsAt + PROBLEMS_NULL.length,
                frame.length - problemsAt - PROBLEMS_NULL.length)));
        pieces.addAll(java.util.Arrays.asList(more));
        return RunDocuments.join(pieces);
    }

    /**
     * {@link #asStream} compressed, as the blocks of one gzip member: the cut and the problems as they were
     * compressed for the stored document, the frame's pieces between them compressed anew (a few hundred bytes).
     */
    List<Deflated> deflated(byte[] more) {
        int afterCut = cutAt + CUT_NULL.length;
        int afterProblems = problemsAt + PROBLEMS_NULL.length;
        return List.of(
                RunDocuments.deflated(out -> out.write(frame, 0, cutAt), cutAt),
                cut.deflated(),
                RunDocuments.deflated(out -> out.write(frame, afterCut, problemsAt - afterCut), 256),
                problems.deflated(),
                RunDocuments.deflated(out -> {
                    out.write(frame, afterProblems, frame.length - 1 - afterProblems);
                    out.write(more);
                }, 256));
    }

    /** The run's JSON without its closing brace, then {@code more}; nothing is copied. */
    InputStream asStream(byte[] more) {
        requirePlainJson();
        int afterCut = cutAt + CUT_NULL.length;
        int afterProblems = problemsAt + PROBLEMS_NULL.length;
        return new SequenceInputStream(Collections.enumeration(List.of(
                new ByteArrayInputStream(frame, 0, cutAt), cut.properties(),
                new ByteArrayInputStream(frame, afterCut, problemsAt - afterCut), problems.properties(),
                new ByteArrayInputStream(frame, afterProblems, frame.length - 1 - afterProblems),
                new ByteArrayInputStream(more))));
    }

    /** A run made for a compressed answer ({@link #compressedOnly}) has no plain JSON to answer with. */
    private void requirePlainJson() {
        if (cut.json() == null || problems.json() == null) {
            throw new IllegalStateException("run " + run.id() + " kept its JSON compressed only: answer it compressed");
        }
    }

    /** The length of {@link #asStream} before {@code more}. */
    long sizeWithoutClosingBrace() {
        requirePlainJson();
        return frame.length - 1 - CUT_NULL.length - PROBLEMS_NULL.length + (cut.json().size() - 2)
                + (problems.json().size() - 2);
    }
}
