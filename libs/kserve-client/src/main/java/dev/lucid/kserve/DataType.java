package dev.lucid.kserve;

import inference.ModelConfigOuterClass;

/** KServe v2 tensor datatypes with their wire names, element sizes and Triton config equivalents. */
public enum DataType {
    BOOL("BOOL", 1, ModelConfigOuterClass.DataType.TYPE_BOOL),
    UINT8("UINT8", 1, ModelConfigOuterClass.DataType.TYPE_UINT8),
    UINT16("UINT16", 2, ModelConfigOuterClass.DataType.TYPE_UINT16),
    UINT32("UINT32", 4, ModelConfigOuterClass.DataType.TYPE_UINT32),
    UINT64("UINT64", 8, ModelConfigOuterClass.DataType.TYPE_UINT64),
    INT8("INT8", 1, ModelConfigOuterClass.DataType.TYPE_INT8),
    INT16("INT16", 2, ModelConfigOuterClass.DataType.TYPE_INT16),
    INT32("INT32", 4, ModelConfigOuterClass.DataType.TYPE_INT32),
    INT64("INT64", 8, ModelConfigOuterClass.DataType.TYPE_INT64),
    FP16("FP16", 2, ModelConfigOuterClass.DataType.TYPE_FP16),
    FP32("FP32", 4, ModelConfigOuterClass.DataType.TYPE_FP32),
    FP64("FP64", 8, ModelConfigOuterClass.DataType.TYPE_FP64),
    BF16("BF16", 2, ModelConfigOuterClass.DataType.TYPE_BF16),
    /** Variable-length elements; raw form is a 4-byte little-endian length followed by the bytes. */
    BYTES("BYTES", -1, ModelConfigOuterClass.DataType.TYPE_STRING);

    private final String wireName;
    private final int byteSize;
    private final ModelConfigOuterClass.DataType configType;

    DataType(String wireName, int byteSize, ModelConfigOuterClass.DataType configType) {
        this.wireName = wireName;
        this.byteSize = byteSize;
        this.configType = configType;
    }

    /** The case-sensitive datatype string of the protocol (e.g. "FP32", "BYTES"). */
    public String wireName() {
        return wireName;
    }

    /** Bytes per element, or -1 for BYTES. */
    public int byteSize() {
        return byteSize;
    }

    /** Whether elements have a fixed size. */
    public boolean isFixedSize() {
        return byteSize > 0;
    }

    /** The equivalent config.pbtxt type (BYTES is TYPE_STRING). */
    public ModelConfigOuterClass.DataType configType() {
        return configType;
    }

    /** Parses a protocol datatype string; the match is case-sensitive, as in Triton. */
    public static DataType fromWire(String name) {
        for (DataType t : values()) {
            if (t.wireName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown datatype '" + name + "'");
    }

    /** Maps a config.pbtxt type to its protocol datatype. */
    public static DataType fromConfig(ModelConfigOuterClass.DataType type) {
        for (DataType t : values()) {
            if (t.configType == type) {
                return t;
            }
        }
        throw new IllegalArgumentException("unsupported config datatype " + type);
    }
}
