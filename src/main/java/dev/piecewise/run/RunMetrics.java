package dev.piecewise.run;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

import java.time.Duration;

/**
 * What operators watch: runs created (by outcome and format), partition time and upload size, at
 * {@code /actuator/metrics/piecewise.*}.
 */
@Component
class RunMetrics {

    private final MeterRegistry registry;
    private final Timer partitionTime;
    private final DistributionSummary uploadSize;

    RunMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.partitionTime = Timer.builder("piecewise.partition.time")
                .description("Time to parse and partition an upload").register(registry);
        this.uploadSize = DistributionSummary.builder("piecewise.upload.size").baseUnit("bytes")
                .description("Size of accepted uploads").register(registry);
    }

    void runCreated(String outcome, String format, long uploadBytes, Duration partitioning) {
        Counter.builder("piecewise.runs.created").description("Runs stored")
                .tag("outcome", outcome).tag("format", format).register(registry).increment();
        uploadSize.record(uploadBytes);
        partitionTime.record(partitioning);
    }
}
