package dev.triage.cel;

import com.google.common.primitives.UnsignedLong;
import dev.cel.common.values.CelByteString;
import dev.cel.common.values.NullValue;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** CEL's names for the runtime's values, for error messages: never the value itself. */
final class Types {
  private Types() {}

  static String name(Object value) {
    if (value instanceof Boolean) {
      return "bool";
    }
    if (value instanceof Long) {
      return "int";
    }
    if (value instanceof UnsignedLong) {
      return "uint";
    }
    if (value instanceof Double) {
      return "double";
    }
    if (value instanceof String) {
      return "string";
    }
    if (value instanceof CelByteString || value instanceof com.google.protobuf.ByteString) {
      return "bytes";
    }
    if (value instanceof List<?>) {
      return "list";
    }
    if (value instanceof Map<?, ?>) {
      return "map";
    }
    if (value instanceof NullValue || value == null) {
      return "null_type";
    }
    if (value instanceof Optional<?>) {
      return "optional_type";
    }
    if (value instanceof Duration) {
      return "google.protobuf.Duration";
    }
    if (value instanceof Instant) {
      return "google.protobuf.Timestamp";
    }
    return value.getClass().getSimpleName();
  }
}
