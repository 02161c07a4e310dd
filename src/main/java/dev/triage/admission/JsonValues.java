package dev.triage.admission;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.cel.common.values.NullValue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Parses JSON in one pass into the values CEL evaluates directly: {@link JsonObject},
 * {@code ArrayList}, {@code String}, {@code Long}, {@code Double}, {@code Boolean}, and
 * {@link NullValue#NULL_VALUE} for JSON null (CEL treats a Java null as an unknown, not as null).
 */
public final class JsonValues {
  public static final int MAX_DEPTH = 200;
  public static final long MAX_TOKENS = 1_000_000;
  static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
          // What a 3 MiB review needs, and no more: Kubernetes objects run to about one token per
          // ten bytes, so a body made of empty objects is refused before it fills the heap.
          .maxTokenCount(MAX_TOKENS).maxStringLength(3 * 1024 * 1024).build())
      .build();

  private JsonValues() {}

  public static Object read(byte[] json) throws IOException {
    try (JsonParser parser = FACTORY.createParser(json)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new IOException("no JSON value");
      }
      Object value = value(parser, first);
      if (parser.nextToken() != null) {
        throw new IOException("trailing content after the JSON value at line "
            + parser.currentTokenLocation().getLineNr() + ", column " + parser.currentTokenLocation().getColumnNr());
      }
      return value;
    }
  }

  private static Object value(JsonParser parser, JsonToken token) throws IOException {
    switch (token) {
      case START_OBJECT: {
        Map<String, Object> map = new JsonObject();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
          String key = parser.currentName();
          map.put(key, value(parser, parser.nextToken()));
        }
        return map;
      }
      case START_ARRAY: {
        List<Object> list = new ArrayList<>();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
          list.add(value(parser, t));
        }
        return list;
      }
      case VALUE_STRING:
        return parser.getText();
      case VALUE_NUMBER_INT:
        if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          return parser.getDoubleValue(); // beyond int64: CEL has no bigger integer
        }
        return parser.getLongValue();
      case VALUE_NUMBER_FLOAT:
        return parser.getDoubleValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return NullValue.NULL_VALUE;
      default:
        throw new IOException("unexpected JSON token " + token);
    }
  }

  /** True for JSON null however it is represented. */
  public static boolean isNull(Object value) {
    return value == null || value == NullValue.NULL_VALUE;
  }
}
