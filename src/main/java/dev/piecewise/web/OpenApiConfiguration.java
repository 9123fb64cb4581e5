package dev.piecewise.web;

import dev.piecewise.run.RunJson;
import io.swagger.v3.core.converter.ModelConverter;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.StringSchema;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The title of the OpenAPI description at /v3/api-docs, and enums described as the API writes them. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    @Bean
    OpenAPI piecewiseOpenApi() {
        return new OpenAPI().info(new Info().title("Piecewise API").version("1")
                .description("Partition torch.fx graphs exactly as vLLM's split_graph and split_module would, "
                        + "see what crosses every cut and whether every piece compiles."));
    }

    /**
     * Enum values as the API writes them ({@code aot-fails}, {@code move-to-consumer}), not their Java names: the
     * description reads them from the mapper of the runs ({@link RunJson}) instead of repeating them.
     */
    @Bean
    ModelConverter enumsAsWritten() {
        return (type, context, chain) -> {
            Class<?> raw = Json.mapper().constructType(type.getType()).getRawClass();
            if (raw.isEnum()) {
                StringSchema schema = new StringSchema();
                for (Object constant : raw.getEnumConstants()) {
                    schema.addEnumItem(RunJson.MAPPER.valueToTree(constant).asString());
                }
                return schema;
            }
            return chain.hasNext() ? chain.next().resolve(type, context, chain) : null;
        };
    }
}
