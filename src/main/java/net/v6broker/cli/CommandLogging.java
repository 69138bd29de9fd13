package net.v6broker.cli;

import java.io.PrintStream;
import java.util.Locale;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The slf4j provider of every command but {@code serve}: the libraries' warnings and errors (Flyway
 * migrating an old database, SQLite's driver) go to standard error as one line each,
 * {@code v6broker: warning: (org.flywaydb.core...) text}; anything less is dropped, as the
 * commands ran with slf4j-simple before.
 *
 * <p>Why not slf4j-simple here (docs/decisions.md, 18): it looks for {@code simplelogger.properties}
 * on the class path at start, which opens and indexes the 16,000-entry jar that the class-data
 * archive otherwise spares every command: a third of the CPU of opening the database in a
 * {@code client add}. The daemon keeps slf4j-simple and its properties (see {@link Logging}).
 */
public final class CommandLogging implements SLF4JServiceProvider {
    private final ILoggerFactory loggers = StderrLogger::new;
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        // nothing to set up
    }

    /** Warnings and errors to standard error, read when the line is written (tests replace it). */
    static final class StderrLogger extends LegacyAbstractLogger implements Logger {
        private static final long serialVersionUID = 1L;

        StderrLogger(String name) {
            this.name = name;
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public boolean isDebugEnabled() {
            return false;
        }

        @Override
        public boolean isInfoEnabled() {
            return false;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String message, Object[] arguments,
                Throwable throwable) {
            StringBuilder line = new StringBuilder("v6broker: ").append(level.name().toLowerCase(Locale.ROOT))
                    .append(": (").append(name).append(") ")
                    .append(MessageFormatter.basicArrayFormat(message, arguments));
            if (throwable != null) {
                line.append(": ").append(throwable);
            }
            PrintStream err = System.err;
            err.println(line);
        }
    }
}
