package dev.triage.yaml;

import dev.cel.common.values.NullValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads multi-document YAML into plain values while keeping where each scalar stood, so rule
 * errors can name file, line and column. Uses SnakeYAML's node graph rather than its object
 * constructor: no Java types are ever instantiated from a file.
 */
public final class YamlReader {
  private static final int MAX_BYTES = 8 * 1024 * 1024;

  private YamlReader() {}

  public static List<SourceDocument> read(String file, String text) throws YamlException {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setCodePointLimit(MAX_BYTES);
    options.setMaxAliasesForCollections(50);
    options.setNestingDepthLimit(100);
    Yaml yaml = new Yaml(options);
    List<SourceDocument> documents = new ArrayList<>();
    try {
      int index = 0;
      for (Node node : yaml.composeAll(new java.io.StringReader(text))) {
        Map<String, ScalarPlace> places = new HashMap<>();
        Object value = convert(file, node, "", places, text);
        if (value == null || value == NullValue.NULL_VALUE) {
          index++;
          continue; // an empty document between two "---" separators
        }
        if (!(value instanceof Map<?, ?>)) {
          throw new YamlException(file, position(node.getStartMark()),
              "document " + (index + 1) + " is not a mapping (expected apiVersion, kind, ...)");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> content = (Map<String, Object>) value;
        documents.add(new SourceDocument(file, index++, position(node.getStartMark()), content, places));
      }
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
      throw new YamlException(file, mark == null ? new Position(1, 1) : position(mark), problem.trim());
    } catch (YAMLException e) {
      throw new YamlException(file, new Position(1, 1), e.getMessage());
    }
    return documents;
  }

  private static Object convert(String file, Node node, String pointer, Map<String, ScalarPlace> places,
      String text) throws YamlException {
    if (node instanceof MappingNode mapping) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (NodeTuple tuple : mapping.getValue()) {
        if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
          throw new YamlException(file, position(tuple.getKeyNode().getStartMark()), "mapping keys must be strings");
        }
        String key = keyNode.getValue();
        if (map.containsKey(key)) {
          // The node graph keeps both entries; SnakeYAML checks duplicates only when it constructs objects.
          throw new YamlException(file, position(keyNode.getStartMark()), "found duplicate key " + key);
        }
        map.put(key, convert(file, tuple.getValueNode(), pointer + "/" + escape(key), places, text));
      }
      return map;
    }
    if (node instanceof SequenceNode sequence) {
      List<Object> list = new ArrayList<>(sequence.getValue().size());
      int i = 0;
      for (Node item : sequence.getValue()) {
        list.add(convert(file, item, pointer + "/" + i++, places, text));
      }
      return list;
    }
    ScalarNode scalar = (ScalarNode) node;
    places.put(pointer, place(scalar, text));
    return scalarValue(file, scalar);
  }

  private static Object scalarValue(String file, ScalarNode scalar) throws YamlException {
    Tag tag = scalar.getTag();
    String value = scalar.getValue();
    if (scalar.getScalarStyle() != DumperOptions.ScalarStyle.PLAIN) {
      return value; // quoted and block scalars are always strings
    }
    try {
      if (Tag.NULL.equals(tag)) {
        return NullValue.NULL_VALUE; // CEL reads a Java null as "unknown", not as null
      }
      if (Tag.BOOL.equals(tag)) {
        return switch (value.toLowerCase(java.util.Locale.ROOT)) {
          case "true", "yes", "on", "y" -> Boolean.TRUE;
          default -> Boolean.FALSE;
        };
      }
      if ((Tag.INT.equals(tag) || Tag.FLOAT.equals(tag)) && value.indexOf(':') >= 0) {
        return value; // YAML 1.1 base 60 ("12:30"): Kubernetes' YAML reader keeps it a string
      }
      if (Tag.INT.equals(tag)) {
        return integer(value.replace("_", ""));
      }
      if (Tag.FLOAT.equals(tag)) {
        String digits = value.replace("_", "").toLowerCase(java.util.Locale.ROOT);
        return switch (digits) {
          case ".inf", "+.inf" -> Double.POSITIVE_INFINITY;
          case "-.inf" -> Double.NEGATIVE_INFINITY;
          case ".nan" -> Double.NaN;
          default -> Double.parseDouble(digits);
        };
      }
    } catch (NumberFormatException e) {
      throw new YamlException(file, position(scalar.getStartMark()), "number out of range: " + value);
    }
    return value;
  }

  /** A YAML 1.1 integer as Kubernetes reads it: 0x hex, 0b binary, 0o or a leading 0 octal (0644 is 420). */
  private static long integer(String digits) {
    String sign = digits.startsWith("-") ? "-" : "";
    String unsigned = digits.startsWith("-") || digits.startsWith("+") ? digits.substring(1) : digits;
    String prefix = unsigned.length() > 1 ? unsigned.substring(0, 2).toLowerCase(java.util.Locale.ROOT) : "";
    return switch (prefix) {
      case "0x" -> Long.parseLong(sign + unsigned.substring(2), 16);
      case "0b" -> Long.parseLong(sign + unsigned.substring(2), 2);
      case "0o" -> Long.parseLong(sign + unsigned.substring(2), 8);
      default -> unsigned.length() > 1 && unsigned.startsWith("0")
          ? Long.parseLong(sign + unsigned.substring(1), 8) : Long.parseLong(sign + unsigned);
    };
  }

  private static ScalarPlace place(ScalarNode scalar, String text) {
    Mark mark = scalar.getStartMark();
    DumperOptions.ScalarStyle style = scalar.getScalarStyle();
    boolean block = style == DumperOptions.ScalarStyle.LITERAL || style == DumperOptions.ScalarStyle.FOLDED;
    if (block) {
      // Content begins on the line after the indicator, at that line's indentation.
      int lineStart = text.indexOf('\n', mark.getIndex());
      if (lineStart >= 0) {
        int i = lineStart + 1;
        int indent = 0;
        while (i + indent < text.length() && text.charAt(i + indent) == ' ') {
          indent++;
        }
        return new ScalarPlace(new Position(mark.getLine() + 2, indent + 1), true);
      }
    }
    boolean quoted = style == DumperOptions.ScalarStyle.DOUBLE_QUOTED
        || style == DumperOptions.ScalarStyle.SINGLE_QUOTED;
    return new ScalarPlace(new Position(mark.getLine() + 1, mark.getColumn() + 1 + (quoted ? 1 : 0)), false);
  }

  private static Position position(Mark mark) {
    return new Position(mark.getLine() + 1, mark.getColumn() + 1);
  }

  /** RFC 6901 escaping, so keys with '/' (label names) stay unambiguous. */
  public static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }
}
