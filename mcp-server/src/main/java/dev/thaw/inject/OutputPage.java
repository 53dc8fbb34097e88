package dev.thaw.inject;

/**
 * One page of an injection's output ({@code read_output}).
 *
 * @param injectionId  the injection
 * @param state        its state when the page was read
 * @param offset       byte offset of {@code text} in the output
 * @param nextOffset   where the next page starts (never inside a UTF-8 character)
 * @param totalBytes   output bytes available now (final once {@code complete})
 * @param text         the page, decoded as UTF-8
 * @param complete     the injection is over and this page reaches the end of its output
 * @param truncated    the script printed more than the cap; the rest was dropped
 * @param droppedBytes bytes dropped beyond the cap
 * @param error        for failed: the exception line
 * @param traceback    for failed: the traceback (on the last page only)
 * @param verdicts     the conclusions on the script's {@code @thaw-verdicts} line, once it has ended (on
 *                     every page then); null when it printed none
 */
public record OutputPage(String injectionId, String state, long offset, long nextOffset, long totalBytes, String text,
                         boolean complete, boolean truncated, long droppedBytes, String error, String traceback,
                         java.util.List<Verdict> verdicts) {
}
