package dev.thaw.process;

/**
 * One doctor check.
 *
 * @param id     stable identifier, e.g. {@code same_user}, {@code remote_debug}
 * @param status {@code pass}, {@code fail}, {@code warn} or {@code info}
 * @param detail what was found
 * @param fix    the exact fix when the status is fail or warn, else null
 */
public record Check(String id, String status, String detail, String fix) {

    public static Check pass(String id, String detail) {
        return new Check(id, "pass", detail, null);
    }

    public static Check fail(String id, String detail, String fix) {
        return new Check(id, "fail", detail, fix);
    }

    public static Check warn(String id, String detail, String fix) {
        return new Check(id, "warn", detail, fix);
    }

    public static Check info(String id, String detail) {
        return new Check(id, "info", detail, null);
    }

    public boolean failed() {
        return status.equals("fail");
    }
}
