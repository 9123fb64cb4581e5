package dev.piecewise.graph.archive;

import dev.piecewise.graph.trace.TraceLogReader;
import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.ArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a .zip or .tar.gz of a TORCH_TRACE directory (one log per rank) or of a vLLM
 * {@code torch_compile_cache/<hash>/} directory ({@code rank_<i>_<j>/<prefix>/computation_graph.py} beside
 * {@code transformed_code*.py}, {@code vllm_compile_cache.py} and {@code cache_key_factors.json}). Entries stream
 * through memory only, never to disk; entry count, decompressed bytes and entry names are checked as they come.
 * See src/docs/formats.md, "Archives".
 */
public final class GraphArchive {

    private static final Pattern CACHE_GRAPH = Pattern.compile("(?:^|/)rank_(\\d+_\\d+)/([^/]+)/computation_graph\\.py$");
    private static final Pattern TRACE_RANK = Pattern.compile("rank_(\\d+)");
    private static final Pattern CACHE_COMPANION = Pattern.compile(
            "(?:^|/)rank_\\d+_\\d+/[^/]+/(transformed_code[^/]*\\.py|vllm_compile_cache\\.py|cache_key_factors\\.json)$");

    private GraphArchive() {
    }

    /** Whether {@code bytes} start like a zip or a gzip stream. */
    public static boolean isArchive(byte[] bytes) {
        return isZip(bytes) || isGzip(bytes);
    }

    private static boolean isZip(byte[] b) {
        return b.length >= 4 && b[0] == 'P' && b[1] == 'K' && (b[2] == 3 || b[2] == 5) && (b[3] == 4 || b[3] == 6);
    }

    private static boolean isGzip(byte[] b) {
        return b.length >= 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b;
    }

    /**
     * The archive's graph files, traces first then caches, each group by path.
     *
     * @throws ArchiveException for an unreadable archive, an unsafe entry name or a broken limit
     */
    public static List<ArchiveGraph> read(byte[] bytes, ArchiveLimits limits) {
        List<ArchiveGraph> graphs = new ArrayList<>();
        Map<String, List<String>> companions = new HashMap<>();
        try (ArchiveInputStream<? extends ArchiveEntry> in = open(bytes)) {
            long total = 0;
            int entries = 0;
            ArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                if (++entries > limits.maxEntries()) {
                    throw new ArchiveException("the archive holds more than " + limits.maxEntries() + " entries");
                }
                String path = checkedName(entry.getName());
                if (entry.isDirectory()) {
                    continue;
                }
                byte[] content = readBounded(in, limits.maxUncompressedBytes() - total, limits);
                total += content.length;
                Matcher cache = CACHE_GRAPH.matcher(path);
                Matcher companion = CACHE_COMPANION.matcher(path);
                if (cache.find()) {
                    graphs.add(new ArchiveGraph(ArchiveGraph.Kind.COMPUTATION_GRAPH, path, cache.group(1), cache.group(2),
                            content, List.of()));
                } else if (companion.find()) {
                    companions.computeIfAbsent(directory(path), k -> new ArrayList<>()).add(companion.group(1));
                } else if (isTraceLog(content)) {
                    Matcher rank = TRACE_RANK.matcher(path.substring(path.lastIndexOf('/') + 1));
                    graphs.add(new ArchiveGraph(ArchiveGraph.Kind.TRACE_LOG, path, rank.find() ? rank.group(1) : null,
                            null, content, List.of()));
                }
            }
        } catch (IOException e) {
            throw new ArchiveException("the archive cannot be read: " + e.getMessage(), e);
        }
        return graphs.stream()
                .map(g -> g.kind() == ArchiveGraph.Kind.COMPUTATION_GRAPH ? new ArchiveGraph(g.kind(), g.path(), g.rank(),
                        g.prefix(), g.content(), companions.getOrDefault(directory(g.path()), List.of()).stream().sorted().toList()) : g)
                .sorted(Comparator.comparing((ArchiveGraph g) -> g.kind()).thenComparing(ArchiveGraph::path))
                .toList();
    }

    private static ArchiveInputStream<? extends ArchiveEntry> open(byte[] bytes) throws IOException {
        if (isZip(bytes)) {
            return new ZipArchiveInputStream(new ByteArrayInputStream(bytes), "UTF-8", true, true);
        }
        if (isGzip(bytes)) {
            return new TarArchiveInputStream(new GzipCompressorInputStream(new ByteArrayInputStream(bytes)));
        }
        throw new ArchiveException("not a .zip or .tar.gz archive");
    }

    /** Entry names are relative paths inside the archive: no absolute paths, no {@code ..}, no control characters. */
    private static String checkedName(String name) {
        String path = name.replace('\\', '/');
        boolean unsafe = path.isEmpty() || path.startsWith("/") || path.matches("^[A-Za-z]:.*")
                || path.chars().anyMatch(c -> c < 0x20);
        for (String part : path.split("/")) {
            unsafe |= part.equals("..");
        }
        if (unsafe) {
            throw new ArchiveException("unsafe entry name '" + name.replaceAll("\\p{Cntrl}", "?")
                    + "': entries must be relative paths without '..'");
        }
        return path.startsWith("./") ? path.substring(2) : path;
    }

    private static byte[] readBounded(InputStream in, long allowed, ArchiveLimits limits) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[65536];
        long read = 0;
        int n;
        while ((n = in.read(buffer)) > 0) {
            read += n;
            if (read > allowed) {
                throw new ArchiveException("the archive decompresses to more than " + limits.maxUncompressedBytes()
                        + " bytes");
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static boolean isTraceLog(byte[] content) {
        int end = 0;
        while (end < content.length && end < 4096 && content[end] != '\n') {
            end++;
        }
        return TraceLogReader.looksLikeTrace(new String(content, 0, end, StandardCharsets.UTF_8));
    }

    private static String directory(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }
}
