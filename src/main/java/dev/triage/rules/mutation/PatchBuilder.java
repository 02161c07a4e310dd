package dev.triage.rules.mutation;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.cel.common.values.NullValue;
import dev.triage.admission.ReviewCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The RFC 6902 patch from the admitted object to the mutated one, found by diffing the two
 * trees: only what changed, in document order, valid against the original.
 */
public final class PatchBuilder {
  private PatchBuilder() {}

  public static List<PatchOp> diff(Object original, Object mutated) {
    List<PatchOp> ops = new ArrayList<>();
    diff("", original, mutated, ops);
    return ops;
  }

  private static void diff(String path, Object before, Object after, List<PatchOp> ops) {
    if (Objects.equals(before, after)) {
      return;
    }
    if (before instanceof Map<?, ?> left && after instanceof Map<?, ?> right) {
      for (Map.Entry<?, ?> entry : left.entrySet()) {
        if (!right.containsKey(entry.getKey())) {
          ops.add(new PatchOp("remove", child(path, entry.getKey()), null));
        }
      }
      for (Map.Entry<?, ?> entry : right.entrySet()) {
        String at = child(path, entry.getKey());
        if (left.containsKey(entry.getKey())) {
          diff(at, left.get(entry.getKey()), entry.getValue(), ops);
        } else {
          ops.add(new PatchOp("add", at, entry.getValue()));
        }
      }
      return;
    }
    if (before instanceof List<?> left && after instanceof List<?> right) {
      int common = Math.min(left.size(), right.size());
      for (int i = 0; i < common; i++) {
        diff(path + "/" + i, left.get(i), right.get(i), ops);
      }
      for (int i = left.size() - 1; i >= common; i--) {
        ops.add(new PatchOp("remove", path + "/" + i, null));
      }
      for (int i = common; i < right.size(); i++) {
        ops.add(new PatchOp("add", path + "/" + i, right.get(i)));
      }
      return;
    }
    ops.add(new PatchOp("replace", path, after));
  }

  private static String child(String path, Object key) {
    return path + "/" + JsonTree.escape(String.valueOf(key));
  }

  /** The patch as JSON bytes, for the AdmissionResponse. */
  public static byte[] toJson(List<PatchOp> ops) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128 + ops.size() * 64);
    try (JsonGenerator json = ReviewCodec.json().createGenerator(out)) {
      json.writeStartArray();
      for (PatchOp op : ops) {
        json.writeStartObject();
        json.writeStringField("op", op.op());
        json.writeStringField("path", op.path());
        if (!op.op().equals("remove")) {
          json.writeFieldName("value");
          write(json, op.value());
        }
        json.writeEndObject();
      }
      json.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static void write(JsonGenerator json, Object value) throws IOException {
    if (value instanceof Map<?, ?> map) {
      json.writeStartObject();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        json.writeFieldName(String.valueOf(e.getKey()));
        write(json, e.getValue());
      }
      json.writeEndObject();
    } else if (value instanceof List<?> list) {
      json.writeStartArray();
      for (Object item : list) {
        write(json, item);
      }
      json.writeEndArray();
    } else if (value == null || value == NullValue.NULL_VALUE) {
      json.writeNull();
    } else if (value instanceof String s) {
      json.writeString(s);
    } else if (value instanceof Long l) {
      json.writeNumber(l);
    } else if (value instanceof Double d) {
      json.writeNumber(d);
    } else if (value instanceof Boolean b) {
      json.writeBoolean(b);
    } else {
      json.writeString(String.valueOf(value));
    }
  }
}
