package dev.thaw.session;

import dev.thaw.ErrorCode;
import dev.thaw.Json;
import dev.thaw.ThawException;
import dev.thaw.session.approval.ApprovalPolicy;
import dev.thaw.session.approval.ApprovalSettings;
import dev.thaw.session.approval.Approver;
import dev.thaw.session.approval.InjectionGate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each policy, each answer: what runs, what is refused, and that the log holds the request before the decision. */
class InjectionGateTest {

    @TempDir
    Path dir;

    static final RecordedTarget TARGET = new RecordedTarget(77, "2025-11-25T10:00:00Z", "/usr/bin/python3.14",
            "python3.14 app.py", "cpython", "3.14.0");

    /** A person who answers as told and remembers what they were shown. */
    static final class Person implements Approver {
        final String unavailable;
        final Answer answer;
        final List<String> shown = new ArrayList<>();

        Person(String unavailable, Answer answer) {
            this.unavailable = unavailable;
            this.answer = answer;
        }

        @Override
        public String unavailableReason() {
            return unavailable;
        }

        @Override
        public Answer ask(RecordedInjectionRequest request, String message) {
            shown.add(message);
            return answer;
        }
    }

    static Person yes() {
        return new Person(null, new Approver.Answer(true, RecordedApproval.HOW_USER_ACCEPTED, "ok", 5));
    }

    static Person no() {
        return new Person(null, new Approver.Answer(false, RecordedApproval.HOW_USER_DECLINED, "no", 5));
    }

    static Person nobody() {
        return new Person("the client does not support elicitation", null);
    }

    private SessionRecorder recorder() {
        return new SessionRecorder(SessionLog.open(dir.resolve("g.jsonl")), Map.of("policy", "x"));
    }

    static RecordedInjectionRequest custom() {
        return RecordedInjectionRequest.of("i1", TARGET, "python", null, Map.of(), "print('hi')\n", "auto", null, 5, "look");
    }

    static RecordedInjectionRequest catalog() {
        return RecordedInjectionRequest.of("i2", TARGET, "python", "py.threads", Map.of("depth", 2), "print('threads')\n", null,
                null, null, null);
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> records() throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String l : Files.readAllLines(dir.resolve("g.jsonl"))) {
            out.add(Json.mapper().readValue(l, Map.class));
        }
        return out;
    }

    @Test
    void customAsksForCustomScriptsOnlyAndRecordsBeforeDeciding() throws Exception {
        InjectionGate gate = new InjectionGate(ApprovalPolicy.CUSTOM, recorder());
        Person p = yes();
        assertThat(gate.admit(catalog(), p).how()).isEqualTo(RecordedApproval.HOW_CATALOG);
        assertThat(p.shown).isEmpty();
        assertThat(gate.admit(custom(), p).how()).isEqualTo(RecordedApproval.HOW_USER_ACCEPTED);
        assertThat(p.shown).singleElement().satisfies(m -> assertThat(m)
                .contains("pid 77", "cpython 3.14.0", "python3.14 app.py", custom().sha256(), "print('hi')", "custom"));
        List<Map<String, Object>> r = records();
        assertThat(r).extracting(m -> m.get("type")).containsExactly("injection_queued", "approval", "injection_queued", "approval");
        assertThat(r.get(2)).containsEntry("script", "print('hi')\n").containsEntry("sha256", custom().sha256());
        assertThat((Map<String, Object>) r.get(2).get("target")).containsEntry("startTime", "2025-11-25T10:00:00Z");
    }

    @Test
    void aDeclineIsRecordedAndRefusedWithoutRunning() throws Exception {
        InjectionGate gate = new InjectionGate(ApprovalPolicy.CUSTOM, recorder());
        assertThatThrownBy(() -> gate.admit(custom(), no()))
                .isInstanceOf(ThawException.class)
                .satisfies(e -> {
                    ThawException t = (ThawException) e;
                    assertThat(t.code()).isEqualTo(ErrorCode.APPROVAL_DECLINED);
                    assertThat(t.getMessage()).contains("declined", "was not injected", "pid 77");
                });
        assertThat(records().get(1)).containsEntry("approved", false).containsEntry("how", "user_declined");
    }

    @Test
    void withoutElicitationTheRefusalExplainsThePolicyAndHowToChangeIt() {
        InjectionGate gate = new InjectionGate(ApprovalPolicy.CUSTOM, recorder());
        assertThatThrownBy(() -> gate.admit(custom(), nobody()))
                .isInstanceOf(ThawException.class)
                .satisfies(e -> {
                    ThawException t = (ThawException) e;
                    assertThat(t.code()).isEqualTo(ErrorCode.APPROVAL_UNAVAILABLE);
                    assertThat(t.getMessage()).contains("--approve custom", "elicitation");
                    assertThat(t.fix()).contains("--approve auto", "catalog", "list_diagnostics");
                });
    }

    @Test
    void alwaysAsksEvenForCatalogEntries() {
        InjectionGate gate = new InjectionGate(ApprovalPolicy.ALWAYS, recorder());
        Person p = yes();
        gate.admit(catalog(), p);
        assertThat(p.shown).singleElement().satisfies(m -> assertThat(m).contains("Catalog entry: py.threads", "{\"depth\":2}"));
    }

    @Test
    void denyCustomRunsCatalogEntriesAndRefusesTheRestWithoutAsking() {
        InjectionGate gate = new InjectionGate(ApprovalPolicy.DENY_CUSTOM, recorder());
        Person p = yes();
        assertThat(gate.admit(catalog(), p).approved()).isTrue();
        assertThatThrownBy(() -> gate.admit(custom(), p))
                .isInstanceOf(ThawException.class)
                .extracting(e -> ((ThawException) e).code()).isEqualTo(ErrorCode.CUSTOM_SCRIPT_REFUSED);
        assertThat(p.shown).isEmpty();
    }

    @Test
    void autoAsksNobodyButStillRecords() throws Exception {
        InjectionGate gate = new InjectionGate(ApprovalPolicy.AUTO, recorder());
        Person p = nobody();
        assertThat(gate.admit(custom(), p).how()).isEqualTo(RecordedApproval.HOW_AUTO);
        assertThat(records()).extracting(m -> m.get("type")).containsExactly("injection_queued", "approval");
    }

    @Test
    void aRequestWhoseHashDoesNotMatchItsTextCannotBeBuilt() {
        assertThatThrownBy(() -> new RecordedInjectionRequest("x", TARGET, "python", null, Map.of(), "a", "00", null, null, null, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void policiesAndTimeoutsParse() {
        assertThat(ApprovalPolicy.parse("deny-custom")).isEqualTo(ApprovalPolicy.DENY_CUSTOM);
        assertThatThrownBy(() -> ApprovalPolicy.parse("sometimes")).isInstanceOf(ThawException.class)
                .hasMessageContaining("sometimes");
        assertThat(ApprovalSettings.parseTimeout("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(ApprovalSettings.parseTimeout("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(ApprovalSettings.parseTimeout("PT1H")).isEqualTo(Duration.ofHours(1));
        assertThat(ApprovalSettings.parseTimeout("120")).isEqualTo(Duration.ofSeconds(120));
        assertThatThrownBy(() -> ApprovalSettings.parseTimeout("0s")).isInstanceOf(ThawException.class);
        assertThatThrownBy(() -> ApprovalSettings.parseTimeout("soon")).isInstanceOf(ThawException.class);
    }
}
