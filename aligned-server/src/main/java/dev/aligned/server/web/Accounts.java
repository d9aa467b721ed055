package dev.aligned.server.web;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Users, sessions and API tokens (schema V4), passwords hashed by {@link Passwords}. */
final class Accounts {
    static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    static final int MIN_PASSWORD = 10;

    /** A logged-in user: admins see every domain, others the listed ones. */
    record User(long id, String username, boolean admin, Set<String> domains) {
        boolean maySee(String domain) {
            return admin || domains.contains(domain);
        }
    }

    record Session(String idHash, User user, String csrf) {
    }

    record TokenInfo(long id, String name, String prefix, long createdAt, Long lastUsedAt, Long revokedAt) {
    }

    record UserInfo(long id, String username, boolean admin, List<String> domains, long createdAt,
            Long lastLoginAt) {
    }

    private final WebDb db;
    private final Clock clock;
    private final Passwords passwords;
    private final SecureRandom random;
    private final Duration sessionLifetime;

    Accounts(WebDb db, Clock clock, Passwords passwords, SecureRandom random, Duration sessionLifetime) {
        this.db = db;
        this.clock = clock;
        this.passwords = passwords;
        this.random = random;
        this.sessionLifetime = sessionLifetime;
    }

    long userCount() {
        return db.read(c -> WebDb.query(c, "SELECT COUNT(*) FROM users", rs -> rs.getLong(1)).get(0));
    }

    /** Creates a user; throws for a bad name or a short password (the caller's mistake, shown on the form). */
    long createUser(String username, String password, boolean admin, Set<String> domains) {
        if (!USERNAME.matcher(username).matches()) {
            throw new IllegalArgumentException("user name must be 1 to 64 letters, digits or . _ @ -");
        }
        if (password.length() < MIN_PASSWORD) {
            throw new IllegalArgumentException("password must have at least " + MIN_PASSWORD + " characters");
        }
        String hash = passwords.hash(password);
        return db.tx(c -> {
            if (!WebDb.query(c, "SELECT id FROM users WHERE username = ?", rs -> rs.getLong(1), username).isEmpty()) {
                throw new IllegalArgumentException("user " + username + " exists already");
            }
            long id = WebDb.insert(c, "INSERT INTO users (username, password_hash, admin, created_at) VALUES (?, ?, ?, ?)",
                    username, hash, admin, clock.millis());
            for (String d : domains) {
                WebDb.update(c, "INSERT INTO user_domains (user_id, domain) VALUES (?, ?)", id, d);
            }
            return id;
        });
    }

    /**
     * Changes a user's password after checking the current one; ends the user's other sessions. Throws for a short
     * new password (shown on the form); false when the current password is wrong.
     */
    boolean changePassword(User user, String current, String next, Session keep) {
        if (next.length() < MIN_PASSWORD) {
            throw new IllegalArgumentException("the new password must have at least " + MIN_PASSWORD + " characters");
        }
        if (authenticate(user.username(), current).isEmpty()) {
            return false;
        }
        String hash = passwords.hash(next);
        db.tx(c -> {
            WebDb.update(c, "UPDATE users SET password_hash = ? WHERE id = ?", hash, user.id());
            return WebDb.update(c, "DELETE FROM sessions WHERE user_id = ? AND id_sha256 <> ?", user.id(),
                    keep == null ? "" : keep.idHash());
        });
        return true;
    }

    /** Deletes a user with their sessions, tokens and domains; false when unknown. */
    boolean deleteUser(long id) {
        return db.tx(c -> {
            WebDb.update(c, "DELETE FROM sessions WHERE user_id = ?", id);
            WebDb.update(c, "DELETE FROM api_tokens WHERE user_id = ?", id);
            WebDb.update(c, "DELETE FROM user_domains WHERE user_id = ?", id);
            return WebDb.update(c, "DELETE FROM users WHERE id = ?", id) == 1;
        });
    }

    void setPassword(String username, String password) {
        String hash = passwords.hash(password);
        db.tx(c -> WebDb.update(c, "UPDATE users SET password_hash = ? WHERE username = ?", hash, username));
    }

    /** The user when the password matches. The hash runs even for unknown users, so timing does not tell them apart. */
    Optional<User> authenticate(String username, String password) {
        List<Object[]> rows = db.read(c -> WebDb.query(c, "SELECT id, password_hash FROM users WHERE username = ?",
                rs -> new Object[] {rs.getLong(1), rs.getString(2)}, username));
        String stored = rows.isEmpty() ? DUMMY_HASH : (String) rows.get(0)[1];
        boolean ok = Passwords.verify(password, stored);
        if (rows.isEmpty() || !ok) {
            return Optional.empty();
        }
        long id = (Long) rows.get(0)[0];
        db.tx(c -> WebDb.update(c, "UPDATE users SET last_login_at = ? WHERE id = ?", clock.millis(), id));
        return user(id);
    }

