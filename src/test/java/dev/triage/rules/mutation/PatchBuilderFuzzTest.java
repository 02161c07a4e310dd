package dev.triage.rules.mutation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cel.common.values.NullValue;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Random objects, randomly mutated: the patch Triage sends must apply cleanly with an
 * independent RFC 6902 implementation (JSON-P) and turn the admitted object into exactly the
 * mutated one. Keys include the characters RFC 6901 escapes and ones that look like indexes.
 */
class PatchBuilderFuzzTest {
  private static final String[] KEYS = {"a", "b", "labels", "0", "1", "-", "a/b", "~", "~1", "x~0/y", "", " ", "é"};

  @FuzzTest
  void patchesApplyWithAnIndependentImplementation(FuzzedDataProvider data) {
    Map<String, Object> original = object(data, 0);
    Object mutated = JsonTree.copy(original);
    for (int edits = data.consumeInt(0, 8); edits > 0 && data.remainingBytes() > 0; edits--) {
      mutated = edit(data, mutated);
    }
    byte[] patch = PatchBuilder.toJson(PatchBuilder.diff(original, mutated));

    JsonArray operations = Json.createReader(new StringReader(new String(patch, StandardCharsets.UTF_8))).readArray();
    JsonValue applied = Json.createPatch(operations).apply((JsonStructure) parse(original));
    assertEquals(parse(mutated), applied, new String(patch, StandardCharsets.UTF_8));
    assertTrue(PatchBuilder.diff(mutated, JsonTree.copy(mutated)).isEmpty(), "an unchanged object needs no patch");
  }

  private static JsonValue parse(Object tree) {
    return Json.createReader(new StringReader(json(tree))).readValue();
  }

  private static String json(Object tree) {
    // The patch writer's own value writer: the same numbers and strings the patch carries.
    java.io.StringWriter out = new java.io.StringWriter();
    try (var generator = dev.triage.admission.ReviewCodec.json().createGenerator(out)) {
      PatchBuilder.write(generator, tree);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toString();
  }

  private static Map<String, Object> object(FuzzedDataProvider data, int depth) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int n = data.consumeInt(0, 4); n > 0; n--) {
      map.put(key(data), value(data, depth + 1));
    }
    return map;
  }

  private static Object value(FuzzedDataProvider data, int depth) {
    int kind = data.consumeInt(0, depth >= 4 ? 5 : 7);
    return switch (kind) {
      case 0 -> data.consumeString(8);
      case 1 -> data.consumeLong();
      case 2 -> (double) data.consumeInt(-1000, 1000) / 8; // finite, exactly representable
      case 3 -> data.consumeBoolean();
      case 4 -> NullValue.NULL_VALUE;
      case 5 -> data.consumeString(3);
      case 6 -> object(data, depth);
      default -> {
        List<Object> list = new ArrayList<>();
        for (int n = data.consumeInt(0, 4); n > 0; n--) {
          list.add(value(data, depth + 1));
        }
        yield list;
      }
    };
  }

  private static String key(FuzzedDataProvider data) {
    return data.consumeBoolean() ? data.pickValue(KEYS) : data.consumeString(6);
  }

  /** One random change somewhere in the tree: set, remove, insert, or change a value's type. */
  @SuppressWarnings("unchecked")
  private static Object edit(FuzzedDataProvider data, Object root) {
    Object container = root;
    // Walk down a random path, then change something at the container reached.
    for (int depth = data.consumeInt(0, 5); depth > 0; depth--) {
      Object next = null;
      if (container instanceof Map<?, ?> map && !map.isEmpty()) {
        next = new ArrayList<>(map.values()).get(data.consumeInt(0, map.size() - 1));
      } else if (container instanceof List<?> list && !list.isEmpty()) {
        next = list.get(data.consumeInt(0, list.size() - 1));
      }
      if (!(next instanceof Map<?, ?>) && !(next instanceof List<?>)) {
        break;
      }
      container = next;
    }
    int action = data.consumeInt(0, 2);
    if (container instanceof Map<?, ?> raw) {
      Map<String, Object> map = (Map<String, Object>) raw;
      List<String> keys = new ArrayList<>(map.keySet());
      if (action == 0 && !keys.isEmpty()) {
        map.remove(keys.get(data.consumeInt(0, keys.size() - 1)));
      } else if (action == 1 && !keys.isEmpty()) {
        map.put(keys.get(data.consumeInt(0, keys.size() - 1)), value(data, 2));
      } else {
        map.put(key(data), value(data, 2));
      }
    } else if (container instanceof List<?> raw) {
      List<Object> list = (List<Object>) raw;
      if (action == 0 && !list.isEmpty()) {
        list.remove(data.consumeInt(0, list.size() - 1));
      } else if (action == 1 && !list.isEmpty()) {
        list.set(data.consumeInt(0, list.size() - 1), value(data, 2));
      } else {
        list.add(data.consumeInt(0, list.size()), value(data, 2));
      }
    }
    return root;
  }
}
