package dev.piecewise.run;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.piecewise.graph.Op;
import dev.piecewise.graph.ValueKind;
import dev.piecewise.partition.Diagnostic;
import dev.piecewise.partition.GetitemRule;
import dev.piecewise.partition.Outcome;
import dev.piecewise.partition.ProblemDirection;
import dev.piecewise.partition.RelocationAction;
import dev.piecewise.partition.SizeStrategy;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.JacksonModule;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

/**
 * How the partition's records look as JSON: every enum as its id ({@code aot-fails}, {@code size},
 * {@code merged-empty-allocation}), as the API spells them. The same module serves the API (a bean, so Spring's
 * mapper registers it) and the stored documents ({@link #MAPPER}), so a stored run reads back as it was answered.
 */
public final class RunJson {

    /** The mapper of stored documents; Spring's mapper for the API has the same module and defaults. */
    public static final JsonMapper MAPPER = JsonMapper.builder().addModule(module())
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();

    private RunJson() {
    }

    public static JacksonModule module() {
        SimpleModule module = idsModule();
        PartitionRecordsJson.addTo(module);
        return module;
    }

    /** The enums by id, every record by Jackson's own record serializer: what {@link #module} writes byte for byte. */
    static SimpleModule idsModule() {
        SimpleModule module = new SimpleModule("piecewise-run");
        for (Class<?> identified : new Class<?>[]{Outcome.class, ValueKind.class, ProblemDirection.class,
                RelocationAction.class, SizeStrategy.class, GetitemRule.class, Diagnostic.Severity.class}) {
            module.setMixInAnnotation(identified, ById.class);
        }
        module.setMixInAnnotation(Op.class, ByFxName.class);
        module.setMixInAnnotation(RunDocument.NodeRow.class, AsArray.class);
        return module;
    }

    private abstract static class ById {
        @JsonValue
        abstract String id();
    }

    private abstract static class ByFxName {
        @JsonValue
        abstract String fxName();
    }

    /** A node row is four short strings: an array keeps 100k of them small. */
    @JsonFormat(shape = JsonFormat.Shape.ARRAY)
    private abstract static class AsArray {
    }
}
