package dev.lucid.evaluation;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * How image features are stored in a cached utility: base64 of little-endian float32, about 5.3 bytes a value
 * against 10 to 12 as JSON numbers, and read without parsing decimal text. Exact both ways. A value stored before
 * (a JSON array of numbers) is still read.
 */
final class StoredFeatures {
    private StoredFeatures() {
    }

    static String encode(float[] features) {
        ByteBuffer b = ByteBuffer.allocate(features.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(features);
        return Base64.getEncoder().encodeToString(b.array());
    }

    static float[] decode(String base64) {
        byte[] bytes = Base64.getDecoder().decode(base64);
        if (bytes.length % Float.BYTES != 0) {
            throw new IllegalArgumentException("stored features are " + bytes.length + " bytes, not a whole number of float32");
        }
        float[] out = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    /** Writes features as {@link #encode}. */
    static final class Writer extends JsonSerializer<float[]> {
        @Override
        public void serialize(float[] value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeString(encode(value));
        }
    }

    /** Reads {@link #encode}'s string, or the JSON array of numbers stored before. */
    static final class Reader extends JsonDeserializer<float[]> {
        @Override
        public float[] deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                try {
                    return decode(p.getText());
                } catch (IllegalArgumentException e) {
                    throw ctxt.weirdStringException(p.getText(), float[].class, e.getMessage());
                }
            }
            return ctxt.readValue(p, float[].class);
        }
    }
}
