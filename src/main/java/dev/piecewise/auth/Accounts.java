package dev.piecewise.auth;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Users (BCrypt password hashes) and API tokens (SHA-256 hashes of 256 random bits: a hash that is fast to check
 * is safe for random tokens, unlike for passwords). A token is shown once, when it is created.
 */
@Service
public class Accounts implements UserDetailsService {

    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@-]{1,100}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public record UserView(String username, String role, Instant createdAt) {
    }

    public record TokenView(String id, String name, String role, String createdBy, Instant createdAt) {
    }

    /** A token as created: {@code token} is the secret, shown this once. */
    public record NewToken(String id, String name, String role, String token) {
    }

    private final JdbcClient jdbc;
    private final PasswordEncoder passwords;
    private final byte[] adminTokenHash;

    Accounts(JdbcClient jdbc, PasswordEncoder passwords, AuthProperties auth) {
        this.jdbc = jdbc;
        this.passwords = passwords;
        this.adminTokenHash = auth.adminToken() == null || auth.adminToken().isBlank() ? null
                : HexFormat.of().parseHex(sha256(auth.adminToken().trim()));
    }

    @Override
    public UserDetails loadUserByUsername(String username) {
        return jdbc.sql("select username, password_hash, role from app_user where username = ?").param(username)
                .query((rs, i) -> User.withUsername(rs.getString(1)).password(rs.getString(2))
                        .authorities(Role.fromId(rs.getString(3)).authority()).build())
                .optional().orElseThrow(() -> new UsernameNotFoundException("no user " + username));
    }

    /** The role of a presented API token, if it is the configured admin token or a stored, unrevoked one. */
    public Optional<Authenticated> authenticateToken(String token) {
        String hash = sha256(token);
        if (adminTokenHash != null && MessageDigest.isEqual(adminTokenHash, HexFormat.of().parseHex(hash))) {
            return Optional.of(new Authenticated("admin-token", Role.ADMIN));
        }
        return jdbc.sql("select name, role from api_token where token_hash = ?").param(hash)
                .query((rs, i) -> new Authenticated("token:" + rs.getString(1), Role.fromId(rs.getString(2))))
                .optional();
    }

    /** Who a token speaks for. */
    public record Authenticated(String name, Role role) {
    }

    @Transactional
    public void createUser(String username, String password, Role role) {
        if (username == null || !USERNAME.matcher(username).matches()) {
            throw new IllegalArgumentException("a user name is 1 to 100 letters, digits or . _ @ -");
        }
        if (password == null || password.length() < 8 || password.length() > 72) {
            throw new IllegalArgumentException("a password has 8 to 72 characters");
        }
        if (jdbc.sql("select count(*) from app_user where username = ?").param(username).query(Integer.class).single() > 0) {
            throw new IllegalArgumentException("user '" + username + "' exists already");
        }
        jdbc.sql("insert into app_user (username, password_hash, role, created_at) values (?, ?, ?, ?)")
                .params(username, passwords.encode(password), role.id(), Timestamp.from(Instant.now())).update();
    }

    public boolean deleteUser(String username) {
        return jdbc.sql("delete from app_user where username = ?").param(username).update() > 0;
    }

    public List<UserView> users() {
        return jdbc.sql("select username, role, created_at from app_user order by username")
                .query((rs, i) -> new UserView(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant())).list();
    }

    public NewToken createToken(String name, Role role, String createdBy) {
        if (name == null || name.isBlank() || name.length() > 200) {
            throw new IllegalArgumentException("a token's name has 1 to 200 characters");
        }
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = "pw_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        String id = UUID.randomUUID().toString();
        jdbc.sql("insert into api_token (id, name, token_hash, role, created_by, created_at) values (?, ?, ?, ?, ?, ?)")
                .params(id, name.trim(), sha256(token), role.id(), createdBy, Timestamp.from(Instant.now())).update();
        return new NewToken(id, name.trim(), role.id(), token);
    }

    public boolean revokeToken(String id) {
        return jdbc.sql("delete from api_token where id = ?").param(id).update() > 0;
    }

    public List<TokenView> tokens() {
        return jdbc.sql("select id, name, role, created_by, created_at from api_token order by created_at, id")
                .query((rs, i) -> new TokenView(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getTimestamp(5).toInstant())).list();
    }

    static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
