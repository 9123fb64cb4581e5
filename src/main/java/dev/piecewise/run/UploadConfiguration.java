package dev.piecewise.run;

import jakarta.servlet.MultipartConfigElement;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.servlet.MultipartConfigFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

/** One upload limit, {@code piecewise.upload.max-size}, for raw bodies and multipart files alike. */
@Configuration(proxyBeanMethods = false)
class UploadConfiguration {

    /** Room for the option parts and multipart framing around a file of the maximum size. */
    private static final DataSize MULTIPART_OVERHEAD = DataSize.ofMegabytes(1);

    @Bean
    MultipartConfigElement multipartConfigElement(@Value("${piecewise.upload.max-size}") DataSize maxSize) {
        MultipartConfigFactory factory = new MultipartConfigFactory();
        factory.setMaxFileSize(maxSize);
        factory.setMaxRequestSize(DataSize.ofBytes(maxSize.toBytes() + MULTIPART_OVERHEAD.toBytes()));
        return factory.createMultipartConfig();
    }
}
