package dev.triage.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A JSON object behaves as a LinkedHashMap does, small or large, under any mix of edits. */
class JsonObjectTest {
  @Test
  void behavesAsALinkedHashMap() {
    Random random = new Random(42);
    for (int round = 0; round < 200; round++) {
      Map<String, Object> expected = new LinkedHashMap<>();
      Map<String, Object> actual = new JsonObject(random.nextInt(3));
      int keys = 1 + random.nextInt(40); // past the size where the object indexes its keys
      for (int step = 0; step < 300; step++) {
        String key = "k" + random.nextInt(keys);
        switch (random.nextInt(6)) {
          case 0, 1, 2 -> assertEquals(expected.put(key, step), actual.put(key, step));
          case 3 -> assertEquals(expected.remove(key), actual.remove(key));
          case 4 -> {
            Iterator<Map.Entry<String, Object>> e = expected.entrySet().iterator();
            Iterator<Map.Entry<String, Object>> a = actual.entrySet().iterator();
            while (e.hasNext()) {
              Map.Entry<String, Object> next = e.next();
              assertEquals(next, a.next());
              if (next.getKey().hashCode() % 3 == 0) {
                e.remove();
                a.remove();
              }
            }
          }
          default -> assertEquals(expected.containsKey(key), actual.containsKey(key));
        }
        assertEquals(expected.get(key), actual.get(key));
        assertEquals(expected.size(), actual.size());
      }
      assertEquals(expected, actual);
      assertEquals(actual, expected);
      JsonObject copy = new JsonObject(actual);
      assertEquals(expected, copy);
      copy.put("new", 1);
      copy.remove("k0");
      assertEquals(expected, actual, "a copy is independent of its original");
      assertEquals(expected.hashCode(), actual.hashCode());
      assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(actual.keySet()));
      assertEquals(List.copyOf(expected.values()), List.copyOf(actual.values()));
    }
  }
}
