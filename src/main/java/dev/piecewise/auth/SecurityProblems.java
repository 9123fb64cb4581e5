package dev.piecewise.auth;

import dev.piecewise.web.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.csrf.CsrfException;

import java.io.IOException;

/**
 * 401 and 403 as problem details on the API; on pages, an anonymous visitor goes to the login page and a refusal
 * is an error page (through {@code /error}).
 */
class SecurityProblems implements AuthenticationEntryPoint, AccessDeniedHandler {

    private final LoginUrlAuthenticationEntryPoint login = new LoginUrlAuthenticationEntryPoint("/login");

    static boolean isApi(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return path.startsWith("/api/") || path.startsWith("/actuator/") || path.startsWith("/v3/");
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException, jakarta.servlet.ServletException {
        if (!isApi(request)) {
            login.commence(request, response, e);
            return;
        }
        response.setHeader("WWW-Authenticate", "Bearer");
        Problems.write(response, HttpStatus.UNAUTHORIZED, Problems.UNAUTHORIZED, "Authentication required",
                ApiTokenFilter.hasBearer(request) ? e.getMessage()
                        : "send an API token as 'Authorization: Bearer <token>' (piecewise.auth.enabled is on)");
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        String detail = e instanceof CsrfException
                ? "the form's CSRF token is missing or wrong: forms are accepted only from this site's own pages"
                : "your role may not do this: viewers read, uploaders also create runs, admins also delete and manage users and tokens";
        if (isApi(request)) {
            Problems.write(response, HttpStatus.FORBIDDEN, Problems.FORBIDDEN, "Forbidden", detail);
        } else {
            response.sendError(HttpStatus.FORBIDDEN.value(), detail);
        }
    }
}
