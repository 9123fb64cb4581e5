package dev.piecewise.auth;

import org.springframework.boot.web.server.ConfigurableWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import java.net.InetAddress;

/**
 * Without authentication anyone who reaches the port may delete every run, so the service then listens on the
 * loopback interface only, unless {@code server.address} says otherwise.
 */
@Component
class LoopbackWhenOpen implements WebServerFactoryCustomizer<ConfigurableWebServerFactory> {

    private final AuthProperties auth;
    private final Environment environment;

    LoopbackWhenOpen(AuthProperties auth, Environment environment) {
        this.auth = auth;
        this.environment = environment;
    }

    @Override
    public void customize(ConfigurableWebServerFactory factory) {
        if (!auth.enabled() && !environment.containsProperty("server.address")) {
            factory.setAddress(InetAddress.getLoopbackAddress());
        }
    }
}
