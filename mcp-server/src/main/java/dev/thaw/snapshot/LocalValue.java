package dev.thaw.snapshot;

/**
 * One local variable or argument of a Python frame, read from the frame's memory.
 *
 * @param name    as the code object names it
 * @param kind    {@code arg}, {@code local}, {@code cell} (a local captured by an inner function;
 *                its value is shown) or {@code free} (a captured variable of an outer function)
 * @param type    the value's type, qualified for classes ({@code threading.Condition}); null when unset
 * @param address the value's address ({@code 0x…}): two frames holding the same object show the same
 * @param value   a short bounded rendering: {@code None}, numbers, strings and bytes (cut), container
 *                lengths, {@code <type at 0x…>} otherwise; {@code <unset>} for a variable not yet assigned
 */
public record LocalValue(String name, String kind, String type, String address, String value) {
}
