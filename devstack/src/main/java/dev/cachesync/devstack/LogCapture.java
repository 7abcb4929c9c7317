package dev.cachesync.devstack;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

/**
 * Records everything logged in this JVM (through Logback) while open, messages and stack traces as they would be
 * printed, so a test can check that no secret ever reaches a log. Kafka's and the services' loggers are opened to
 * INFO meanwhile, so their configuration dumps are part of what is recorded.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private static final List<String> OPENED = List.of("org.apache.kafka", "kafka", "org.redisson", "dev.cachesync");

    private final List<String> lines = new ArrayList<>();
    private final Map<Logger, Level> previous = new java.util.HashMap<>();

    private LogCapture() {
    }

    /** Starts recording; {@link #close()} stops. */
    public static LogCapture begin() {
        return begin(new String[0]);
    }

    /** Starts recording with these loggers opened to INFO too (e.g. a connection pool's), besides the usual ones. */
    public static LogCapture begin(String... alsoOpened) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        LogCapture capture = new LogCapture();
        capture.setContext(context);
        capture.setName("devstack-log-capture");
        capture.start();
        for (String name : java.util.stream.Stream.concat(OPENED.stream(), java.util.Arrays.stream(alsoOpened))
                .distinct().toList()) {
            Logger logger = context.getLogger(name);
            capture.previous.put(logger, logger.getLevel());
            logger.setLevel(Level.INFO);
        }
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(capture);
        return capture;
    }

    @Override
    protected synchronized void append(ILoggingEvent event) {
        String line = event.getLoggerName() + " " + event.getFormattedMessage();
        if (event.getThrowableProxy() != null) {
            line += "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy());
        }
        lines.add(line);
    }

    /** Everything recorded so far, one entry per log event. */
    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** Everything recorded so far as one text. */
    public synchronized String text() {
        return String.join("\n", lines);
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) getContext();
        context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this);
        previous.forEach(Logger::setLevel);
        stop();
    }
}
