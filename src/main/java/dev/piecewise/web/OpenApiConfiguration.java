package dev.piecewise.web;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The title of the OpenAPI description at /v3/api-docs. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    @Bean
    OpenAPI piecewiseOpenApi() {
        return new OpenAPI().info(new Info().title("Piecewise API").version("1")
                .description("Partition torch.fx graphs exactly as vLLM's split_graph and split_module would, "
                        + "see what crosses every cut and whether every piece compiles."));
    }
}
