package dev.piecewise.auth;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRequestHandler;
import org.springframework.security.web.csrf.XorCsrfTokenRequestAttributeHandler;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;

import java.util.function.Supplier;

/**
 * Who may do what (src/docs/operations.md, "Security"). Always: CSRF tokens on every page form, a
 * Content-Security-Policy without inline script, nosniff and no framing. With {@code piecewise.auth.enabled}:
 * API tokens and form login, viewer reads, uploader creates runs and comparisons, admin deletes and manages
 * users and tokens; {@code piecewise.auth.public-read} lets anonymous users read.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AuthProperties.class)
class SecurityConfiguration {

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    @Bean
    PasswordEncoder passwordEncoder() {
        return new BCryptPasswordEncoder();
    }

    @Bean
    RoleHierarchy roleHierarchy() {
        return RoleHierarchyImpl.withDefaultRolePrefix()
                .role("ADMIN").implies("UPLOADER")
                .role("UPLOADER").implies("VIEWER")
                .build();
    }

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, AuthProperties auth, Accounts accounts) throws Exception {
        SecurityProblems problems = new SecurityProblems();
        // API clients (curl, tokens) carry no session, so no CSRF token; a browser's session cookie does, and then
        // a post to the API must carry the token like any page form.
        // For pages the token is made before the page renders: a long page (history, a big run) is flushed, and so
        // committed, before its last form, when a deferred token could no longer create its session. For API
        // clients it is never made: that would create a session per request, kept for half an hour, for a harness
        // that posts thousands of runs and never sends the cookie back.
        var eagerToken = new XorCsrfTokenRequestAttributeHandler();
        eagerToken.setCsrfRequestAttributeName(null);
        var deferredToken = new XorCsrfTokenRequestAttributeHandler();
        CsrfTokenRequestHandler tokens = new CsrfTokenRequestHandler() {
            @Override
            public void handle(HttpServletRequest request, HttpServletResponse response, Supplier<CsrfToken> token) {
                (apiWithoutSession(request) ? deferredToken : eagerToken).handle(request, response, token);
            }

            @Override
            public String resolveCsrfTokenValue(HttpServletRequest request, CsrfToken token) {
                return eagerToken.resolveCsrfTokenValue(request, token);
            }
        };
        http.csrf(csrf -> csrf.ignoringRequestMatchers(SecurityConfiguration::apiWithoutSession)
                .csrfTokenRequestHandler(tokens));
        http.headers(headers -> headers
                .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                .frameOptions(frame -> frame.deny())
                .referrerPolicy(referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN)));
        http.exceptionHandling(e -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems));
        if (!auth.enabled()) {
            http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll());
            return http.build();
        }
        http.addFilterBefore(new ApiTokenFilter(accounts, problems), UsernamePasswordAuthenticationFilter.class);
        http.formLogin(form -> form.loginPage("/login").permitAll());
        http.logout(logout -> logout.logoutSuccessUrl("/login?logout"));
        http.authorizeHttpRequests(requests -> {
            requests.requestMatchers("/login", "/app.css", "/app.js", "/favicon.ico", "/error", "/client/piecewise.py",
                    "/actuator/health", "/actuator/health/**").permitAll();
            requests.requestMatchers("/admin", "/admin/**", "/api/admin/**", "/actuator/**").hasRole("ADMIN");
            requests.requestMatchers(HttpMethod.DELETE, "/api/runs/**").hasRole("ADMIN");
            requests.requestMatchers(HttpMethod.POST, "/runs/*/delete").hasRole("ADMIN");
            requests.requestMatchers(HttpMethod.POST, "/api/runs", "/runs", "/runs/*/compare", "/runs/*/rerun").hasRole("UPLOADER");
            if (auth.publicRead()) {
                requests.requestMatchers(HttpMethod.GET, "/**").permitAll();
                requests.requestMatchers(HttpMethod.HEAD, "/**").permitAll();
            } else {
                requests.requestMatchers(HttpMethod.GET, "/**").hasRole("VIEWER");
                requests.requestMatchers(HttpMethod.HEAD, "/**").hasRole("VIEWER");
            }
            requests.anyRequest().hasRole("ADMIN");
        });
        return http.build();
    }

    private static boolean apiWithoutSession(HttpServletRequest request) {
        return SecurityProblems.isApi(request) && (ApiTokenFilter.hasBearer(request) || request.getRequestedSessionId() == null);
    }
}
