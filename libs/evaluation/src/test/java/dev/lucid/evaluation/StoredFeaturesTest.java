package dev.lucid.evaluation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoredFeaturesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void roundTripsEveryBitAndIsLessThanHalfTheJsonArray() throws Exception {
        Random r = new Random(7);
        float[] f = new float[512];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(12) - 6));
        }
        f[0] = -0.0f;
        f[1] = Float.MIN_VALUE;
        f[2] = Float.MAX_VALUE;
        Backends.Utility u = new Backends.Utility(0.25, List.of("yes", "two"), f);
        String stored = JSON.writeValueAsString(u);
        Backends.Utility back = JSON.readValue(stored, Backends.Utility.class);
        assertArrayEquals(f, back.features(), "bit for bit");
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(back.features()[0]));
        assertEquals(u.answers(), back.answers());
        String asArray = JSON.writeValueAsString(new ObjectMapper().createObjectNode().put("clipScore", 0.25)
                .set("features", JSON.valueToTree(f)));
        assertTrue(stored.length() * 2 < asArray.length(), stored.length() + " bytes against " + asArray.length());
    }

    @Test
    void readsWhatWasStoredBeforeAsAJsonArray() throws Exception {
        Backends.Utility old = JSON.readValue("{\"clipScore\":0.5,\"answers\":[],\"features\":[1.5,-2.25,3.0E-7]}",
                Backends.Utility.class);
        assertArrayEquals(new float[]{1.5f, -2.25f, 3.0E-7f}, old.features());
        assertNull(JSON.readValue("{\"clipScore\":0.5,\"answers\":[],\"features\":null}", Backends.Utility.class).features());
        assertEquals("{\"clipScore\":0.5,\"answers\":[],\"features\":\"AADAPw==\"}",
                JSON.writeValueAsString(new Backends.Utility(0.5, List.of(), new float[]{1.5f})));
    }

    @Test
    void aCorruptValueIsRefusedNamingWhy() {
        InvalidFormatException e = assertThrows(InvalidFormatException.class,
                () -> JSON.readValue("{\"clipScore\":0.5,\"features\":\"AAA=\"}", Backends.Utility.class));
        assertTrue(e.getMessage().contains("stored features are 2 bytes, not a whole number of float32"), e.getMessage());
    }
}
