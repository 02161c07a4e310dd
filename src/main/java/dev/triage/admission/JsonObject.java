package dev.triage.admission;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A JSON object as the engine reads it: insertion-ordered, mutable, and small. Kubernetes objects
 * are mostly maps of a handful of fields, which two arrays hold in a fraction of the memory of a
 * {@code LinkedHashMap} (no table, no entry per field) and search faster than they could hash a
 * key; a map that grows past {@link #INDEXED} fields gets a hash index beside its arrays.
 */
public final class JsonObject extends AbstractMap<String, Object> {
  private static final int INDEXED = 12;

  private String[] keys;
  /** Each key's hash code (cached in the String), compared before the key itself. */
  private int[] hashes;
  private Object[] values;
  private int size;
  private Map<String, Integer> index;
  private int modifications;

  private static final String[] NO_KEYS = {};
  private static final int[] NO_HASHES = {};
  private static final Object[] NO_VALUES = {};

  /** An empty object that allocates nothing until its first field: a body of {@code {}}s stays small. */
  public JsonObject() {
    this(0);
  }

  public JsonObject(int capacity) {
    keys = capacity == 0 ? NO_KEYS : new String[capacity];
    hashes = capacity == 0 ? NO_HASHES : new int[capacity];
    values = capacity == 0 ? NO_VALUES : new Object[capacity];
  }

  /** A shallow copy of {@code fields}, in their order. */
  public JsonObject(Map<String, ?> fields) {
    this(fields.size());
    if (fields instanceof JsonObject other) {
      System.arraycopy(other.keys, 0, keys, 0, other.size);
      System.arraycopy(other.hashes, 0, hashes, 0, other.size);
      System.arraycopy(other.values, 0, values, 0, other.size);
      size = other.size;
      index = other.index == null ? null : new HashMap<>(other.index);
    } else {
      fields.forEach(this::put);
    }
  }

  private int find(Object key) {
    if (index != null) {
      Integer at = index.get(key);
      return at == null ? -1 : at;
    }
    if (!(key instanceof String string)) {
      return -1;
    }
    int hash = string.hashCode();
    for (int i = 0; i < size; i++) {
      if (hashes[i] == hash && keys[i].equals(string)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public Object get(Object key) {
    int at = find(key);
    return at < 0 ? null : values[at];
  }

  @Override
  public boolean containsKey(Object key) {
    return find(key) >= 0;
  }

  @Override
  public Object put(String key, Object value) {
    if (key == null) {
      throw new NullPointerException("a JSON object's keys are strings");
    }
    int at = find(key);
    if (at >= 0) {
      Object old = values[at];
      values[at] = value;
      return old;
    }
    if (size == keys.length) {
      int capacity = Math.max(4, size * 2);
      keys = Arrays.copyOf(keys, capacity);
      hashes = Arrays.copyOf(hashes, capacity);
      values = Arrays.copyOf(values, capacity);
    }
    keys[size] = key;
    hashes[size] = key.hashCode();
    values[size] = value;
    if (index != null) {
      index.put(key, size);
    } else if (size + 1 > INDEXED) {
      index = new HashMap<>(size * 4);
      for (int i = 0; i <= size; i++) {
        index.put(keys[i], i);
      }
    }
    size++;
    modifications++;
    return null;
  }

  @Override
  public Object remove(Object key) {
    int at = find(key);
    if (at < 0) {
      return null;
    }
    Object old = values[at];
    removeAt(at);
    return old;
  }

  private void removeAt(int at) {
    System.arraycopy(keys, at + 1, keys, at, size - at - 1);
    System.arraycopy(hashes, at + 1, hashes, at, size - at - 1);
    System.arraycopy(values, at + 1, values, at, size - at - 1);
    size--;
    keys[size] = null;
    values[size] = null;
    modifications++;
    if (index != null) {
      // positions after the removed field moved: index them anew
      index = null;
      if (size > INDEXED) {
        index = new HashMap<>(size * 4);
        for (int i = 0; i < size; i++) {
          index.put(keys[i], i);
        }
      }
    }
  }

  @Override
  public void clear() {
    Arrays.fill(keys, 0, size, null);
    Arrays.fill(values, 0, size, null);
    size = 0;
    index = null;
    modifications++;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return size;
      }

      @Override
      public Iterator<Entry<String, Object>> iterator() {
        return new Iterator<>() {
          private int next;
          private int last = -1;
          private int expected = modifications;

          @Override
          public boolean hasNext() {
            return next < size;
          }

          @Override
          public Entry<String, Object> next() {
            if (expected != modifications) {
              throw new ConcurrentModificationException();
            }
            if (next >= size) {
              throw new NoSuchElementException();
            }
            last = next++;
            return new Field(last);
          }

          @Override
          public void remove() {
            if (last < 0) {
              throw new IllegalStateException();
            }
            removeAt(last);
            next = last;
            last = -1;
            expected = modifications;
          }
        };
      }
    };
  }

  /** One field, read and written through to the object. */
  private final class Field implements Entry<String, Object> {
    private final int at;

    Field(int at) {
      this.at = at;
    }

    @Override
    public String getKey() {
      return keys[at];
    }

    @Override
    public Object getValue() {
      return values[at];
    }

    @Override
    public Object setValue(Object value) {
      Object old = values[at];
      values[at] = value;
      return old;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Entry<?, ?> e && java.util.Objects.equals(getKey(), e.getKey())
          && java.util.Objects.equals(getValue(), e.getValue());
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hashCode(getKey()) ^ java.util.Objects.hashCode(getValue());
    }

    @Override
    public String toString() {
      return getKey() + "=" + getValue();
    }
  }
}
