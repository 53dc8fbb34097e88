package dev.thaw.python.inject;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PythonLiteralTest {

    @Test
    void jsonValuesBecomePythonLiterals() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "it's \\ \"q\" é\n𝄞\u0000");
        m.put("i", 42);
        m.put("big", new BigInteger("123456789012345678901234567890"));
        m.put("f", 1.5e10);
        m.put("b", true);
        m.put("n", null);
        m.put("l", Arrays.asList(1, "x", false, null));
        m.put("nested", Map.of("k", List.of()));
        assertThat(PythonLiteral.of(m)).isEqualTo("{'s': 'it\\'s \\\\ \"q\" \\xe9\\x0a\\U0001d11e\\x00', 'i': 42, "
                + "'big': 123456789012345678901234567890, 'f': 1.5E10, 'b': True, 'n': None, "
                + "'l': [1, 'x', False, None], 'nested': {'k': []}}");
    }

    @Test
    void theOutputIsPureAscii() {
        assertThat(PythonLiteral.string("ü✓")).isEqualTo("'\\xfc\\u2713'").matches("\\p{ASCII}*");
    }
}
