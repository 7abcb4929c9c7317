package dev.cachesync.demo.security;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Everything logged while open, as text: each event's formatted message and its exception's messages and stack
 * traces. {@code verbose} loggers are lowered to INFO for the time (Kafka prints its client configuration there).
 */
final class CapturedLogs implements AutoCloseable {
    private final List<String> lines = new ArrayList<>();
    private final Map<Logger, Level> restore = new HashMap<>();
    private final Logger root;
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            StringBuilder text = new StringBuilder(event.getLevel() + " " + event.getLoggerName() + " - "
                    + event.getFormattedMessage());
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                text.append("\n").append(t.getClassName()).append(": ").append(t.getMessage());
                for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
                    text.append("\n\t").append(frame.getSTEAsString());
                }
            }
            synchronized (lines) {
                lines.add(text.toString());
            }
        }
    };

    CapturedLogs(String... verbose) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        for (String name : verbose) {
            Logger logger = context.getLogger(name);
            restore.put(logger, logger.getLevel());
            logger.setLevel(Level.INFO);
        }
        appender.setContext(context);
        appender.start();
        root.addAppender(appender);
    }

    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    String text() {
        return String.join("\n", lines());
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
        restore.forEach(Logger::setLevel);
    }
}
