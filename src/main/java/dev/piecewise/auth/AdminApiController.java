package dev.piecewise.auth;

import dev.piecewise.web.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.util.List;

/** Users and API tokens through the API, for admins: the token's secret is in the 201 answer only. */
@RestController
@RequestMapping("/api/admin")
class AdminApiController {

    record TokenRequest(String name, String role) {
    }

    record UserRequest(String username, String password, String role) {
    }

    private final Accounts accounts;

    AdminApiController(Accounts accounts) {
        this.accounts = accounts;
    }

    @GetMapping("/tokens")
    List<Accounts.TokenView> tokens() {
        return accounts.tokens();
    }

    @PostMapping("/tokens")
    ResponseEntity<Accounts.NewToken> createToken(@RequestBody TokenRequest request, Authentication who) {
        Accounts.NewToken token = accounts.createToken(request.name(), Role.fromId(request.role()), who.getName());
        return ResponseEntity.created(URI.create("/api/admin/tokens/" + token.id())).body(token);
    }

    @DeleteMapping("/tokens/{id}")
    ResponseEntity<Void> revokeToken(@PathVariable String id) {
        return accounts.revokeToken(id) ? ResponseEntity.noContent().build() : ResponseEntity.notFound().build();
    }

    @GetMapping("/users")
    List<Accounts.UserView> users() {
        return accounts.users();
    }

    @PostMapping("/users")
    ResponseEntity<Accounts.UserView> createUser(@RequestBody UserRequest request) {
        accounts.createUser(request.username(), request.password(), Role.fromId(request.role()));
        return ResponseEntity.created(URI.create("/api/admin/users/" + request.username()))
                .body(accounts.users().stream().filter(u -> u.username().equals(request.username())).findFirst().orElseThrow());
    }

    @DeleteMapping("/users/{username}")
    ResponseEntity<Void> deleteUser(@PathVariable String username) {
        return accounts.deleteUser(username) ? ResponseEntity.noContent().build() : ResponseEntity.notFound().build();
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<ProblemDetail> refused(IllegalArgumentException e) {
        return Problems.respond(HttpStatus.BAD_REQUEST, Problems.BAD_REQUEST, "Bad request", Problems.truncate(e.getMessage()));
    }
}
