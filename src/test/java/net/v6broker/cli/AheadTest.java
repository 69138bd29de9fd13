package net.v6broker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AheadTest {

    @Test
    void makesTheValueOnceWhetherStartedAheadOrAskedFor() {
        AtomicInteger made = new AtomicInteger();
        Ahead<String> value = new Ahead<>("value", () -> "v" + made.incrementAndGet());

        value.startMaking();
        value.startMaking();

        assertThat(value.get()).isEqualTo("v1");
        assertThat(value.get()).isEqualTo("v1");
        assertThat(made).hasValue(1);
    }

    @Test
    void throwsTheFailureToEveryCallerAsItWasThrown() {
        IllegalStateException failure = new IllegalStateException("no CA key");
        Ahead<String> value = new Ahead<>("CA load", () -> {
            throw failure;
        });

        value.startMaking();

        assertThatThrownBy(value::get).isSameAs(failure);
        assertThatThrownBy(value::get).isSameAs(failure);
    }

    @Test
    void releasesOnlyAValueThatWasAskedForAndMade() {
        List<String> released = new ArrayList<>();
        Ahead<String> unused = new Ahead<>("unused", () -> "never");
        Ahead<String> used = new Ahead<>("used", () -> "db");
        Ahead<String> failed = new Ahead<>("failed", () -> {
            throw new IllegalStateException("cannot open");
        });
        used.startMaking();
        failed.startMaking();

        unused.ifMade(released::add);
        used.ifMade(released::add);
        failed.ifMade(released::add);

        assertThat(released).containsExactly("db");
    }
}
