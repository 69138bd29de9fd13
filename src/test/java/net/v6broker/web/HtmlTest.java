package net.v6broker.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlTest {
    @Test
    void invisibleCharactersStoredEarlierAreShownNotObeyed() {
        // regression: a reason holding U+202E RIGHT-TO-LEFT OVERRIDE reversed the text after it on the dashboard
        assertThat(Html.esc("lab\u202Egnp.exe")).isEqualTo("lab[U+202E]gnp.exe");
        assertThat(Html.esc("a\u200Bb\u0007c\uFEFF")).isEqualTo("a[U+200B]b[U+0007]c[U+FEFF]");
        assertThat(Html.esc("<b>Straße 東京 😀</b>\n")).isEqualTo("&lt;b&gt;Straße 東京 😀&lt;/b&gt;\n");
    }
}
