package dev.piecewise.auth;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.ui.Model;

/** The layout's header shows who is signed in, a sign-out button and, for admins, the admin page. */
@ControllerAdvice(annotations = Controller.class)
class SignedInAdvice {

    private final AuthProperties auth;

    SignedInAdvice(AuthProperties auth) {
        this.auth = auth;
    }

    @ModelAttribute
    void signedIn(Model model) {
        Authentication who = SecurityContextHolder.getContext().getAuthentication();
        boolean signedIn = auth.enabled() && who != null && who.isAuthenticated() && !(who instanceof AnonymousAuthenticationToken);
        model.addAttribute("authEnabled", auth.enabled());
        model.addAttribute("signedInAs", signedIn ? who.getName() : null);
        model.addAttribute("signedInAdmin", signedIn && who.getAuthorities().stream()
                .anyMatch(a -> a.getAuthority().equals(Role.ADMIN.authority())));
    }
}
