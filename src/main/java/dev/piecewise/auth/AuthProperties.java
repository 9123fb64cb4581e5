package dev.piecewise.auth;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code piecewise.auth.*}: authentication is off by default (the service then listens on loopback only, see
 * {@link LoopbackWhenOpen}); {@code public-read} lets anonymous users read when it is on; {@code admin-token} is a
 * first admin API token, to create users and tokens with.
 */
@ConfigurationProperties("piecewise.auth")
public record AuthProperties(boolean enabled, boolean publicRead, String adminToken) {
}
