package dev.cachesync.devstack;

/** A part of the stack could not start or stop. The message names the part, the reason and the tail of its log. */
public final class DevStackException extends RuntimeException {
    private final String part;

    public DevStackException(String part, String why, String logTail, Throwable cause) {
        super(format(part, why, logTail), cause);
        this.part = part;
    }

    public DevStackException(String part, String why, String logTail) {
        this(part, why, logTail, null);
    }

    /** Which part failed: "kafka", "redis" or "schema-registry". */
    public String part() {
        return part;
    }

    private static String format(String part, String why, String logTail) {
        StringBuilder message = new StringBuilder("devstack: ").append(part).append(" could not start: ").append(why);
        if (logTail != null && !logTail.isBlank()) {
            message.append("\n--- last lines of the ").append(part).append(" log ---\n").append(logTail);
        }
        return message.toString();
    }
}
