package dev.lucid.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;

import java.math.BigInteger;
import java.util.Base64;
import java.util.List;

/**
 * Writes protobuf messages as the JSON Triton's HTTP endpoints answer with: proto field names, 64-bit
 * integers as JSON numbers (protobuf's own JSON printer quotes them), scalar and repeated fields
 * always present, nested messages and oneof members only when set, maps as objects, enums by name.
 */
final class ProtoJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ProtoJson() {
    }

    static ObjectNode toJson(Message m) {
        ObjectNode o = F.objectNode();
        for (FieldDescriptor f : m.getDescriptorForType().getFields()) {
            boolean presence = f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !f.isRepeated()
                    || f.getContainingOneof() != null;
            if (presence && !m.hasField(f)) {
                continue;
            }
            if (f.isMapField()) {
                ObjectNode map = o.putObject(f.getName());
                for (Object entry : (List<?>) m.getField(f)) {
                    Message e = (Message) entry;
                    FieldDescriptor k = e.getDescriptorForType().findFieldByName("key");
                    FieldDescriptor v = e.getDescriptorForType().findFieldByName("value");
                    map.set(String.valueOf(e.getField(k)), value(v, e.getField(v)));
                }
            } else if (f.isRepeated()) {
                ArrayNode a = o.putArray(f.getName());
                for (Object v : (List<?>) m.getField(f)) {
                    a.add(value(f, v));
                }
            } else {
                o.set(f.getName(), value(f, m.getField(f)));
            }
        }
        return o;
    }

    private static JsonNode value(FieldDescriptor f, Object v) {
        return switch (f.getJavaType()) {
            case MESSAGE -> toJson((Message) v);
            case ENUM -> F.textNode(((EnumValueDescriptor) v).getName());
            case BYTE_STRING -> F.textNode(Base64.getEncoder().encodeToString(((ByteString) v).toByteArray()));
            case STRING -> F.textNode((String) v);
            case BOOLEAN -> F.booleanNode((Boolean) v);
            case FLOAT -> F.numberNode((Float) v);
            case DOUBLE -> F.numberNode((Double) v);
            case INT -> unsigned(f) ? F.numberNode(Integer.toUnsignedLong((Integer) v)) : F.numberNode((Integer) v);
            case LONG -> unsigned(f) && (Long) v < 0
                    ? F.numberNode(new BigInteger(Long.toUnsignedString((Long) v))) : F.numberNode((Long) v);
        };
    }

    private static boolean unsigned(FieldDescriptor f) {
        return switch (f.getType()) {
            case UINT32, UINT64, FIXED32, FIXED64 -> true;
            default -> false;
        };
    }
}
