package dev.previews.ops;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.LoggerFactory;

/**
 * How the process logs: {@code plain} text lines (the default, as {@code logback.xml} writes them)
 * or {@code json}, one JSON object a line for log collectors (logback's own {@link JsonEncoder}:
 * {@code timestamp} in epoch milliseconds, {@code level}, {@code threadName}, {@code loggerName},
 * {@code mdc}, {@code formattedMessage}, {@code throwable}). Both go to standard error.
 */
public enum LogFormat {
    plain,
    json;

    static final String APPENDER = "STDERR";
    static final String PLAIN_PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{24} - %msg%n";

    /** Replaces the root logger's console appender by one writing this format to standard error. */
    public void apply() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another SLF4J provider: leave its configuration alone
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName(APPENDER);
        appender.setTarget("System.err");
        appender.setEncoder(encoder(context));
        appender.start();
        var previous = root.getAppender(APPENDER);
        root.detachAppender(APPENDER);
        root.addAppender(appender);
        if (previous != null) {
            previous.stop();
        }
    }

    private Encoder<ILoggingEvent> encoder(LoggerContext context) {
        if (this == json) {
            JsonEncoder encoder = new JsonEncoder();
            encoder.setContext(context);
            encoder.setWithSequenceNumber(false);
            encoder.setWithNanoseconds(false);
            encoder.setWithContext(false);
            encoder.setWithArguments(false);
            encoder.setWithMessage(false);
            encoder.setWithFormattedMessage(true);
            encoder.start();
            return encoder;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PLAIN_PATTERN);
        encoder.start();
        return encoder;
    }
}
