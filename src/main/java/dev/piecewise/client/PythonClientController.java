package dev.piecewise.client;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Serves the torch.compile backend (src/main/python/piecewise.py) so users fetch it with curl:
 * {@code curl -O http://host:8080/client/piecewise.py}.
 */
@Tag(name = "client", description = "The Python backend that posts every torch.compile graph")
@RestController
public class PythonClientController {

    private static final MediaType PYTHON = MediaType.parseMediaType("text/x-python;charset=UTF-8");
    private final String source;

    PythonClientController() throws IOException {
        try (InputStream in = new ClassPathResource("client/piecewise.py").getInputStream()) {
            source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Operation(summary = "piecewise.py: a torch.compile backend posting each graph here (standard library and torch)")
    @GetMapping(value = "/client/piecewise.py", produces = {"text/x-python", MediaType.TEXT_PLAIN_VALUE, "*/*"})
    ResponseEntity<String> client() {
        return ResponseEntity.ok().contentType(PYTHON)
                .header("Content-Disposition", "inline; filename=\"piecewise.py\"").body(source);
    }
}
