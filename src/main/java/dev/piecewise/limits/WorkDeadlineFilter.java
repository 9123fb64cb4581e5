package dev.piecewise.limits;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/** Starts the {@link WorkDeadline} of a request once its body is in (after {@link BodyPrefetchFilter}). */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
class WorkDeadlineFilter extends OncePerRequestFilter {

    private final LimitsProperties limits;

    WorkDeadlineFilter(LimitsProperties limits) {
        this.limits = limits;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        WorkDeadline.start(limits.workTimeout());
        try {
            chain.doFilter(request, response);
        } finally {
            WorkDeadline.clear();
        }
    }
}
