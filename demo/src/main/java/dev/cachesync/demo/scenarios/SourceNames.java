package dev.cachesync.demo.scenarios;

/** Human names of the read sources for the console. */
public final class SourceNames {
    private SourceNames() {
    }

    public static String describe(String source) {
        return switch (source) {
            case "LOCAL" -> "near cache, LOCAL";
            case "REDIS" -> "shared Redis, REDIS";
            case "ORIGIN" -> "catalog API, ORIGIN";
            case "REVALIDATED" -> "catalog API 304, REVALIDATED";
            case "STALE" -> "stale-while-revalidate, STALE";
            case "MEMORY" -> "in-memory map";
            default -> source;
        };
    }
}
