package dev.piecewise.auth;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a user or token may do; each role includes the ones before it. */
public enum Role {
    /** reads runs, pages and the API */
    VIEWER,
    /** also creates runs and comparisons */
    UPLOADER,
    /** also deletes runs and manages users and tokens */
    ADMIN;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The Spring Security authority, {@code ROLE_ADMIN}. */
    String authority() {
        return "ROLE_" + name();
    }

    public static Role fromId(String id) {
        return Arrays.stream(values()).filter(r -> r.id().equals(id == null ? null : id.trim().toLowerCase(Locale.ROOT)))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("unknown role '" + id + "'; accepted roles: "
                        + Arrays.stream(values()).map(Role::id).collect(Collectors.joining(", "))));
    }
}
