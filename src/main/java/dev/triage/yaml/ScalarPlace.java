package dev.triage.yaml;

/**
 * Where a scalar's text starts in its file, so that a position inside the text (a CEL error at
 * line 2, column 7 of an expression) can be reported at the file position an editor shows.
 *
 * @param start first character of the content (after the quote, or the first line of a block)
 * @param block true for {@code |} and {@code >} scalars, whose lines all start at the same indent
 */
public record ScalarPlace(Position start, boolean block) {

  /** Maps a 1-based line and column inside the scalar's text to a file position. */
  public Position locate(int textLine, int textColumn) {
    if (textLine <= 1) {
      return new Position(start.line(), start.column() + Math.max(textColumn, 1) - 1);
    }
    int column = block ? start.column() + Math.max(textColumn, 1) - 1 : Math.max(textColumn, 1);
    return new Position(start.line() + textLine - 1, column);
  }
}
