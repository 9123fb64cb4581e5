package dev.piecewise.run;

import dev.piecewise.graph.ValueKind;
import dev.piecewise.partition.Crossing;
import dev.piecewise.partition.GlobalStateCopy;
import dev.piecewise.partition.Submodule;
import dev.piecewise.partition.SubmoduleValue;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.SerializableString;
import tools.jackson.core.io.SerializedString;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.ser.std.StdSerializer;

import java.util.List;

/**
 * The records a run holds one of per submodule, per input, per crossing and per node, written property by
 * property. Jackson's record serializer reads every component through a method handle it cannot inline, which was
 * most of the time of writing a large run (a 100k-node graph has 18,000 submodules and 45,000 crossings). The bytes
 * are the record serializer's: the same properties in component order, enums by id, nulls written (tested against
 * it, for the stored documents' mapper and the API's). That holds for mappers with Jackson's defaults for these
 * records, as both are: no inclusion rule, naming strategy, views or default typing.
 */
final class PartitionRecordsJson {

    private static final SerializableString NAME = new SerializedString("name");
    private static final SerializableString GRAPH_ID = new SerializedString("graphId");
    private static final SerializableString SPLITTING = new SerializedString("splitting");
    private static final SerializableString NODES = new SerializedString("nodes");
    private static final SerializableString INPUTS = new SerializedString("inputs");
    private static final SerializableString OUTPUTS = new SerializedString("outputs");
    private static final SerializableString COPIES = new SerializedString("copies");
    private static final SerializableString OF = new SerializedString("of");
    private static final SerializableString KIND = new SerializedString("kind");
    private static final SerializableString THREADED = new SerializedString("threaded");
    private static final SerializableString VALUE = new SerializedString("value");
    private static final SerializableString PRODUCER = new SerializedString("producer");
    private static final SerializableString CONSUMERS = new SerializedString("consumers");
    private static final SerializableString KIND_GUESSED = new SerializedString("kindGuessed");

    private PartitionRecordsJson() {
    }

    static void addTo(SimpleModule module) {
        module.addSerializer(Submodule.class, new StdSerializer<>(Submodule.class) {
            @Override
            public void serialize(Submodule s, JsonGenerator out, SerializationContext context) {
                out.writeStartObject(s);
                string(out, NAME, s.name());
                out.writeName(GRAPH_ID);
                out.writeNumber(s.graphId());
                out.writeName(SPLITTING);
                out.writeBoolean(s.splitting());
                out.writeName(NODES);
                strings(s.nodes(), out);
                out.writeName(INPUTS);
                values(s.inputs(), out);
                out.writeName(OUTPUTS);
                values(s.outputs(), out);
                out.writeName(COPIES);
                out.writeStartArray(s.copies(), s.copies().size());
                for (GlobalStateCopy copy : s.copies()) {
                    out.writeStartObject(copy);
                    string(out, NAME, copy.name());
                    string(out, OF, copy.of());
                    out.writeEndObject();
                }
                out.writeEndArray();
                out.writeEndObject();
            }
        });
        module.addSerializer(SubmoduleValue.class, new StdSerializer<>(SubmoduleValue.class) {
            @Override
            public void serialize(SubmoduleValue value, JsonGenerator out, SerializationContext context) {
                value(value, out);
            }
        });
        // A run's node table, one row a node: [name, op, target, kind].
        module.addSerializer(RunDocument.NodeRow.class, new StdSerializer<>(RunDocument.NodeRow.class) {
            @Override
            public void serialize(RunDocument.NodeRow row, JsonGenerator out, SerializationContext context) {
                out.writeStartArray(row, 4);
                out.writeString(row.name());
                out.writeString(row.op() == null ? null : row.op().fxName());
                out.writeString(row.target());
                out.writeString(row.kind() == null ? null : row.kind().id());
                out.writeEndArray();
            }
        });
        module.addSerializer(Crossing.class, new StdSerializer<>(Crossing.class) {
            @Override
            public void serialize(Crossing c, JsonGenerator out, SerializationContext context) {
                out.writeStartObject(c);
                string(out, VALUE, c.value());
                kind(c.kind(), out);
                string(out, PRODUCER, c.producer());
                out.writeName(CONSUMERS);
                strings(c.consumers(), out);
                out.writeName(KIND_GUESSED);
                out.writeBoolean(c.kindGuessed());
                out.writeEndObject();
            }
        });
    }

    private static void string(JsonGenerator out, SerializableString name, String value) {
        out.writeName(name);
        out.writeString(value);
    }

    private static void strings(List<String> strings, JsonGenerator out) {
        out.writeStartArray(strings, strings.size());
        for (String s : strings) {
            out.writeString(s);
        }
        out.writeEndArray();
    }

    private static void values(List<SubmoduleValue> values, JsonGenerator out) {
        out.writeStartArray(values, values.size());
        for (SubmoduleValue value : values) {
            value(value, out);
        }
        out.writeEndArray();
    }

    private static void value(SubmoduleValue value, JsonGenerator out) {
        out.writeStartObject(value);
        string(out, NAME, value.name());
        kind(value.kind(), out);
        out.writeName(THREADED);
        out.writeBoolean(value.threaded());
        out.writeEndObject();
    }

    private static void kind(ValueKind kind, JsonGenerator out) {
        string(out, KIND, kind == null ? null : kind.id()); // a null string is written as null
    }
}
