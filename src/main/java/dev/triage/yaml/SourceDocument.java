package dev.triage.yaml;

import java.util.Map;

/**
 * One YAML document of a file, as plain maps and lists (longs for integers, doubles for
 * floats), with the position of every scalar keyed by its JSON pointer ("/spec/validations/0/expression").
 */
public record SourceDocument(String file, int index, Position start, Map<String, Object> content,
    Map<String, ScalarPlace> places) {

  /** Where the value at {@code pointer} starts; the document start when it is unknown. */
  public Position positionOf(String pointer) {
    ScalarPlace place = places.get(pointer);
    return place == null ? start : place.start();
  }

  public String kind() {
    return content.get("kind") instanceof String s ? s : "";
  }

  public String apiVersion() {
    return content.get("apiVersion") instanceof String s ? s : "";
  }
}
