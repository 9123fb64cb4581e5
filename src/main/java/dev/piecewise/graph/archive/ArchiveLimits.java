package dev.piecewise.graph.archive;

/**
 * What an uploaded archive may hold: against zip bombs, the entries read and the bytes they decompress to are
 * counted as they stream by. See src/docs/operations.md.
 */
public record ArchiveLimits(int maxEntries, long maxUncompressedBytes) {
}
