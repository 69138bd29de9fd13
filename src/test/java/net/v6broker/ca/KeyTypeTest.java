package net.v6broker.ca;

import net.v6broker.error.InvalidInputException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class KeyTypeTest {

    @ParameterizedTest
    @CsvSource({"ec, EC_P256", "EC, EC_P256", "rsa, RSA_3072", "RSA, RSA_3072", "rsa2048, RSA_2048",
            "Rsa2048, RSA_2048", "rsa3072, RSA_3072", "RSA3072, RSA_3072"})
    void parsesAcceptedNamesCaseInsensitively(String name, KeyType expected) {
        assertThat(KeyType.parse(name)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "dsa", "ec384", "rsa4096", "ecdsa", " ec"})
    void rejectsUnknownNamesListingTheAcceptedOnes(String name) {
        assertThatThrownBy(() -> KeyType.parse(name))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("unknown key type '" + name + "': accepted ec, rsa, rsa2048, rsa3072");
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> KeyType.parse(null)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("accepted ec, rsa, rsa2048, rsa3072");
    }

    @Test
    void namesItselfForTheCommandLine() {
        assertThat(KeyType.EC_P256.cliName()).isEqualTo("ec");
        assertThat(KeyType.RSA_2048.cliName()).isEqualTo("rsa2048");
        assertThat(KeyType.RSA_3072.cliName()).isEqualTo("rsa3072");
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void parsesItsOwnCliName(KeyType type) {
        assertThat(KeyType.parse(type.cliName())).isEqualTo(type);
    }
}
