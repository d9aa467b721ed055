package dev.aligned.store;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Where the embedded database lives by default: {@code $XDG_DATA_HOME/aligned/aligned.db}, else
 * {@code ~/.local/share/aligned/aligned.db}; on Windows {@code %LOCALAPPDATA%\aligned\aligned.db}, on macOS
 * {@code ~/Library/Application Support/aligned/aligned.db}.
 */
public final class DataDirectory {
    private DataDirectory() {
    }

    /** The default database file for this user. */
    public static Path defaultDatabaseFile() {
        return defaultDatabaseFile(System.getenv(), System.getProperty("os.name", ""),
                Path.of(System.getProperty("user.home", ".")));
    }

    /** The default database file for the given environment, OS name and home directory. */
    public static Path defaultDatabaseFile(Map<String, String> env, String osName, Path home) {
        String os = osName.toLowerCase(Locale.ROOT);
        String xdg = env.get("XDG_DATA_HOME");
        Path base;
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            base = Path.of(xdg);
        } else if (os.startsWith("windows") && env.get("LOCALAPPDATA") != null) {
            base = Path.of(env.get("LOCALAPPDATA"));
        } else if (os.startsWith("mac")) {
            base = home.resolve("Library").resolve("Application Support");
        } else {
            base = home.resolve(".local").resolve("share");
        }
        return base.resolve("aligned").resolve("aligned.db");
    }

    /** The JDBC URL of the default database file. */
    public static String defaultDatabaseUrl() {
        return "jdbc:sqlite:" + defaultDatabaseFile();
    }

    /**
     * The JDBC URL for what a user typed: a JDBC URL as is, anything else as the path of a SQLite file.
     */
    public static String urlFor(String urlOrPath) {
        if (urlOrPath.regionMatches(true, 0, "jdbc:", 0, 5)) {
            return urlOrPath;
        }
        return "jdbc:sqlite:" + Path.of(urlOrPath).toAbsolutePath();
    }
}