    private static final String DUMMY_HASH = new Passwords(1, new SecureRandom()).hash("not a password");

    Optional<User> user(long id) {
        return db.read(c -> loadUser(c, id));
    }

    private static Optional<User> loadUser(Connection c, long id) throws SQLException {
        List<Object[]> rows = WebDb.query(c, "SELECT username, admin FROM users WHERE id = ?",
                rs -> new Object[] {rs.getString(1), rs.getInt(2) == 1}, id);
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Set<String> domains = new TreeSet<>(WebDb.query(c, "SELECT domain FROM user_domains WHERE user_id = ?",
                rs -> rs.getString(1), id));
        return Optional.of(new User(id, (String) rows.get(0)[0], (Boolean) rows.get(0)[1], Set.copyOf(domains)));
    }

    List<UserInfo> users() {
        return db.read(c -> {
            List<UserInfo> out = new java.util.ArrayList<>();
            for (Object[] r : WebDb.query(c, "SELECT id, username, admin, created_at, last_login_at FROM users ORDER BY username",
                    rs -> new Object[] {rs.getLong(1), rs.getString(2), rs.getInt(3) == 1, rs.getLong(4),
                            rs.getObject(5) == null ? null : rs.getLong(5)})) {
                List<String> d = WebDb.query(c, "SELECT domain FROM user_domains WHERE user_id = ? ORDER BY domain",
                        rs -> rs.getString(1), r[0]);
                out.add(new UserInfo((Long) r[0], (String) r[1], (Boolean) r[2], d, (Long) r[3], (Long) r[4]));
            }
            return out;
        });
    }

    /** Starts a session; returns the cookie value (shown once, stored hashed). */
    String startSession(User user) {
        String id = Passwords.randomToken(random, 32);
        String csrf = Passwords.randomToken(random, 32);
        long now = clock.millis();
        db.tx(c -> {
            WebDb.update(c, "DELETE FROM sessions WHERE expires_at < ?", now);
            return WebDb.update(c, "INSERT INTO sessions (id_sha256, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                    Passwords.sha256(id), user.id(), csrf, now, now + sessionLifetime.toMillis());
        });
        return id;
    }

    Optional<Session> session(String cookieValue) {
        String h = Passwords.sha256(cookieValue);
        long now = clock.millis();
        return db.read(c -> {
            List<Object[]> rows = WebDb.query(c, "SELECT user_id, csrf FROM sessions WHERE id_sha256 = ? AND expires_at > ?",
                    rs -> new Object[] {rs.getLong(1), rs.getString(2)}, h, now);
            if (rows.isEmpty()) {
                return Optional.empty();
            }
            return loadUser(c, (Long) rows.get(0)[0]).map(u -> new Session(h, u, (String) rows.get(0)[1]));
        });
    }

    void endSession(Session s) {
        db.tx(c -> WebDb.update(c, "DELETE FROM sessions WHERE id_sha256 = ?", s.idHash()));
    }

    /** Creates an API token for {@code user}; returns the token (shown once, stored hashed). */
    String createToken(User user, String name) {
        String token = "alg_" + Passwords.randomToken(random, 32);
        db.tx(c -> WebDb.insert(c, "INSERT INTO api_tokens (user_id, name, token_sha256, prefix, created_at) VALUES (?, ?, ?, ?, ?)",
                user.id(), name, Passwords.sha256(token), token.substring(0, 10), clock.millis()));
        return token;
    }

    Optional<User> userForToken(String token) {
        String h = Passwords.sha256(token);
        return db.tx(c -> {
            List<long[]> rows = WebDb.query(c, "SELECT id, user_id FROM api_tokens WHERE token_sha256 = ? AND revoked_at IS NULL",
                    rs -> new long[] {rs.getLong(1), rs.getLong(2)}, h);
            if (rows.isEmpty()) {
                return Optional.empty();
            }
            WebDb.update(c, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", clock.millis(), rows.get(0)[0]);
            return loadUser(c, rows.get(0)[1]);
        });
    }

    List<TokenInfo> tokens(User user) {
        return db.read(c -> WebDb.query(c, "SELECT id, name, prefix, created_at, last_used_at, revoked_at FROM api_tokens "
                + "WHERE user_id = ? ORDER BY id", rs -> new TokenInfo(rs.getLong(1), rs.getString(2), rs.getString(3),
                        rs.getLong(4), (Long) nullableLong(rs, 5), (Long) nullableLong(rs, 6)), user.id()));
    }

    boolean revokeToken(User user, long id) {
        return db.tx(c -> WebDb.update(c, "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
                clock.millis(), id, user.id())) == 1;
    }

    static Long nullableLong(java.sql.ResultSet rs, int col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? null : v;
    }
}
