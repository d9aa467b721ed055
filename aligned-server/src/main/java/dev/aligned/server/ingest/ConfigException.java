package dev.aligned.server.ingest;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** A configuration file that cannot be used: every problem found, each naming its key. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient List<ConfigError> errors;

    /** A problem list for {@code file} (used by every section reader of the configuration file). */
    public ConfigException(Path file, List<ConfigError> errors) {
        super(file + ": " + errors.stream().map(ConfigError::toString).collect(Collectors.joining("; ")));
        this.errors = List.copyOf(errors);
    }

    /** The problems, in file order. */
    public List<ConfigError> errors() {
        return errors;
    }
}
