package dev.piecewise.run;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JacksonModule;

/** The API writes runs with the same module as the stored documents. */
@Configuration(proxyBeanMethods = false)
class RunJsonConfiguration {

    @Bean
    JacksonModule runJsonModule() {
        return RunJson.module();
    }
}
