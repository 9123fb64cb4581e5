package dev.piecewise.auth;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;

/** The sign-in page, and the admin page: users and API tokens (a new token is shown once, on this page). */
@Controller
class AdminPageController {

    private final Accounts accounts;

    AdminPageController(Accounts accounts) {
        this.accounts = accounts;
    }

    @GetMapping("/login")
    String login() {
        return "login";
    }

    @GetMapping("/admin")
    String admin(Model model) {
        model.addAttribute("users", accounts.users());
        model.addAttribute("tokens", accounts.tokens());
        model.addAttribute("roles", Role.values());
        return "admin";
    }

    @PostMapping("/admin/users")
    String createUser(@RequestParam String username, @RequestParam String password, @RequestParam String role) {
        accounts.createUser(username, password, Role.fromId(role));
        return "redirect:/admin";
    }

    @PostMapping("/admin/users/{username}/delete")
    String deleteUser(@PathVariable String username) {
        accounts.deleteUser(username);
        return "redirect:/admin";
    }

    @PostMapping("/admin/tokens")
    String createToken(@RequestParam String name, @RequestParam String role, Authentication who, Model model) {
        model.addAttribute("newToken", accounts.createToken(name, Role.fromId(role), who.getName()));
        return admin(model);
    }

    @PostMapping("/admin/tokens/{id}/revoke")
    String revokeToken(@PathVariable String id) {
        accounts.revokeToken(id);
        return "redirect:/admin";
    }

    @ExceptionHandler(IllegalArgumentException.class)
    @ResponseStatus(HttpStatus.BAD_REQUEST)
    String refused(IllegalArgumentException e, Model model) {
        model.addAttribute("error", e.getMessage());
        return admin(model);
    }
}
