package net.v6broker.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HtmlTest {
    @Test
    void invisibleCharactersStoredEarlierAreShownNotObeyed() {
        // regression: a reason holding U+202E RIGHT-TO-LEFT OVERRIDE reversed the text after it on the dashboard
        assertThat(shownIn("lab\u202Egnp.exe")).contains("<dd>lab[U+202E]gnp.exe</dd>");
        assertThat(shownIn("a\u200Bb\u0007c\uFEFF")).contains("<dd>a[U+200B]b[U+0007]c[U+FEFF]</dd>");
        assertThat(shownIn("<b>Straße 東京 😀</b>\n")).contains("<dd>&lt;b&gt;Straße 東京 😀&lt;/b&gt;\n</dd>");
    }

    @Test
    void textInAnAttributeIsEscapedForTheAttribute() {
        String html = Pages.render("login.jte", new Pages.Login(new Pages.Frame("Operator login", null, "a\"><script>x</script>"),
                null));

        // the quote is escaped, so the value cannot end the attribute; jte writes < as &lt; there too
        assertThat(html).contains("name=\"csrf\" value=\"a&#34;>&lt;script>x&lt;/script>\"");
    }

    /** A subscriber's page showing {@code text} as a fact's value. */
    private static String shownIn(String text) {
        return Pages.render("my.jte", new Pages.My(new Pages.Frame("My tunnel", null, "t"), "n", "approved", null,
                List.of(Pages.Fact.of("Reason", text)), null, null, null, false));
    }
}
